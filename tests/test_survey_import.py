"""`handbook import-survey`: Forms exports in, aggregates out, never a respondent's name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import FIXTURES, make_project
from handbook.cli import main
from handbook.load.loader import load_content, parse_yaml
from handbook.resolve.results import cohort_outcome
from handbook.validate.documents import validate
from openpyxl import Workbook

RM = "content/programs/reverse-mentoring"
NH = "content/programs/new-hire-buddy"
# Everything in the Forms export that identifies someone or is free text.
PRIVATE = ["Okafor", "Jonathan Hale", "rohan.mehta@", "Ashworth", "Sophie Nguyen",
           "Whitfield", "Kacper", "Fairbairn", "Haddad", "Adebayo", "@example.com>",
           "workshop", "AI session", "Shorter surveys", "dashboards", "celebration",
           "7/19/27", "16:01"]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p")


def _results(project: Path, program: str, cohort: str) -> dict:  # type: ignore[type-arg]
    text = (project / program / "results" / f"{cohort}.yml").read_text("utf-8")
    return parse_yaml(text, "results")[0]


def test_forms_csv_with_messy_headers_and_a_bad_row(project: Path) -> None:
    sheet = FIXTURES / "forms-final-survey.csv"  # Excel "CSV UTF-8": BOM and ';'
    done = run("import-survey", "--root", str(project), "reverse-mentoring",
               "2027-spring-london", "final-survey", str(sheet))
    assert done.exit_code == 0, done.output
    # The bad row is located (file, row, column) with a hint, and the rest is imported.
    assert f"{sheet}: row 8, column '1. Overall, how satisfied are you with the program?': " \
           "'7' is not on the scale 1 to 5" in done.stderr
    assert "hint: " in done.stderr
    assert "9 responses imported, 1 row skipped" in done.stdout
    survey = _results(project, RM, "2027-spring-london")["surveys"]["final-survey"]
    assert survey["responses"] == "9"
    got = {q["question"][:24]: (q["n"], q.get("counts")) for q in survey["questions"]}
    assert got == {
        "Overall, how satisfied a": ("9", {"1": "0", "2": "0", "3": "1", "4": "5", "5": "3"}),
        "How many of the ten plan": ("9", {"8": "2", "9": "4", "10": "3"}),
        "How many new digital too": ("9", {"2": "2", "3": "3", "4": "3", "5": "1"}),
        "Mentees only. How confid": ("5", {"1": "0", "2": "0", "3": "1", "4": "2", "5": "2"}),
        "Has an idea from your pa": ("9", {"yes": "4", "no": "5"}),
        "Mentors only. How confid": ("4", {"1": "0", "2": "0", "3": "1", "4": "2", "5": "1"}),
        "What should we change fo": ("5", None),  # free text: only how many answered
    }
    # No name, email, timestamp or free-text answer reaches any content file.
    for path in (project / "content").rglob("*.y*ml"):
        original = REPO_CONTENT / path.relative_to(project / "content")
        if original.is_file() and original.read_bytes() == path.read_bytes():
            continue  # unchanged shipped files name participants on purpose
        text = path.read_text("utf-8")
        assert not [p for p in PRIVATE if p in text], path
    # What was written passes `handbook check` and gives KPI values.
    assert run("check", "--root", str(project)).exit_code == 0
    library = validate(load_content(project / "content", project))
    kpis = {k.kpi: k for k in cohort_outcome(library, "reverse-mentoring",
                                             "2027-spring-london").kpis}
    assert kpis["satisfaction-score"].measured == pytest.approx(38 / 9)
    assert kpis["satisfaction-score"].met is True
    assert kpis["mentor-confidence"].too_few and kpis["mentor-confidence"].measured is None


REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"


def _google_sheet(path: Path, satisfaction_header: str) -> Path:
    """A Google Forms export saved as .xlsx: Timestamp and Email Address first."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Timestamp", "Email Address",
                  "how many of the planned meetings so far have taken place? ",
                  satisfaction_header,
                  "Do you know who to ask when you get stuck on a routine task?",
                  "What one change would make the rest of the 90 days more useful?"])
    answers = [
        ("siobhan.kelly@example.com", 3, 5, "Yes", "More time with Tomasz Nowak's team"),
        ("tomasz.nowak@example.com", 3, 4, "y", None),
        ("imran.chaudhry@example.com", 2, 4.0, "TRUE", "Nothing"),
        ("grace.adebayo@example.com", 3, 5, "yes", None),
        ("rhys.morgan@example.com", 1, 3, "No", "Earlier laptop"),
        ("aisha.rahman@example.com", "two", 4, "Yes", None),  # not a number: skipped
        ("wei.chen@example.com", 3, 4, "no", None),
    ]
    for i, (email, held, rating, knows, text) in enumerate(answers):
        sheet.append([f"2027/05/1{i} 12:0{i}:00", email, held, rating, knows, text])
    book.save(path)
    return path


def test_google_xlsx_reimport_replaces_and_keeps_the_rest(project: Path, tmp_path: Path) -> None:
    sheet = _google_sheet(tmp_path / "mid.xlsx", "How satisfied are you with the buddy "
                                                 "experience so far")
    results = project / NH / "results/2027-q2-manchester.yml"
    results.parent.mkdir(parents=True, exist_ok=True)  # shipped results live there too
    results.write_text("# Kept by the coordinator: aggregates only.\nattendance:\n  pairs: 5\n"
                       "  held: {welcome-and-first-week: 5}   # first meeting only so far\n",
                       encoding="utf-8")
    args = ("import-survey", "--root", str(project), "new-hire-buddy", "2027-q2-manchester",
            "mid-point-survey", str(sheet))
    done = run(*args)
    assert done.exit_code == 0, done.output
    assert "row 7, column 'how many of the planned meetings so far have taken place?'" \
           in done.stderr and "'two' is not a number" in done.stderr
    first = results.read_text("utf-8")
    assert "# Kept by the coordinator" in first and "# first meeting only so far" in first
    survey = _results(project, NH, "2027-q2-manchester")["surveys"]["mid-point-survey"]
    counts = [q.get("counts") for q in survey["questions"]]
    assert counts[:3] == [{"1": "1", "2": "1", "3": "4"},
                          {"1": "0", "2": "0", "3": "1", "4": "3", "5": "2"},
                          {"yes": "4", "no": "2"}]
    assert run(*args).exit_code == 0
    assert results.read_text("utf-8") == first  # the same import twice: the same file
    assert "siobhan" not in first.casefold() and "Tomasz" not in first


def test_a_column_named_explicitly(project: Path, tmp_path: Path) -> None:
    sheet = _google_sheet(tmp_path / "mid.xlsx", "Satisfaction (1-5)")
    args = ["import-survey", "--root", str(project), "new-hire-buddy", "2027-q2-manchester",
            "mid-point-survey", str(sheet)]
    done = run(*args)
    assert done.exit_code == 1
    assert "question 2 'How satisfied are you with the buddy experience so far?' has no " \
           "column" in done.stderr
    assert "--column 2=" in done.stderr and "'Satisfaction (1-5)'" in done.stderr
    done = run(*args, "--column", "2=satisfaction (1-5)")
    assert done.exit_code == 0, done.output


def test_unknown_survey_and_bad_file(project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "x.csv"
    shutil.copy(FIXTURES / "forms-final-survey.csv", sheet)
    done = run("import-survey", "--root", str(project), "reverse-mentoring",
               "2027-spring-london", "final", str(sheet))
    assert done.exit_code == 1 and "no survey 'final'" in done.stderr
    assert "did you mean 'final-survey'" in done.stderr
    assert "Traceback" not in done.output


def test_attendance_import_writes_each_pairs_meetings(project: Path, tmp_path: Path) -> None:
    cohort = project / NH / "cohorts/2027-q2-manchester.yml"
    text = cohort.read_text("utf-8")
    for old, new in (("    mentee: Tomasz Nowak\n", "    mentee: Tomasz Nowak  # moved desks\n"),
                     ("  - mentor: Rhys Morgan\n",
                      "  # Joined in week two.\n  - mentor: Rhys Morgan\n"),
                     ("    mentee_email: grace.adebayo@example.com\n",
                      "    mentee_email: grace.adebayo@example.com  # personal address later\n"
                      "  # Third pair below.\n")):
        assert old in text
        text = text.replace(old, new)
    cohort.write_text(text + "# Last line: kept.\n", encoding="utf-8")
    results = project / NH / "results/2027-q2-manchester.yml"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text("# Surveys to come.\nsurveys: {}\n", encoding="utf-8")
    sheet = tmp_path / "attendance.csv"
    sheet.write_text("Mentor,Mentee,1,2,Meeting 3,Halfway check\n"
                     "Siobhan Kelly,Tomasz Nowak,x,x,x,x\n"
                     "imran  chaudhry,Grace Adebayo,yes,yes,,yes\n"
                     "Rhys Morgan,Aisha Rahman,1,1,1,0\n"
                     "Wei Chen,Liam Doherty,x,,x,maybe\n"
                     "Beatriz Santos,Daniel Ossei,✓,✓,✓,✓\n", encoding="utf-8")
    done = run("import-survey", "--root", str(project), "new-hire-buddy",
               "2027-q2-manchester", "attendance", str(sheet))
    assert done.exit_code == 0, done.output
    # Bad rows are located and skipped; the rest is imported.
    assert "row 5, column 'Halfway check': 'maybe'" in done.stderr
    assert f"{sheet}: row 6: the cohort has no pair of 'Beatriz Santos' and 'Daniel Ossei'" \
        in done.stderr and "did you mean 'Beatriz Santos and Daniel Osei'" in done.stderr
    assert "3 pairs imported, 2 rows skipped" in done.stdout
    new = cohort.read_text("utf-8")
    for comment in ("# moved desks", "# Joined in week two.", "# personal address later",
                    "# Third pair below.", "# Last line: kept."):
        assert comment in new, comment
    assert "    mentee_email: tomasz.nowak@example.com\n    held: [1, 2, 3, 4]\n" in new
    assert ("grace.adebayo@example.com  # personal address later\n    held: [1, 2, 4]\n"
            "  # Third pair below.\n") in new
    assert "    mentee_email: aisha.rahman@example.com\n    held: [1, 2, 3]\n" in new
    assert new.count("held:") == 3  # the pairs whose rows were skipped are left as they were
    assert new.count("\n") == text.count("\n") + 1 + 3  # the last line, three `held:`
    # Nothing goes into the results file, and the counts follow from the pairs.
    assert results.read_text("utf-8") == "# Surveys to come.\nsurveys: {}\n"
    assert run("check", "--root", str(project)).exit_code == 0
    library = validate(load_content(project / "content", project))
    outcome = cohort_outcome(library, "new-hire-buddy", "2027-q2-manchester")
    assert outcome.completion == pytest.approx(100 * 10 / 12) and outcome.meetings_due == 4
    # Imported again with the rows fixed: each list is replaced where it is.
    sheet.write_text(sheet.read_text("utf-8").replace("maybe", "").replace("Ossei", "Osei")
                     .replace("Siobhan Kelly,Tomasz Nowak,x,x,x,x",
                              "Siobhan Kelly,Tomasz Nowak,x,x,,x"), encoding="utf-8")
    done = run("import-survey", "--root", str(project), "new-hire-buddy",
               "2027-q2-manchester", "attendance", str(sheet))
    assert done.exit_code == 0 and "5 pairs imported, 0 rows skipped" in done.stdout
    again = cohort.read_text("utf-8")
    assert again.count("held:") == 5 and "tomasz.nowak@example.com\n    held: [1, 2, 4]\n" in again
    assert "# Third pair below." in again and "# Last line: kept." in again


def test_attendance_import_of_counts_only(project: Path, tmp_path: Path) -> None:
    # A sheet without the pairs' names can only give counts: they go to the results file.
    sheet = tmp_path / "attendance.csv"
    sheet.write_text("Pair,1,2,Meeting 3,Halfway check\n"
                     "A,x,x,x,x\n"
                     "B,yes,yes,,yes\n"
                     "C,1,1,1,0\n"
                     "D,x,,x,maybe\n"
                     "E,✓,✓,✓,✓\n", encoding="utf-8")
    done = run("import-survey", "--root", str(project), "new-hire-buddy",
               "2027-q2-manchester", "attendance", str(sheet))
    assert done.exit_code == 0, done.output
    assert "row 5, column 'Halfway check': 'maybe'" in done.stderr
    attendance = _results(project, NH, "2027-q2-manchester")["attendance"]
    assert attendance == {"pairs": "4", "held": {"welcome-and-first-week": "4",
                                                 "tools-and-systems": "4",
                                                 "how-work-gets-done": "3",
                                                 "halfway-check": "3"}}
    assert "held:" not in (project / NH / "cohorts/2027-q2-manchester.yml").read_text("utf-8")


def test_attendance_by_pair_replaces_the_counts(project: Path, tmp_path: Path) -> None:
    results = project / NH / "results/2027-q2-manchester.yml"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text("# Kept by the coordinator.\nattendance:\n  pairs: 5\n  held:\n"
                       "    welcome-and-first-week: 5\n# Surveys follow.\n"
                       "surveys: {}  # none yet\n",
                       encoding="utf-8")
    sheet = tmp_path / "attendance.csv"
    sheet.write_text("Buddy,New joiner name,Meeting 1\nSiobhan Kelly,Tomasz Nowak,x\n",
                     encoding="utf-8")
    done = run("import-survey", "--root", str(project), "new-hire-buddy",
               "2027-q2-manchester", "attendance", str(sheet))
    assert done.exit_code == 0, done.output
    assert results.read_text("utf-8") == ("# Kept by the coordinator.\n# Surveys follow.\n"
                                          "surveys: {}  # none yet\n")
    assert "held: [1]" in (project / NH / "cohorts/2027-q2-manchester.yml").read_text("utf-8")
    assert run("check", "--root", str(project)).exit_code == 0
