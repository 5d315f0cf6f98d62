"""A team's own templates/ and site_overrides/ over the packaged defaults, and `handbook doctor`.

Projects here have neither folder unless a test writes one: the pages and theme come from the
templates and overrides packaged with handbook (the repository's own folders).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, handbook, make_project, run_cli
from handbook import resources
from handbook.authoring import doctor
from handbook.pipeline import Project, generate

MINI = FIXTURES / "mini" / "content"
COHORT = "build/docs/programs/pilot/first/index.md"


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = make_project(tmp_path / "project", MINI, copy_defaults=False)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def test_a_project_template_extends_the_packaged_one_and_replaces_one_block(
        tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/cohort.md.j2": (
        '{% extends "handbook/cohort.md.j2" %}\n'
        "{% block intro %}\nOur own words about {{ cohort.title }}.\n\n{% endblock %}\n")})
    generate(Project.at(root))
    page = (root / COHORT).read_text("utf-8")
    assert "Our own words about First cohort." in page
    assert "A cohort of [Pilot Program]" not in page  # the block it replaced
    # The packaged rest of the page is all there, in its place.
    assert page.index("# First cohort") < page.index("Our own words") < page.index(
        "- **First meeting:**") < page.index("## Meeting schedule") < page.index("## Pairs")


def test_super_keeps_the_packaged_block_as_markdown(tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/cohort.md.j2": (
        '{% extends "handbook/cohort.md.j2" %}\n'
        "{% block intro %}{{ super() }}Ask [us](mailto:x@example.com) first.\n\n"
        "{% endblock %}\n")})
    generate(Project.at(root))
    page = (root / COHORT).read_text("utf-8")
    # Not escaped a second time: the link stays a link.
    assert "A cohort of [Pilot Program](../index.md).\n\n" in page
    assert "Ask [us](mailto:x@example.com) first.\n" in page  # template text as written


def test_a_project_partial_wins_on_every_page_that_includes_it(tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/facts.md.j2": "- **Our facts:** {{ first }}\n\n"})
    generate(Project.at(root))
    cohort = root / "build/docs/programs/pilot/first"
    for name in ("index.md", "print.md", "pack-mentor.md", "pack-coordinator.md"):
        page = (cohort / name).read_text("utf-8")
        assert "- **Our facts:** Monday 29 March 2027" in page, name
        assert "**Last meeting:**" not in page, name
        assert "## Meeting schedule" in page or "pack-mentor" in name, name


def test_a_project_copy_of_a_shared_partial_wins_wherever_it_is_included(
        tmp_path: Path) -> None:
    """The KPI table, the surveys and a topic's prompts are partials (templates/partials/):
    one override changes the program page, the coordinator pack, topic pages and agendas."""
    root = _project(tmp_path, {
        "templates/partials/kpi_table.md.j2": "Our KPIs: {{ kpis | length }}\n",
        "templates/partials/evaluation.md.j2": "Our surveys.\n",
        "templates/partials/role_prompts.md.j2": "Our prompts: {{ prompts.mentor | length }}\n",
    })
    generate(Project.at(root))
    docs = root / "build/docs"
    for name in ("programs/pilot/index.md", "programs/pilot/first/pack-coordinator.md"):
        page = (docs / name).read_text("utf-8")
        assert "Our KPIs: " in page and "Our surveys." in page, name
        assert "| KPI | Target |" not in page and "| Question | Answer |" not in page, name
    for name in ("topics/tooling.md", "programs/pilot/first/print.md"):
        page = (docs / name).read_text("utf-8")
        assert "Our prompts: " in page and "\nMentee:\n" not in page, name


def test_override_copies_a_partial_and_doctor_follows_it(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    copy = doctor.override(root, "partials/kpi_table.md.j2")
    assert copy == root / "templates/partials/kpi_table.md.j2"
    [finding] = doctor.examine(root)
    assert finding.path == "templates/partials/kpi_table.md.j2" and not finding.attention
    generate(Project.at(root))  # the record line leaves the page as the packaged one makes it
    assert "| KPI | Target | How it is measured |\n|---|---|---|\n| " in (
        root / "build/docs/programs/pilot/index.md").read_text("utf-8")


def test_a_project_page_template_wins_over_the_packaged_one(tmp_path: Path) -> None:
    root = _project(tmp_path, {"templates/topic.md.j2": "# {{ item.title }}\n\nOurs.\n"})
    generate(Project.at(root))
    assert (root / "build/docs/topics/tooling.md").read_text("utf-8").endswith("\n\nOurs.\n")
    assert "## Meeting schedule" in (root / COHORT).read_text("utf-8")  # packaged


def test_theme_overrides_win_and_main_extends_the_packaged_main(tmp_path: Path) -> None:
    root = _project(tmp_path, {
        "site_overrides/partials/copyright.html": '<div class="ours">Our own footer</div>\n',
        "site_overrides/main.html": (
            '{% extends "handbook/main.html" %}\n'
            '{% block extrahead %}{{ super() }}<meta name="hb-ours" content="1">'
            "{% endblock %}\n"),
        "site_overrides/assets/stylesheets/handbook.css": "/* our colours */\n",
    })
    assert not (root / "templates").exists()
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    html = (root / "site/index.html").read_text("utf-8")
    assert '<div class="ours">Our own footer</div>' in html
    assert "hb-footer__contact" not in html  # the packaged footer is gone
    assert '<meta name="hb-ours" content="1">' in html
    # The packaged main.html's other blocks, and its extrahead through super().
    assert html.index('http-equiv="Content-Security-Policy"') < html.index("<title>")
    assert "assets/stylesheets/handbook.css" in html
    assert "assets/javascripts/handbook.js" in html
    assert (root / "site/assets/stylesheets/handbook.css").read_text("utf-8") == (
        "/* our colours */\n")
    assert (root / "site/assets/images/logo.svg").read_bytes() == (
        REPO / "site_overrides/assets/images/logo.svg").read_bytes()  # packaged


# --- handbook doctor -------------------------------------------------------------------------


def _doctor(root: Path) -> dict[str, doctor.Finding]:
    return {finding.path: finding for finding in doctor.examine(root)}


def test_doctor_with_nothing_overridden(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    assert doctor.examine(root) == []
    done = run_cli("doctor", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "packaged" in done.stdout


def test_doctor_on_the_repository_itself() -> None:
    assert doctor.examine(REPO) == []  # its templates/ are the packaged ones


def test_doctor_up_to_date_stale_and_unrecorded_copies(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    for name in ("cohort.md.j2", "facts.md.j2", "partials/copyright.html"):
        done = run_cli("override", name, cwd=root)
        assert done.returncode == 0, done.stdout + done.stderr
    copied = root / "templates/cohort.md.j2"
    first = copied.read_text("utf-8").splitlines()[0]
    assert first.startswith("{# handbook-override: cohort.md.j2 from handbook ")
    # A recorded copy renders exactly as the packaged template did.
    generate(Project.at(root))
    plain = _project(tmp_path / "plain", {})
    generate(Project.at(plain))
    assert (root / COHORT).read_text("utf-8") == (plain / COHORT).read_text("utf-8")

    facts = root / "templates/facts.md.j2"  # stale: made from another packaged original
    facts.write_text(re.sub("sha256=[0-9a-f]{64}", "sha256=" + "0" * 64,
                            facts.read_text("utf-8"), count=1), "utf-8")
    (root / "templates/pairs.md.j2").write_text(  # copied by hand and edited: no record
        (resources.default_templates() / "pairs.md.j2").read_text("utf-8") + "Ours.\n", "utf-8")
    shutil.copy(resources.default_templates() / "schedule.md.j2", root / "templates")
    (root / "templates/own.md.j2").write_text("not an override\n", "utf-8")

    found = _doctor(root)
    assert set(found) == {"templates/cohort.md.j2", "templates/facts.md.j2",
                          "templates/pairs.md.j2", "templates/schedule.md.j2",
                          "site_overrides/partials/copyright.html"}
    assert not found["templates/cohort.md.j2"].attention
    assert not found["site_overrides/partials/copyright.html"].attention
    assert found["templates/facts.md.j2"].attention
    assert "changed since" in found["templates/facts.md.j2"].message
    assert "override --diff templates/facts.md.j2" in found["templates/facts.md.j2"].message
    assert found["templates/pairs.md.j2"].attention
    # A hand copy that is still the same as the packaged file is harmless today.
    assert not found["templates/schedule.md.j2"].attention
    assert "the same as the packaged" in found["templates/schedule.md.j2"].message
    assert "no record" in found["templates/pairs.md.j2"].message
    assert str(resources.default_templates() / "pairs.md.j2") in found[
        "templates/pairs.md.j2"].message

    done = run_cli("doctor", cwd=root)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert sum(line.startswith("templates/facts.md.j2: ") for line in lines) == 1
    assert "2 of 5" in done.stdout
    build = handbook("build", cwd=root)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "handbook doctor" in build.stderr
    assert build.stderr.count("handbook doctor") == 1  # one line, not the report

    # --diff shows the difference; --accept records the packaged version, then all is well.
    diff = run_cli("override", "--diff", "templates/facts.md.j2", cwd=root)
    assert diff.returncode == 0 and "no difference" in diff.stdout
    diff = run_cli("override", "--diff", "pairs.md.j2", cwd=root)
    assert diff.returncode == 0 and "\n+Ours.\n" in diff.stdout
    for name in ("templates/facts.md.j2", "pairs.md.j2"):
        assert run_cli("override", "--accept", name, cwd=root).returncode == 0
    assert not any(finding.attention for finding in doctor.examine(root))
    assert run_cli("doctor", cwd=root).returncode == 0


def test_doctor_names_a_replaced_block_the_packaged_template_no_longer_has(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path, {
        "templates/cohort.md.j2": ('{% extends "handbook/cohort.md.j2" %}\n'
                                   "{% block intro %}Ours.\n{% endblock %}\n"),
        "site_overrides/main.html": ('{% extends "handbook/main.html" %}\n'
                                     "{% block footer %}{% endblock %}\n")})
    found = _doctor(root)
    assert not found["templates/cohort.md.j2"].attention  # inherits every other change
    assert not found["site_overrides/main.html"].attention  # footer: Material's base.html

    # The next handbook release drops the block.
    packaged = tmp_path / "packaged"
    shutil.copytree(resources.default_templates(), packaged)
    cohort = packaged / "cohort.md.j2"
    text = cohort.read_text("utf-8")
    start, end = text.index("{% block intro %}"), text.index("{% endblock %}", text.index(
        "{% block intro %}"))
    cohort.write_text(text[:start] + text[start + 17:end] + text[end + 14:], "utf-8")
    monkeypatch.setattr(resources, "default_templates", lambda: packaged)
    finding = _doctor(root)["templates/cohort.md.j2"]
    assert finding.attention
    assert "'intro'" in finding.message and "no longer has" in finding.message


def test_a_template_added_while_serving_takes_over_at_the_next_build(tmp_path: Path) -> None:
    """`handbook serve` regenerates in one long-lived process, whose template environment
    already holds the packaged topic.md.j2: a project file added later must still win."""
    root = _project(tmp_path, {"templates/own.md.j2": "not an override\n"})
    project = Project.at(root)
    generate(project)
    (root / "templates/topic.md.j2").write_text("# {{ item.title }}\n\nOurs.\n", "utf-8")
    generate(project)
    assert (root / "build/docs/topics/tooling.md").read_text("utf-8").endswith("\n\nOurs.\n")


def test_serve_shows_an_edited_theme_override_on_every_page(tmp_path: Path) -> None:
    """`handbook serve` builds with --dirty, which redraws only pages whose Markdown changed:
    an edit to the theme changes none, yet every page must show it."""
    from test_serve import serving, wait_for

    footer = "site_overrides/partials/copyright.html"
    root = _project(tmp_path, {footer: "<div>First footer</div>\n"})
    with serving(root) as base:
        wait_for(base, "First footer")
        (root / footer).write_text("<div>Second footer</div>\n", "utf-8")
        for page in ("", "topics/tooling/", "programs/pilot/first/"):
            wait_for(base + page, "Second footer", timeout=30)
