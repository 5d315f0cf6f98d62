"""`handbook import-pairs`: mentor-mentee pairs from an HR spreadsheet into a cohort file.

Why: pairs arrive as a spreadsheet export, and retyping forty names into YAML invites typos. The
import matches columns by their headers the way HR names them, keeps every good row, reports
each row it cannot use by its spreadsheet row number (so it can be fixed at the source), and
edits the cohort file with ruamel.yaml's round-trip mode so the author's comments, key order and
quoting survive; only the pairs list changes. Reading the file is spreadsheet.py's job, the
round-trip edit roundtrip.py's; this module matches columns and turns rows into pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ContentError, HandbookError, did_you_mean, relative
from ..load.loader import YAML_SUFFIXES, discover, parse_yaml
from ..validate.models import Pair
from ..write.files import atomic_write
from .roundtrip import with_pairs
from .spreadsheet import clean, read_rows

FIELDS = ("mentor", "mentee", "department", "mentor_email", "mentee_email")
REQUIRED = ("mentor", "mentee")
# Header spellings seen in HR exports, compared lowercased with everything but letters and
# digits removed: "Mentor e-mail", "mentor_email" and "Mentor Email" all become "mentoremail".
HEADERS: dict[str, set[str]] = {
    "mentor": {"mentor", "mentorname", "mentorfullname", "mentorsname", "nameofmentor",
               "mentorsfullname"},
    "mentee": {"mentee", "menteename", "menteefullname", "menteesname", "nameofmentee",
               "menteesfullname"},
    "department": {"department", "departments", "dept", "depts", "departmentname", "deptname",
                   "team", "division", "businessunit"},
    "mentor_email": {"mentoremail", "mentoremailaddress", "mentormail", "mentorsemail",
                     "mentorworkemail", "emailmentor", "mentormailaddress"},
    "mentee_email": {"menteeemail", "menteeemailaddress", "menteemail", "menteesemail",
                     "menteeworkemail", "emailmentee", "menteemailaddress"},
}
IN_FILE = "the cohort file"
ALREADY = "is already in the cohort file"
LABEL = {"mentor": "mentor", "mentee": "mentee", "department": "department",
         "mentor_email": "mentor's email", "mentee_email": "mentee's email"}


@dataclass
class ImportResult:
    """What happened, for the summary line."""

    cohort_file: str
    imported: int
    skipped: list[ContentError] = field(default_factory=list)
    replaced: int = 0  # pairs that were in the file before a replace
    kept: int = 0  # pairs that were in the file before an append
    append: bool = False
    already: int = 0  # rows of an append that were all in the file: nothing was written
    stripped: dict[int, int] = field(default_factory=dict)  # row -> cells cleaned

    def summary(self) -> str:
        """What the command prints last: what was imported, and what happened to the file."""
        if self.already:
            return (f"0 pairs imported: all {self.already} rows are already in the cohort "
                    f"file; {self.cohort_file} was left as it was.")
        plural = "s" if self.imported != 1 else ""
        skipped = len(self.skipped)
        lines = [f"{self.imported} pair{plural} imported, {skipped} row"
                 f"{'s' if skipped != 1 else ''} skipped."]
        if self.stripped:
            cells, rows = sum(self.stripped.values()), len(self.stripped)
            listed = ", ".join(str(n) for n in sorted(self.stripped))
            lines.append(f"Note: control characters removed from {cells} cell"
                         f"{'s' if cells != 1 else ''} in {rows} row{'s' if rows != 1 else ''}"
                         f" ({listed}); they are invisible in a spreadsheet and cannot be "
                         "shown on a page.")
        before = (f"added to the {self.kept} pairs already there" if self.append
                  else f"replaced the {self.replaced} pairs that were there")
        lines.append(f"Wrote {self.cohort_file} ({before}). Run `handbook check` next.")
        return "\n".join(lines)


def compact(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.casefold())


# --- columns -------------------------------------------------------------------------------


def find_columns(header: list[str], explicit: dict[str, str | None],
                 shown: str, header_row: int) -> dict[str, int]:
    """Column index per field: named explicitly by a flag, or recognised by its header."""
    found: dict[str, int] = {}
    errors: list[ContentError] = []
    compacted = [compact(h) for h in header]
    listing = ", ".join(repr(h) for h in header if h) or "none"
    for name in FIELDS:
        wanted = explicit.get(name)
        if wanted:
            matches = [i for i, h in enumerate(compacted) if h == compact(wanted)]
            if not matches:
                errors.append(ContentError(
                    shown, f"row {header_row}: there is no column {wanted!r}",
                    hint=f"the header row has {listing}",
                ))
                continue
        else:
            matches = [i for i, h in enumerate(compacted) if h in HEADERS[name]]
        if len(matches) > 1:
            names = " and ".join(repr(header[i]) for i in matches)
            errors.append(ContentError(
                shown, f"row {header_row}: both {names} look like the {LABEL[name]} column",
                hint=f"name the one to use with --{name.replace('_', '-')}-column",
            ))
        elif matches:
            found[name] = matches[0]
        elif name in REQUIRED:
            errors.append(ContentError(
                shown, f"row {header_row}: no {name} column found",
                hint=f"the header row has {listing}; name the {name} column with "
                     f"--{name}-column, e.g. --{name}-column \"{name.title()} name\"",
            ))
    if errors:
        raise HandbookError(errors)
    return found


# --- rows to pairs -------------------------------------------------------------------------


def rows_to_pairs(rows: Iterator[tuple[int, list[str]]], explicit: dict[str, str | None],
                  shown: str, existing: list[dict[str, Any]]
                  ) -> tuple[list[dict[str, str]], list[ContentError], dict[int, int]]:
    """The usable pairs, one located problem per row that cannot be used, and how many cells
    of each imported row (by row number) had control characters removed.

    `existing` pairs count as already taken, so an append never adds a pair twice.
    """
    cleaned = ((n, [clean(c) for c in cells]) for n, cells in rows)
    table = ((n, [text for text, _ in cells], [dirty for _, dirty in cells])
             for n, cells in cleaned)
    header_row, header = next(((n, r) for n, r, _ in table if any(r)), (0, []))
    if not header:
        raise HandbookError([ContentError(shown, "the spreadsheet is empty",
                                          hint="export it with a header row, then one row per "
                                               "pair")])
    columns = find_columns(header, explicit, shown, header_row)
    seen: dict[tuple[str, str], str] = {
        _key(p): IN_FILE for p in existing if p.get("mentor") and p.get("mentee")
    }
    pairs: list[dict[str, str]] = []
    problems: list[ContentError] = []
    stripped: dict[int, int] = {}
    any_row = False
    for number, cells, dirty in table:
        if not any(cells):
            continue  # blank lines at the end of an export are not mistakes
        any_row = True
        values = {name: cells[i] if i < len(cells) else "" for name, i in columns.items()}
        values = {name: value for name, value in values.items() if value}
        problem = _row_problem(values, header, columns)
        if problem is None:
            key = _key(values)
            if key in seen and seen[key] == IN_FILE:
                problem = (f"the pair {values['mentor']} / {values['mentee']} {ALREADY}",
                           "--append skips pairs that are already there")
            elif key in seen:
                problem = (f"the pair {values['mentor']} / {values['mentee']} is a duplicate "
                           f"of {seen[key]}", "delete one of the two rows")
            else:
                seen[key] = f"row {number}"
                pairs.append(values)
                count = sum(1 for i in columns.values() if i < len(dirty) and dirty[i])
                if count:
                    stripped[number] = count
                continue
        message, hint = problem
        problems.append(ContentError(shown, f"row {number}: {message}", hint=hint))
    if not any_row:
        raise HandbookError([ContentError(shown, f"there are no rows below the header (row "
                                          f"{header_row})", hint="add one row per pair")])
    return pairs, problems, stripped


def _key(pair: dict[str, Any]) -> tuple[str, str]:
    """Pairs are the same whatever the case, as `handbook check` sees them."""
    return (" ".join(str(pair["mentor"]).split()).casefold(),
            " ".join(str(pair["mentee"]).split()).casefold())


def _row_problem(values: dict[str, str], header: list[str],
                 columns: dict[str, int]) -> tuple[str, str] | None:
    """Why a row cannot become a pair (message, hint), or None if it can."""
    for name in REQUIRED:
        if name not in values:
            return (f"the {name} is missing (column {header[columns[name]]!r} is empty)",
                    f"fill in the {name}'s name, or delete the row")
    if _key(values)[0] == _key(values)[1]:
        return (f"{values['mentor']} is both mentor and mentee",
                "each pair needs two different people")
    try:
        Pair.model_validate(values)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        name = str(error["loc"][0])
        if name.endswith("_email"):
            return (f"{values[name]!r} in column {header[columns[name]]!r} is not an email "
                    "address", "write it like name@example.com, or leave the cell empty")
        return (f"column {header[columns[name]]!r}: {error['msg']}", "")
    return None


# --- the cohort file -----------------------------------------------------------------------


def cohort_path(root: Path, program: str, cohort: str, content: Path | None = None) -> Path:
    """The cohort's file, or a clear error naming what exists."""
    content = content or root / "content"
    program_dir = content / "programs" / program
    found = discover(content)
    if not any(k == "program" and i == program for k, i, _, _ in found):
        known = [i for k, i, _, _ in found if k == "program"]
        raise HandbookError([ContentError(
            relative(program_dir / "program.yml", root), f"there is no program {program!r}",
            hint=did_you_mean(program, known, "programs"),
        )])
    for suffix in YAML_SUFFIXES:
        path = program_dir / "cohorts" / f"{cohort}{suffix}"
        if path.is_file():
            return path
    known = [i for k, i, _, p in found if k == "cohort" and p == program]
    hint = did_you_mean(cohort, known, "cohorts")
    raise HandbookError([ContentError(
        relative(program_dir / "cohorts" / f"{cohort}.yml", root),
        f"there is no cohort {cohort!r} in program {program!r}",
        hint=f"{hint}; create it first with `handbook new cohort {program} {cohort}`",
    )])


def import_pairs(root: Path, program: str, cohort: str, sheet: Path, sheet_shown: str,
                 explicit: dict[str, str | None], append: bool = False,
                 content: Path | None = None) -> ImportResult:
    """Read the spreadsheet, then replace (or extend) the cohort's pairs; write if any is good."""
    path = cohort_path(root, program, cohort, content)
    shown = relative(path, root)
    text = path.read_text(encoding="utf-8")
    plain, _ = parse_yaml(text, shown)  # syntax errors and duplicate keys, located as `check`
    if not isinstance(plain, dict):
        raise HandbookError([ContentError(shown, "expected a group of keys at the top of the "
                                          "file", 1, 1, hint="see the example in README.md")])
    old = plain.get("pairs") or []
    if not isinstance(old, list):
        raise HandbookError([ContentError(shown, "pairs is not a list", field="pairs",
                                          hint="fix the file by hand, then import again")])
    old_pairs = [p for p in old if isinstance(p, dict)]

    pairs, problems, stripped = rows_to_pairs(read_rows(sheet, sheet_shown), explicit,
                                              sheet_shown, old_pairs if append else [])
    if not pairs and problems and all(p.message.endswith(ALREADY) for p in problems):
        return ImportResult(shown, 0, append=append, kept=len(old_pairs),
                            already=len(problems))  # nothing to do is not a mistake
    if not pairs:
        raise HandbookError([*problems, ContentError(
            sheet_shown, "no row could be used", hint=f"{shown} was left as it was")])

    ordered = [{name: values[name] for name in FIELDS if name in values} for values in pairs]
    new_text = with_pairs(text, shown, ordered, append)
    check, _ = parse_yaml(new_text, shown)  # never write a file `check` could not read
    assert len(check["pairs"]) == len(pairs) + (len(old) if append else 0), "lost a pair"
    atomic_write(path, new_text.encode("utf-8"))  # an interrupted import leaves the old file
    return ImportResult(shown, len(pairs), problems,
                        replaced=0 if append else len(old_pairs),
                        kept=len(old_pairs) if append else 0, append=append,
                        stripped=stripped)
