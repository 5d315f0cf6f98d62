"""Authoring commands: `new`, `import-pairs` and `schema`, run as a user would, on real files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, make_project, run_cli
from handbook.authoring import scaffold
from handbook.authoring.schema import render_schemas
from handbook.load.loader import discover, parse_yaml
from handbook.validate.documents import MODEL_OF
from handbook.validate.models import Cohort, Program
from openpyxl import Workbook
from pydantic import BaseModel

KINDS = ("site", "program", "cohort", "topic", "challenge", "module", "results")
SPRING = "content/programs/reverse-mentoring/cohorts/2027-spring-london.yml"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


def load(path: Path) -> Any:
    return parse_yaml(path.read_text("utf-8"), path.name)[0]


def ok(done: Any) -> None:
    assert done.returncode == 0, done.stdout + done.stderr


def refused(done: Any, *phrases: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr


def missing_keys(model: type[BaseModel], items: list[Any], where: str = "") -> list[str]:
    """Every model field, at every depth, that none of the items (of that model) names."""
    missing: list[str] = []
    for name, info in model.model_fields.items():
        present = [item[name] for item in items if name in item]
        if not present:
            missing.append(f"{where}{name}")
            continue
        inner = _model_in(info.annotation)
        if inner is not None:
            children = [c for v in present for c in (v if isinstance(v, list) else [v])]
            missing += missing_keys(inner, children, f"{where}{name}.")
    return missing


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# --- handbook new --------------------------------------------------------------------------


def test_new_program_and_cohort_pass_check_unchanged(project: Path) -> None:
    done = run_cli("new", "program", "pilot-scheme", cwd=project)
    ok(done)
    assert "content/programs/pilot-scheme/program.yml" in done.stdout
    done = run_cli("new", "cohort", "pilot-scheme", "2028-spring", cwd=project)
    ok(done)
    assert "content/programs/pilot-scheme/cohorts/2028-spring.yml" in done.stdout
    done = run_cli("check", cwd=project)
    ok(done)
    cohorts = sum(1 for kind, *_ in discover(project / "content") if kind == "cohort")
    assert f"3 programs, {cohorts} cohorts" in done.stdout

    program_file = project / "content/programs/pilot-scheme/program.yml"
    program = Program.model_validate(load(program_file))
    assert len(program.meeting_plan) >= 2
    for session in program.meeting_plan:
        assert sum(item.minutes for item in session.agenda) == session.minutes
    # ids come from the content folder at hand, so the lists are not empty here
    assert program.curricula.mentor and program.challenges
    assert any(session.topics for session in program.meeting_plan)
    cohort_file = project / "content/programs/pilot-scheme/cohorts/2028-spring.yml"
    Cohort.model_validate(load(cohort_file))


def test_scaffolds_name_every_key_with_a_comment(project: Path) -> None:
    ok(run_cli("new", "program", "pilot", cwd=project))
    ok(run_cli("new", "cohort", "pilot", "first", cwd=project))
    program_file = project / "content/programs/pilot/program.yml"
    cohort_file = project / "content/programs/pilot/cohorts/first.yml"
    assert missing_keys(Program, [load(program_file)]) == []
    # week and day_of_month only apply to a monthly cadence, held only once meetings took
    # place: shown as comments to uncomment
    assert missing_keys(Cohort, [load(cohort_file)]) == ["schedule.week",
                                                       "schedule.day_of_month", "pairs.held"]
    cohort_text = cohort_file.read_text("utf-8")
    assert re.search(r"^  # week: second ", cohort_text, re.M)
    assert re.search(r"^  # day_of_month: 15 ", cohort_text, re.M)
    assert re.search(r"^    # held: \[1, 2, 3\] ", cohort_text, re.M)
    for path, kind in ((program_file, "program"), (cohort_file, "cohort")):
        text = path.read_text("utf-8")
        assert text.splitlines()[0] == schema_line(path, project, kind)
        assert uncommented_keys(text) == [], path


def uncommented_keys(text: str) -> list[str]:
    """Keys whose first appearance has no comment on its line or the line above."""
    lines, seen, bare = text.splitlines(), set(), []
    for i, line in enumerate(lines):
        match = re.match(r"^\s*(?:- )?([a-z_]+):", line)
        if match and match.group(1) not in seen:
            seen.add(match.group(1))
            if "#" not in line and not lines[i - 1].lstrip().startswith("#"):
                bare.append(match.group(1))
    return bare


def documented_keys(text: str, root: type[BaseModel]) -> list[tuple[str, str, str | None]]:
    """(key path, comment, the field's description) for every key of a scaffold that has a
    comment: on its line, or else a whole-line comment right above it. Keys shown commented
    out (`# week: second   # ...`) count too: they are uncommented before parsing."""
    lines = [re.sub(r"^(\s*)# (?=[a-z_]+: .*   # )", r"\1", line) for line in text.splitlines()]
    found = []

    def walk(node: yaml.Node, model: type[BaseModel] | None, where: str) -> None:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, model, where)
        elif isinstance(node, yaml.MappingNode) and model is not None:
            for key, value in node.value:
                info = model.model_fields[key.value]
                line = lines[key.start_mark.line]
                above = lines[key.start_mark.line - 1].strip()
                comment = (line.split("   # ", 1)[1] if "   # " in line
                           else above[2:] if above.startswith("# ") else None)
                if comment is not None:
                    found.append((where + key.value, comment, info.description))
                walk(value, _model_in(info.annotation), f"{where}{key.value}.")

    walk(yaml.compose("\n".join(lines)), root, "")
    return found


def test_scaffold_comments_are_the_model_descriptions(project: Path) -> None:
    """One source of truth: the comment on a key is its field's description, the text the
    JSON Schema shows on hover."""
    for written, model in ((scaffold.new_program(project, "pilot"), Program),
                           (scaffold.new_cohort(project, "pilot", "first"), Cohort)):
        documented = documented_keys((project / written).read_text("utf-8"), model)
        assert len(documented) > 30, documented
        wrong = [(key, comment, description) for key, comment, description in documented
                 if comment != description]
        assert wrong == [], wrong
    described = {key for key, _, _ in documented}
    assert {"schedule.week", "schedule.day_of_month", "pairs.mentor_email"} <= described


def test_a_project_scaffold_template_takes_the_place_of_the_packaged_one(
        tmp_path: Path) -> None:
    """As with page templates, a file of the same name in the project's templates/ wins."""
    project = make_project(tmp_path / "project", copy_defaults=False)
    own = project / "templates/scaffold/cohort.yml.j2"
    own.parent.mkdir(parents=True)
    packaged = (REPO / "templates/scaffold/cohort.yml.j2").read_text("utf-8")
    own.write_text(packaged.replace("Company-wide offsite", "Works council week"), "utf-8")
    written = project / scaffold.new_cohort(project, "reverse-mentoring", "2030-autumn")
    assert "reason: Works council week   # " in written.read_text("utf-8")
    Cohort.model_validate(load(written))


def test_new_program_in_an_empty_library_references_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.yml").write_text((REPO / "content/site.yml").read_text("utf-8"), "utf-8")
    project = make_project(tmp_path / "project", content)
    ok(run_cli("new", "program", "solo", cwd=project))
    ok(run_cli("new", "cohort", "solo", "one", cwd=project))
    program = Program.model_validate(load(project / "content/programs/solo/program.yml"))
    assert program.challenges == [] and program.curricula.mentor == []
    assert all(not s.topics and not s.challenges for s in program.meeting_plan)
    ok(run_cli("check", cwd=project))


def test_new_takes_the_project_folder_from_root(project: Path) -> None:
    done = run_cli("new", "program", "elsewhere", "--root", str(project), cwd=project.parent)
    ok(done)
    assert (project / "content/programs/elsewhere/program.yml").is_file()


@pytest.mark.parametrize("args, phrase", [
    (("program", "reverse-mentoring"), "content/programs/reverse-mentoring/program.yml: the "
                                       "file already exists"),
    (("cohort", "reverse-mentoring", "2027-spring-london"), f"{SPRING}: the file already exists"),
    (("program", "Pilot_Scheme"), "'Pilot_Scheme' is not a valid id"),
    (("program", "double--hyphen"), "'double--hyphen' is not a valid id"),
    (("cohort", "reverse-mentoring", "Spring 2028"), "'Spring 2028' is not a valid id"),
    (("cohort", "reverse-mentorin", "spring"), "there is no program 'reverse-mentorin'"),
])
def test_new_refuses_and_writes_nothing(project: Path, args: tuple[str, ...],
                                        phrase: str) -> None:
    before = sorted(p.relative_to(project) for p in (project / "content").rglob("*"))
    spring = (project / SPRING).read_text("utf-8")
    refused(run_cli("new", *args, cwd=project), phrase)
    assert sorted(p.relative_to(project) for p in (project / "content").rglob("*")) == before
    assert (project / SPRING).read_text("utf-8") == spring


def test_unknown_program_hint_names_the_closest(project: Path) -> None:
    refused(run_cli("new", "cohort", "reverse-mentorin", "spring", cwd=project),
            "did you mean 'reverse-mentoring'?")


# --- handbook import-pairs -----------------------------------------------------------------


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8-sig")  # as Excel's "CSV UTF-8" writes it
    return path


def test_import_csv_keeps_good_rows_and_reports_bad_ones(project: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "pairs.csv", "\n".join([
        "Mentor name,Mentee,Dept,Mentor e-mail,Mentee E-Mail",
        "Ada Young,Bob Senior,Finance,ada.young@example.com,bob.senior@example.com",
        "Cy Young,,Legal,cy.young@example.com,",                    # 3: no mentee
        "Di Park,Ed Stone,Sales,di.park-at-example.com,",           # 4: bad email
        "ada young, BOB  SENIOR ,Finance,,",                        # 5: duplicate of row 2
        ",,,,",                                                     # blank: ignored
        "Fay Wu,Gil Ross,,,",
        ",Hal Ames,Ops,,",                                          # 8: no mentor
    ]) + "\n")
    done = run_cli("import-pairs", "reverse-mentoring", "2027-spring-london", str(sheet),
                    cwd=project)
    ok(done)
    assert "2 pairs imported, 4 rows skipped." in done.stdout
    assert SPRING in done.stdout
    assert "row 3: the mentee is missing" in done.stderr
    assert "row 4: 'di.park-at-example.com' in column 'Mentor e-mail' is not an email" \
        in done.stderr
    assert "row 5: the pair ada young / BOB SENIOR is a duplicate of row 2" in done.stderr
    assert "row 8: the mentor is missing" in done.stderr
    assert "row 6" not in done.stderr and "row 7" not in done.stderr
    pairs = load(project / SPRING)["pairs"]
    assert pairs == [
        {"mentor": "Ada Young", "mentee": "Bob Senior", "department": "Finance",
         "mentor_email": "ada.young@example.com", "mentee_email": "bob.senior@example.com"},
        {"mentor": "Fay Wu", "mentee": "Gil Ross"},
    ]
    ok(run_cli("check", cwd=project))


def test_import_xlsx_with_explicit_columns(project: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Senior colleague", "Junior colleague", "Cost centre", "Mentee email"])
    sheet.append(["Grace Hopper", "Alan Turing", 4410, "alan.turing@example.com"])
    sheet.append([None, None, None, None])
    sheet.append(["Ada Lovelace", "Charles Babbage", "Research", None])
    sheet.append(["Ada Lovelace", None, "Research", None])
    path = tmp_path / "export.xlsx"
    book.save(path)
    done = run_cli("import-pairs", "new-hire-buddy", "2027-q2-manchester", str(path),
                    "--mentor-column", "senior colleague", "--mentee-column", "JUNIOR COLLEAGUE",
                    "--department-column", "Cost centre", cwd=project)
    ok(done)
    assert "2 pairs imported, 1 row skipped." in done.stdout
    assert "export.xlsx: row 5: the mentee is missing" in done.stderr
    cohort = project / "content/programs/new-hire-buddy/cohorts/2027-q2-manchester.yml"
    assert load(cohort)["pairs"] == [
        {"mentor": "Grace Hopper", "mentee": "Alan Turing", "department": "4410",
         "mentee_email": "alan.turing@example.com"},
        {"mentor": "Ada Lovelace", "mentee": "Charles Babbage", "department": "Research"},
    ]
    ok(run_cli("check", cwd=project))


def test_import_xlsx_recognises_common_headers(project: Path, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Mentor Name", "Mentee", "Department", "Mentor_Email", "Mentee e-mail"])
    sheet.append(["Imran Chaudhry", "Grace Adebayo", "Customer Service",
                  "imran@example.com", "grace@example.com"])
    path = tmp_path / "hr.xlsx"
    book.save(path)
    ok(run_cli("import-pairs", "new-hire-buddy", "2027-q2-manchester", str(path), cwd=project))
    cohort = project / "content/programs/new-hire-buddy/cohorts/2027-q2-manchester.yml"
    assert load(cohort)["pairs"] == [{
        "mentor": "Imran Chaudhry", "mentee": "Grace Adebayo", "department": "Customer Service",
        "mentor_email": "imran@example.com", "mentee_email": "grace@example.com"}]


COMMENTED_COHORT = """\
# yaml-language-server: $schema=../../../../schemas/cohort.schema.json
# A cohort whose comments must survive an import.
title: Pilot cohort   # shown in the navigation
coordinator: {name: Cora Ordinator, email: cora@example.com}
format: virtual       # meetings by video only
video_link: https://meet.example.com/pilot
schedule:
  # dates follow from start and the cadence
  start: 2027-03-24
  cadence: every 2 weeks
  weekday: monday
  time: "16:00"          # quoted on purpose
  time_zone: Europe/London
summary: |
  Kept **exactly** as written, including this long line that goes well past eighty characters.
# Pairs come from the HR export.
pairs:   # replaced by handbook import-pairs
  - mentor: Old Mentor   # leaving
    mentee: Old Mentee
# Last word: keep this comment.
"""


def _comments(text: str) -> list[str]:
    return [line[line.index("#"):] for line in text.splitlines() if "#" in line]


def _commented_cohort(tmp_path: Path) -> tuple[Path, Path]:
    """The mini project whose cohort file is COMMENTED_COHORT: (project, cohort file)."""
    project = make_project(tmp_path / "project", REPO / "tests/fixtures/mini/content")
    cohort = project / "content/programs/pilot/cohorts/first.yml"
    cohort.write_text(COMMENTED_COHORT, "utf-8")
    return project, cohort


def test_import_keeps_comments_key_order_and_quoting(tmp_path: Path) -> None:
    project, cohort = _commented_cohort(tmp_path)
    sheet = write_csv(tmp_path / "pairs.csv", "Mentor,Mentee\nNew Mentor,New Mentee\n"
                                              "No,Yes: really\n")
    ok(run_cli("import-pairs", "pilot", "first", str(sheet), cwd=project))
    text = cohort.read_text("utf-8")
    # everything above the pairs is byte for byte what the author wrote
    head = COMMENTED_COHORT.split("pairs:")[0]
    assert text.startswith(head)
    assert list(load(cohort)) == ["title", "coordinator", "format", "video_link", "schedule",
                                  "summary", "pairs"]
    assert _comments(text) == [c for c in _comments(COMMENTED_COHORT) if c != "# leaving"]
    assert text.rstrip().endswith("# Last word: keep this comment.")
    assert load(cohort)["pairs"] == [{"mentor": "New Mentor", "mentee": "New Mentee"},
                                     {"mentor": "No", "mentee": "Yes: really"}]
    ok(run_cli("check", cwd=project))


def test_import_append_keeps_existing_pairs_and_skips_duplicates(tmp_path: Path) -> None:
    project, cohort = _commented_cohort(tmp_path)
    sheet = write_csv(tmp_path / "more.csv", "mentor;mentee\nold mentor;OLD MENTEE\n"
                                             "Second Mentor;Second Mentee\n")
    done = run_cli("import-pairs", "pilot", "first", str(sheet), "--append", cwd=project)
    ok(done)
    assert "1 pair imported, 1 row skipped." in done.stdout
    assert "row 2: the pair old mentor / OLD MENTEE is already in the cohort file" in done.stderr
    text = cohort.read_text("utf-8")
    assert "  - mentor: Old Mentor   # leaving\n" in text
    assert _comments(text) == _comments(COMMENTED_COHORT)
    assert load(cohort)["pairs"] == [{"mentor": "Old Mentor", "mentee": "Old Mentee"},
                                     {"mentor": "Second Mentor", "mentee": "Second Mentee"}]
    ok(run_cli("check", cwd=project))


def test_import_with_no_usable_row_fails_and_changes_nothing(project: Path,
                                                             tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "bad.csv", "Mentor,Mentee\nAda,\n,Bob\n")
    before = (project / SPRING).read_text("utf-8")
    refused(run_cli("import-pairs", "reverse-mentoring", "2027-spring-london", str(sheet),
                     cwd=project),
            "row 2: the mentee is missing", "row 3: the mentor is missing",
            "no row could be used")
    assert (project / SPRING).read_text("utf-8") == before


@pytest.mark.parametrize("cells, args, phrase", [
    ("Senior,Junior\nA,B\n", (), "no mentor column found"),
    ("Senior,Junior\nA,B\n", ("--mentor-column", "Boss"), "there is no column 'Boss'"),
    ("Mentor,Mentor name,Mentee\nA,B,C\n", (), "both 'Mentor' and 'Mentor name' look like"),
    ("Mentor,Mentee\n", (), "there are no rows below the header"),
])
def test_import_reports_unusable_columns(project: Path, tmp_path: Path, cells: str,
                                         args: tuple[str, ...], phrase: str) -> None:
    sheet = write_csv(tmp_path / "odd.csv", cells)
    refused(run_cli("import-pairs", "reverse-mentoring", "2027-spring-london", str(sheet),
                     *args, cwd=project), phrase)


@pytest.mark.parametrize("program, cohort, file, phrase", [
    ("reverse-mentorin", "2027-spring-london", "pairs.csv", "there is no program"),
    ("reverse-mentoring", "2027-spring", "pairs.csv", "did you mean '2027-spring-london'"),
    ("reverse-mentoring", "2027-spring-london", "missing.csv", "does not exist"),
    ("reverse-mentoring", "2027-spring-london", "pairs.ods", "save the spreadsheet as .xlsx"),
])
def test_import_refuses_unknown_targets(project: Path, tmp_path: Path, program: str,
                                        cohort: str, file: str, phrase: str) -> None:
    write_csv(tmp_path / "pairs.csv", "Mentor,Mentee\nA,B\n")
    (tmp_path / "pairs.ods").write_bytes(b"not a spreadsheet")
    refused(run_cli("import-pairs", program, cohort, str(tmp_path / file), cwd=project),
            phrase)


# --- handbook schema -----------------------------------------------------------------------


def undescribed(schema: Any, where: str = "") -> list[str]:
    """Every property, at any depth ($defs included), that has no description."""
    found: list[str] = []
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            if not isinstance(prop, dict) or not prop.get("description"):
                found.append(f"{where}.{name}")
        for key, value in schema.items():
            found += undescribed(value, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found += undescribed(value, f"{where}[{i}]")
    return found


def test_schema_writes_six_described_files(project: Path) -> None:
    done = run_cli("schema", cwd=project)
    ok(done)
    files = sorted((project / "schemas").glob("*.schema.json"))
    assert [f.name for f in files] == sorted(f"{kind}.schema.json" for kind in KINDS)
    for path in files:
        schema = json.loads(path.read_text("utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert schema["properties"], path
        assert undescribed(schema) == [], path
        for definition in schema.get("$defs", {}).values():
            assert definition["properties"] and undescribed(definition) == []


def test_schema_follows_the_models() -> None:
    cohort = json.loads(render_schemas()["cohort.schema.json"])
    assert set(cohort["properties"]) == set(Cohort.model_fields)
    time = cohort["$defs"]["Schedule"]["properties"]["time"]
    assert re.match(time["pattern"], "16:00") and "format" not in time  # as content writes it
    assert set(MODEL_OF) == set(KINDS)


def test_committed_schemas_are_up_to_date() -> None:
    for name, text in render_schemas().items():
        committed = REPO / "schemas" / name
        assert committed.is_file() and committed.read_text("utf-8") == text, \
            f"schemas/{name} is stale: run `handbook schema`"


def schema_line(path: Path, root: Path, kind: str) -> str:
    depth = len(path.relative_to(root).parts) - 1
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{kind}.schema.json"


def test_shipped_yaml_files_start_with_their_schema_comment() -> None:
    found = discover(REPO / "content")
    assert len(found) >= 30
    for kind, _, path, _ in found:
        first, second = path.read_text("utf-8").splitlines()[:2]
        assert first == schema_line(path, REPO, kind), path
        target = path.parent / first.split("$schema=", 1)[1]
        assert target.resolve() == (REPO / "schemas" / f"{kind}.schema.json").resolve()
        assert second.startswith("# "), f"{path}: the original comment line must follow"


# --- import-pairs: comments after flow-style pairs, nothing new, control characters ---------

FLOW_HEAD = COMMENTED_COHORT.split("summary: |")[0]


@pytest.mark.parametrize("pairs, after", [
    # block list of flow-style pairs, then a comment line before the next key
    ("pairs:\n  - {mentor: A Mentor, mentee: A Mentee}\n# keep me\n", "# keep me\n"),
    ("pairs:\n  - {mentor: A Mentor, mentee: A Mentee}\n  - {mentor: B M, mentee: B N}\n"
     "  # keep me, indented\n", "  # keep me, indented\n"),
    # a flow-style list with a comment at the end of its line, then a comment line
    ("pairs: [{mentor: A Mentor, mentee: A Mentee}]  # keep me\n# and me\n", "# and me\n"),
    ("pairs: [\n  {mentor: A Mentor, mentee: A Mentee},\n  {mentor: B M, mentee: B N}\n"
     "]  # keep me\n# and me\n", "# and me\n"),
], ids=["block-of-flow", "block-of-flow-indented", "flow", "flow-multiline"])
def test_import_replace_keeps_comments_after_flow_style_pairs(tmp_path: Path, pairs: str,
                                                              after: str) -> None:
    project, cohort = _commented_cohort(tmp_path)
    original = FLOW_HEAD + pairs + "summary: Last key.\n"
    cohort.write_text(original, "utf-8")
    sheet = write_csv(tmp_path / "pairs.csv", "Mentor,Mentee\nNew Mentor,New Mentee\n")
    ok(run_cli("import-pairs", "pilot", "first", str(sheet), cwd=project))
    text = cohort.read_text("utf-8")
    assert _comments(text) == _comments(original), text
    # the comment lines after the list still come after the new pairs, before the next key
    assert text.endswith("    mentee: New Mentee\n" + after + "summary: Last key.\n"), text
    assert load(cohort)["pairs"] == [{"mentor": "New Mentor", "mentee": "New Mentee"}]
    ok(run_cli("check", cwd=project))


def test_import_append_with_nothing_new_is_not_an_error(tmp_path: Path) -> None:
    project, cohort = _commented_cohort(tmp_path)
    before = cohort.read_bytes()
    sheet = write_csv(tmp_path / "again.csv", "Mentor,Mentee\nOld Mentor,Old Mentee\n"
                                              "old mentor, OLD  MENTEE\n")
    done = run_cli("import-pairs", "pilot", "first", str(sheet), "--append", cwd=project)
    ok(done)
    assert "0 pairs imported: all 2 rows are already in the cohort" in done.stdout
    assert "error" not in (done.stdout + done.stderr).lower()
    assert cohort.read_bytes() == before


def test_import_append_with_nothing_new_but_a_bad_row_still_fails(tmp_path: Path) -> None:
    project, cohort = _commented_cohort(tmp_path)
    before = cohort.read_bytes()
    sheet = write_csv(tmp_path / "again.csv", "Mentor,Mentee\nOld Mentor,Old Mentee\nAda,\n")
    refused(run_cli("import-pairs", "pilot", "first", str(sheet), "--append", cwd=project),
            "row 3: the mentee is missing", "no row could be used")
    assert cohort.read_bytes() == before


def test_import_strips_control_characters_from_cells(tmp_path: Path) -> None:
    project, cohort = _commented_cohort(tmp_path)
    sheet = write_csv(tmp_path / "dirty.csv", "Mentor,Mentee,Department\n"
                      "Ada\x00 Young,Bob\x07 Senior,\x1b[31mFinance\x1b[0m\n"
                      "Cy\x7f Young,Di\x85 Park,\x0b Legal \x1f\n")
    done = run_cli("import-pairs", "pilot", "first", str(sheet), cwd=project)
    ok(done)
    assert "2 pairs imported, 0 rows skipped" in done.stdout
    assert "control characters removed from 6 cells in 2 rows (2, 3)" in done.stdout
    text = cohort.read_text("utf-8")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\\[0abex]", text), text
    assert load(cohort)["pairs"] == [
        {"mentor": "Ada Young", "mentee": "Bob Senior", "department": "Finance"},
        {"mentor": "Cy Young", "mentee": "Di Park", "department": "Legal"}]
    ok(run_cli("check", cwd=project))
