"""`handbook import-survey`: a Forms export becomes aggregate results in the cohort's results file.

Why aggregates only: a survey export names every respondent (Microsoft Forms: Name and Email;
Google Forms: Email Address) and its free-text answers can name colleagues. The content folder
is committed and shared, so only counts per answer and `n` per question go into it; the names,
emails, timestamps and free text are read, counted and forgotten. Sheet reading is
import-pairs' (`spreadsheet.read_rows`); the results file is edited with ruamel's round trip, so the
coordinator's comments and the other surveys stay as they were.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from ..errors import ContentError, HandbookError, did_you_mean, quote, relative
from ..load.loader import parse_yaml
from ..validate.models import Program, Survey, SurveyQuestion
from ..validate.results import question_key
from ..write.files import atomic_write
from .importer import cohort_path
from .roundtrip import round_trip_yaml as _yaml
from .roundtrip import take_tail, with_held
from .spreadsheet import clean as _clean
from .spreadsheet import read_rows
from .survey_sheet import attendance_from_rows, held_from_rows, pair_columns, program_of

# Columns Forms adds about the respondent, never about a question (compared as question_key).
METADATA = {"id", "start time", "completion time", "email", "name", "last modified time",
            "timestamp", "email address", "score", "total points", "respondent", "language",
            "quiz feedback", "points"}
ATTENDANCE = "attendance"  # the SURVEY argument that imports meetings held instead
YES = {"yes", "y", "true", "ja", "oui", "si", "sí", "1", "x", "✓", "✔"}
NO = {"no", "n", "false", "nein", "non", "0"}
HINTS = {"scale": "answers are 1 to 5; fix the cell at the source, or delete the row",
         "yes-no": "write yes or no (y/n, true/false also work), or delete the row",
         "number": "write a number such as 3 or 2.5, or delete the row"}


@dataclass
class SurveyImport:
    """What happened, for the summary line."""

    results_file: str
    imported: int
    skipped: list[ContentError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # headers matched to no question
    what: str = "responses"
    per_pair: bool = False  # meetings held written to the cohort file, pair by pair

    def summary(self) -> str:
        skipped = len(self.skipped)
        lines = [f"{self.imported} {self.what} imported, {skipped} row"
                 f"{'s' if skipped != 1 else ''} skipped."]
        if self.ignored:
            lines.append("Columns matched to no question (not imported): "
                         + ", ".join(quote(h) for h in self.ignored) + ".")
        if self.per_pair:
            lines.append(f"Wrote the meetings each pair held to {self.results_file} (pairs "
                         "not imported were left as they were; attendance counts in the "
                         "results file were removed: they follow from the pairs). Run "
                         "`handbook check` next.")
        else:
            lines.append(f"Wrote {self.results_file} (aggregates only: no names, emails or "
                         "free-text answers). Run `handbook check` next.")
        return "\n".join(lines)


def parse_answer(kind: str, cell: str) -> tuple[str | None, str | None]:
    """(stored answer, problem): the answer as the results file writes it, or why not."""
    text = cell.strip()
    if kind == "scale":
        match = re.match(r"^([1-5])(?:\.0+)?(?:\s*[-–:(/]\s*\D.*|\s+\D.*)?$", text)
        return (match.group(1), None) if match else (None, f"{quote(text)} is not on the "
                                                           "scale 1 to 5")
    if kind == "yes-no":
        word = text.casefold().rstrip(".!")
        if word in YES or word in NO:
            return ("yes" if word in YES else "no"), None
        return None, f"{quote(text)} is not yes or no"
    if kind == "number":
        match = re.match(r"^(\d+(?:[.,]\d+)?)(?:\s*[a-z]+)?$", text, re.I)
        if not match:
            return None, f"{quote(text)} is not a number"
        value = float(match.group(1).replace(",", "."))
        return (str(int(value)) if value.is_integer() else str(value)), None
    return "", None  # free text: counted, never kept


def match_columns(survey: Survey, header: list[str], explicit: dict[int, str], shown: str,
                  header_row: int) -> tuple[dict[int, int], list[str]]:
    """Column index per question number (1-based), and the headers nothing used.

    Named columns first, then the same text once numbering, case and punctuation are gone,
    then the closest remaining header if it is close enough to be the same question."""
    keys = [question_key(h) for h in header]
    free = {i for i, k in enumerate(keys) if k and k not in METADATA}
    found: dict[int, int] = {}
    errors = []
    for number, wanted in sorted(explicit.items()):
        if not 1 <= number <= len(survey.questions):
            errors.append(ContentError(shown, f"--column {number}=...: survey {survey.id!r} "
                                       f"has questions 1 to {len(survey.questions)}"))
            continue
        hits = [i for i in free if keys[i] == question_key(wanted)]
        if not hits:
            errors.append(ContentError(shown, f"row {header_row}: there is no column "
                                       f"{quote(wanted)}", hint=_listing(header, free)))
            continue
        found[number] = hits[0]
        free.discard(hits[0])
    for passes in ("exact", "close"):
        for number, question in enumerate(survey.questions, start=1):
            if number in found:
                continue
            want = question_key(question.question)
            if passes == "exact":
                hits = [i for i in sorted(free) if keys[i] == want]
            else:
                scored = sorted((difflib.SequenceMatcher(None, want, keys[i]).ratio(), -i)
                                for i in free)
                hits = [-scored[-1][1]] if scored and scored[-1][0] >= 0.85 else []
            if hits:
                found[number] = hits[0]
                free.discard(hits[0])
    for number, question in enumerate(survey.questions, start=1):
        if number not in found:
            errors.append(ContentError(
                shown, f"row {header_row}: question {number} {quote(question.question)} has "
                       "no column", hint=f"{_listing(header, free)}; name it with --column "
                                         f"{number}=\"HEADER\""))
    if errors:
        raise HandbookError(errors)
    return found, [header[i] for i in sorted(free)]


def _listing(header: list[str], free: set[int]) -> str:
    names = ", ".join(quote(header[i]) for i in sorted(free)) or "none"
    return f"the columns not matched to a question are {names}"


def aggregate(survey: Survey, rows: list[tuple[int, list[str]]], columns: dict[int, int],
              header: list[str], shown: str
              ) -> tuple[list[tuple[SurveyQuestion, Counter[str], int]], int,
                         list[ContentError]]:
    """Per question its counts and n, the rows imported, and one located error per bad row
    (the first problem in it; the row's other answers are not counted either)."""
    tallies = [(q, Counter[str](), [0]) for q in survey.questions]
    problems, imported = [], 0
    for number, cells in rows:
        answers: list[str | None] = []
        problem = None
        for qnum, (question, _, _) in enumerate(tallies, start=1):
            index = columns[qnum]
            cell = _clean(cells[index])[0] if index < len(cells) else ""
            if not cell:
                answers.append(None)  # not answered: optional questions are fine
                continue
            answer, problem = parse_answer(question.answer, cell)
            if problem:
                problems.append(ContentError(
                    shown, f"row {number}, column {quote(header[index])}: {problem}",
                    hint=HINTS[question.answer]))
                break
            answers.append(answer)
        if problem:
            continue
        imported += 1
        for (question, counts, n), answer in zip(tallies, answers, strict=True):
            if answer is not None:
                n[0] += 1
                if question.answer != "text":
                    counts[answer] += 1
    return [(q, c, n[0]) for q, c, n in tallies], imported, problems


def _counts_map(question: SurveyQuestion, counts: Counter[str]) -> CommentedMap:
    """Answers in reading order, every scale point and yes/no written even when zero."""
    if question.answer == "scale":
        keys: list[str] = ["1", "2", "3", "4", "5"]
    elif question.answer == "yes-no":
        keys = ["yes", "no"]
    else:
        keys = sorted(counts, key=float)
    out = CommentedMap((_key(k), counts.get(k, 0)) for k in keys)
    out.fa.set_flow_style()
    return out


def _key(answer: str) -> int | float | str:
    if re.fullmatch(r"\d+", answer):
        return int(answer)
    return float(answer) if re.fullmatch(r"\d+\.\d+", answer) else answer


def survey_block(tallies: list[tuple[SurveyQuestion, Counter[str], int]],
                 imported: int) -> CommentedMap:
    questions = CommentedSeq()
    for question, counts, n in tallies:
        entry = CommentedMap([("question", question.question), ("n", n)])
        if question.answer != "text":
            entry["counts"] = _counts_map(question, counts)
        questions.append(entry)
    return CommentedMap([("responses", imported), ("questions", questions)])


def results_path(cohort_file: Path) -> Path:
    """`programs/<p>/results/<cohort>.yml`, beside the cohort's folder (an existing .yaml
    file is kept)."""
    folder = cohort_file.parent.parent / "results"
    existing = folder / f"{cohort_file.stem}.yaml"
    return existing if existing.is_file() else folder / f"{cohort_file.stem}.yml"


def write_results(path: Path, shown: str, key: str, block: CommentedMap,
                  order: list[str]) -> None:
    """Replace `key` (attendance, or surveys.<id>) in the results file, creating the file if
    needed; everything else in it, comments included, stays."""
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        parse_yaml(text, shown)  # syntax errors and duplicate keys, located as `check` does
    else:
        text = ("# Survey results and attendance of this cohort (`handbook import-survey`).\n"
                "# Aggregates only: counts per answer, never a name, an email or a free-text "
                "answer.\n")
    yaml = _yaml(text)
    data = yaml.load(text) or CommentedMap()
    if not isinstance(data, CommentedMap):
        raise HandbookError([ContentError(shown, "expected a group of keys at the top of the "
                                          "file", 1, 1, hint="fix the file by hand first")])
    if key == ATTENDANCE:
        data[ATTENDANCE] = block
    else:
        surveys = data.get("surveys")
        if not isinstance(surveys, CommentedMap):
            surveys = data["surveys"] = CommentedMap()
        surveys[key] = block
        for name in [n for n in order if n in surveys]:  # the program's order of surveys
            surveys.move_to_end(name)
    out = io.StringIO()
    yaml.dump(data, out)
    new_text = out.getvalue()
    parse_yaml(new_text, shown)  # never write a file `check` could not read
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, new_text.encode("utf-8"))


def import_survey(root: Path, program_id: str, cohort: str, survey_id: str, sheet: Path,
                  sheet_shown: str, explicit: dict[int, str],
                  content: Path | None = None) -> SurveyImport:
    """Read the export, aggregate it, and write the cohort's results file if any row is good."""
    cohort_file = cohort_path(root, program_id, cohort, content)
    program: Program = program_of(cohort_file, root)
    path = results_path(cohort_file)
    shown = relative(path, root)
    rows = [(n, [_clean(c)[0] for c in cells]) for n, cells in read_rows(sheet, sheet_shown)]
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        raise HandbookError([ContentError(sheet_shown, "the spreadsheet is empty",
                                          hint="export it with a header row")])
    (header_row, header), body = rows[0], rows[1:]
    names = pair_columns(program, header) if survey_id == ATTENDANCE else None
    if names is not None:
        return _import_held(root, cohort_file, program, (header_row, header), names, body,
                            sheet_shown)
    if survey_id == ATTENDANCE:
        block, imported, problems = attendance_from_rows(program, header, header_row, body,
                                                         sheet_shown)
        what, ignored = "pairs", list[str]()
    else:
        surveys = {s.id: s for s in program.evaluation}
        survey = surveys.get(survey_id)
        if survey is None:
            raise HandbookError([ContentError(
                relative(cohort_file.parent.parent / "program.yml", root),
                f"program {program_id!r} has no survey {survey_id!r}",
                hint=f"{did_you_mean(survey_id, surveys, 'surveys')} (or `attendance` for "
                     "meetings held)")])
        columns, ignored = match_columns(survey, header, explicit, sheet_shown, header_row)
        tallies, imported, problems = aggregate(survey, body, columns, header, sheet_shown)
        block, what = survey_block(tallies, imported), "responses"
    if not imported:
        raise HandbookError([*problems, ContentError(
            sheet_shown, "no row could be used", hint=f"{shown} was left as it was")])
    write_results(path, shown, survey_id, block, [s.id for s in program.evaluation])
    return SurveyImport(shown, imported, problems, ignored, what)


def _import_held(root: Path, cohort_file: Path, program: Program,
                 head: tuple[int, list[str]], names: tuple[int, int],
                 body: list[tuple[int, list[str]]], sheet_shown: str) -> SurveyImport:
    """A sheet naming each pair: the meetings it held go to its `held:` in the cohort file
    (the results file's counts, if any, are then `check`'s to refuse: one source)."""
    shown = relative(cohort_file, root)
    text = cohort_file.read_text(encoding="utf-8")
    data, _ = parse_yaml(text, shown)
    raw = data.get("pairs") if isinstance(data, dict) else None
    pairs = [(str(p.get("mentor", "")), str(p.get("mentee", "")))
             for p in raw or [] if isinstance(p, dict)]
    if not isinstance(raw, list) or len(pairs) != len(raw):
        raise HandbookError([ContentError(shown, "the cohort file has no list of pairs to "
                                          "match the sheet's rows to",
                                          hint="import the pairs first (`handbook "
                                               "import-pairs`)")])
    held, problems = held_from_rows(program, pairs, head[1], head[0], names, body, sheet_shown)
    if not held:
        raise HandbookError([*problems, ContentError(
            sheet_shown, "no row could be used", hint=f"{shown} was left as it was")])
    new_text = with_held(text, shown, held)
    parse_yaml(new_text, shown)  # never write a file `check` could not read
    atomic_write(cohort_file, new_text.encode("utf-8"))
    _drop_counts(results_path(cohort_file), relative(results_path(cohort_file), root))
    return SurveyImport(shown, len(held), problems, [], "pairs", per_pair=True)


def _drop_counts(path: Path, shown: str) -> None:
    """Remove the results file's `attendance:` counts, now that the pairs say the same thing
    (one source: `check` refuses both); its surveys and comments stay."""
    if not path.is_file():
        return
    text = path.read_text(encoding="utf-8")
    parse_yaml(text, shown)
    yaml = _yaml(text)
    data = yaml.load(text)
    if not isinstance(data, CommentedMap) or ATTENDANCE not in data:
        return
    tail = take_tail(data[ATTENDANCE])  # comment lines introducing the next key
    keys = list(data)
    del data[ATTENDANCE]
    after = keys.index(ATTENDANCE)
    if tail.strip() and after:
        data.ca.items[keys[after - 1]] = [None, None, CommentToken("\n" + tail, CommentMark(0),
                                                                   None), None]
    elif tail.strip():  # it was the first key: the lines join the comments atop the file
        if not data.ca.comment:
            data.ca.comment = [None, []]
        data.ca.comment[1] = [*(data.ca.comment[1] or []),
                              CommentToken(tail, CommentMark(0), None)]
    out = io.StringIO()
    yaml.dump(data, out)
    parse_yaml(out.getvalue(), shown)
    atomic_write(path, out.getvalue().encode("utf-8"))
