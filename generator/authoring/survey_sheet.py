"""Helpers of `handbook import-survey`: the program a cohort belongs to, and attendance sheets.

An attendance sheet has one row per pair and one column per meeting, headed by its number
("3", "Meeting 3", "Session 3"), its title or its id; a cell marked x, yes, 1 or ✓ means the
pair held that meeting, an empty cell or no/0 that it did not. With a mentor and a mentee
column (headed by the role's id or its name in the program, e.g. Buddy) each row is matched to
a pair of the cohort file, which then records the meetings that pair held; without them only
the count of pairs per meeting is kept. Either way no name from the sheet reaches the content
that the cohort file did not already hold.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from ..errors import ContentError, HandbookError, did_you_mean, quote, relative
from ..load.loader import YAML_SUFFIXES, parse_yaml
from ..validate.models import Program
from ..validate.results import question_key

HELD = {"yes", "y", "x", "1", "✓", "✔", "held", "true", "done"}
NOT_HELD = {"", "no", "n", "0", "-", "false", "not held", "missed", "cancelled"}


def program_of(cohort_file: Path, root: Path) -> Program:
    """The validated program a cohort file belongs to; a broken program.yml is `check`'s to
    report in full, so this only says where to look."""
    folder = cohort_file.parent.parent
    path = next((folder / f"program{s}" for s in YAML_SUFFIXES
                 if (folder / f"program{s}").is_file()), folder / "program.yml")
    shown = relative(path, root)
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), shown)
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        count = exc.error_count()
        raise HandbookError([ContentError(shown, f"the program file has {count} mistake"
                                          f"{'s' if count != 1 else ''}",
                                          hint="run `handbook check` and fix them first")]
                            ) from None


def session_columns(program: Program, header: list[str]) -> dict[int, str]:
    """Column index -> session id, for every header naming a meeting of the plan."""
    sessions = program.meeting_plan
    by_name = {question_key(s.title): s.id for s in sessions}
    by_name.update({question_key(s.id.replace("-", " ")): s.id for s in sessions})
    found: dict[int, str] = {}
    for i, cell in enumerate(header):
        key = question_key(cell)
        number = re.fullmatch(r"(?:meeting|session|m|s)?\s*(\d+)", key)
        if number and 1 <= int(number.group(1)) <= len(sessions):
            found[i] = sessions[int(number.group(1)) - 1].id
        elif key in by_name:
            found[i] = by_name[key]
    return found


def _columns(program: Program, header: list[str], header_row: int, shown: str
             ) -> dict[int, str]:
    columns = session_columns(program, header)
    if not columns:
        raise HandbookError([ContentError(
            shown, f"row {header_row}: no column names a meeting of the plan",
            hint="head each meeting's column with its number (1, 2, ... or 'Meeting 1') or "
                 f"its title, e.g. {quote(program.meeting_plan[0].title)}")])
    return columns


def _marks(columns: dict[int, str], header: list[str], number: int, cells: list[str],
           shown: str, problems: list[ContentError]) -> dict[str, bool] | None:
    """Held or not per session of one row; None (and a located problem) if a cell says
    neither."""
    marks: dict[str, bool] = {}
    for index, session in columns.items():
        cell = (cells[index] if index < len(cells) else "").strip().casefold()
        if cell not in HELD and cell not in NOT_HELD:
            problems.append(ContentError(
                shown, f"row {number}, column {quote(header[index])}: {quote(cell)} is "
                       "neither held nor not held",
                hint="mark a meeting held with x, yes, 1 or ✓ and leave it empty if not"))
            return None
        marks[session] = marks.get(session, False) or cell in HELD
    return marks


def pair_columns(program: Program, header: list[str]) -> tuple[int, int] | None:
    """The mentor's and the mentee's column, found by role id or the program's role name
    ('Mentor', 'Buddy name'); None unless both are there."""
    names = {role.id: {role.id, question_key(role.name)} for role in program.roles}
    found = []
    for role in ("mentor", "mentee"):
        wanted = names.get(role, {role}) | {role}
        found.append(next((i for i, cell in enumerate(header)
                           if question_key(cell).removesuffix(" name") in wanted), None))
    mentor, mentee = found
    return None if mentor is None or mentee is None else (mentor, mentee)


def _name(text: str) -> str:
    return " ".join(text.casefold().split())


def held_from_rows(program: Program, pairs: list[tuple[str, str]], header: list[str],
                   header_row: int, names: tuple[int, int], body: list[tuple[int, list[str]]],
                   shown: str) -> tuple[dict[int, list[int]], list[ContentError]]:
    """Per pair (its index among the cohort file's (mentor, mentee)) the numbers of the
    meetings it held, and one located error per row that could not be used: a cell that says
    neither, a pair the cohort file does not have, a pair given twice."""
    columns = _columns(program, header, header_row, shown)
    number_of = {s.id: n for n, s in enumerate(program.meeting_plan, start=1)}
    index_of = {(_name(mentor), _name(mentee)): i for i, (mentor, mentee) in enumerate(pairs)}
    known = [f"{mentor} and {mentee}" for mentor, mentee in pairs]
    found: dict[int, list[int]] = {}
    problems: list[ContentError] = []
    for row, cells in body:
        mentor, mentee = (cells[i].strip() if i < len(cells) else "" for i in names)
        index = index_of.get((_name(mentor), _name(mentee)))
        if index is None:
            problems.append(ContentError(
                shown, f"row {row}: the cohort has no pair of {quote(mentor)} and "
                       f"{quote(mentee)}",
                hint=did_you_mean(f"{mentor} and {mentee}", known, "pairs")
                + "; fix the names in the sheet or add the pair to the cohort file"))
            continue
        if index in found:
            problems.append(ContentError(shown, f"row {row}: this pair's meetings were "
                                         "already given in an earlier row",
                                         hint="keep one row per pair"))
            continue
        marks = _marks(columns, header, row, cells, shown, problems)
        if marks is not None:
            found[index] = sorted(number_of[s] for s, held in marks.items() if held)
    return found, problems


def attendance_from_rows(program: Program, header: list[str], header_row: int,
                         body: list[tuple[int, list[str]]], shown: str
                         ) -> tuple[CommentedMap, int, list[ContentError]]:
    """The attendance block (pairs, held per session in plan order), the pairs imported and
    one located error per row that could not be read."""
    columns = _columns(program, header, header_row, shown)
    held = {session: 0 for session in columns.values()}
    problems: list[ContentError] = []
    pairs = 0
    for number, cells in body:
        marks = _marks(columns, header, number, cells, shown, problems)
        if marks is not None:
            pairs += 1
            for session, was_held in marks.items():
                held[session] += was_held
    order = [s.id for s in program.meeting_plan if s.id in held]
    block = CommentedMap([("pairs", pairs),
                          ("held", CommentedMap((s, held[s]) for s in order))])
    return block, pairs, problems
