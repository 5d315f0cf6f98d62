"""The page kinds registry: every page the shipped site makes is of a registered kind, at a
path from paths.py, in or out of the nav as its kind says; and a kind added from outside is
one unit (path, view model, template, nav rule) that the plan and the engine config pick up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec
import pytest
import yaml
from conftest import FIXTURES, make_project
from handbook.pipeline import Project, Result, prepare
from handbook.plan import kinds as registry
from handbook.plan import paths
from handbook.plan.views import Deferred, Kind, Link, PageSpec, PlanningFailed, View

MINI = FIXTURES / "mini" / "content"


def _nav_paths(nav: Any) -> Iterator[str]:
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from _nav_paths(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from _nav_paths(value)


def _not_in_nav(result: Result) -> list[str]:
    config = yaml.safe_load(result.engine["mkdocs.yml"])
    return config["not_in_nav"].splitlines()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return prepare(Project.at(make_project(tmp_path_factory.mktemp("shipped"))))


def test_every_page_of_the_shipped_site_is_of_a_registered_kind(shipped: Result) -> None:
    kinds = registry.kinds()
    used = {page.kind for page in shipped.plan.pages}
    assert used == set(kinds)  # the shipped content shows every kind, and no other
    outputs = {path for path in shipped.outputs if path.endswith(".md")}
    assert outputs == {page.path for page in shipped.plan.pages}
    for page in shipped.plan.pages:
        kind = kinds[page.kind]
        assert page.template == kind.template
        view = page.context.view() if isinstance(page.context, Deferred) else page.context
        assert isinstance(view, kind.view), page.path  # a deferred one: once made
        assert (page.search_boost, page.search_exclude) == \
            (kind.search_boost, kind.search_exclude)


def test_no_module_but_paths_py_builds_an_output_path() -> None:
    """A page path spelt out inline (`f"{base}/curriculum-{a}.md"`) is how a link and its
    page come to disagree: only paths.py may build one."""
    package = Path(paths.__file__).resolve().parent.parent
    inline = re.compile(r"""f["'][^"'\n]*(\.md|\.ics|programs/)[^"'\n]*["']""")
    found = [f"{path.relative_to(package)}:{number}: {line.strip()}"
             for stage in ("resolve", "plan", "render", "write", "engine")
             for path in sorted((package / stage).rglob("*.py")) if path.name != "paths.py"
             for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
             if inline.search(line) and "content/" not in line]
    assert found == []


def test_the_nav_holds_exactly_the_kinds_in_the_nav(shipped: Result) -> None:
    kinds = registry.kinds()
    in_nav = set(_nav_paths(shipped.plan.nav))
    patterns = _not_in_nav(shipped)
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    for page in shipped.plan.pages:
        assert (page.path in in_nav) is kinds[page.kind].in_nav, page.path
        # The engine's not_in_nav matches exactly the pages out of the nav.
        assert spec.match_file(page.path) is not kinds[page.kind].in_nav, page.path
    assert patterns == [k.glob for k in kinds.values() if not k.in_nav]


def test_a_projects_own_not_in_nav_lines_are_kept(tmp_path: Path) -> None:
    root = make_project(tmp_path, MINI)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "not_in_nav: |\n  /drafts/*.md\n", "utf-8")
    patterns = _not_in_nav(prepare(Project.at(root)))
    assert patterns[0] == "/drafts/*.md"
    assert patterns[1:] == registry.not_in_nav()


# A made-up kind, as a team would add one: a certificate for each pair of a cohort.
def certificate_path(pid: str, cid: str, number: int) -> str:
    return f"{paths.cohort_dir(pid, cid)}/certificate-{number}.md"


@dataclass(frozen=True)
class CertificateView(View):
    mentee: str
    cohort_link: Link


CERTIFICATE = Kind("certificate", "certificate.md.j2", CertificateView, certificate_path,
                   in_nav=False, glob="/programs/*/*/certificate-*.md", search_exclude=True)


def certificates(resolved: Any) -> list[PageSpec]:
    library = resolved.library
    pages = []
    for (pid, cid), cohort in sorted(library.cohorts.items()):
        source = library.source("cohort", f"{pid}/{cid}").file
        link = Link(cohort.title, paths.cohort_path(pid, cid))
        for number, pair in enumerate(cohort.pairs, 1):
            pages.append(CERTIFICATE.page(CertificateView(pair.mentee, link),
                                          f"Certificate: {pair.mentee}", source,
                                          pid, cid, number))
    return pages


def test_a_registered_kind_is_planned_with_its_path_and_nav_rule(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "FAMILIES", list(registry.FAMILIES))
    registry.register([CERTIFICATE], certificates)
    root = make_project(tmp_path, MINI)
    (root / "templates" / "certificate.md.j2").write_text(
        "# Certificate\n\n{{ mentee }} took part in {{ cohort_link | link }}.\n", "utf-8")
    result = prepare(Project.at(root))
    made = [p for p in result.plan.pages if p.kind == "certificate"]
    assert made, "the mini site has pairs: each gets a certificate"
    first = made[0]
    assert first.path.endswith("/certificate-1.md")
    text = result.outputs[first.path].decode()
    assert f"{first.context.mentee} took part in [" in text
    assert first.path not in set(_nav_paths(result.plan.nav))
    assert "/programs/*/*/certificate-*.md" in _not_in_nav(result)


def test_a_kind_name_is_registered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "FAMILIES", list(registry.FAMILIES))
    clash = Kind("topic", "x.md.j2", View, paths.topic_path)
    with pytest.raises(ValueError, match="two page kinds"):
        registry.register([clash], lambda resolved: [])
    assert "x.md.j2" not in {k.template for k in registry.kinds().values()}


def test_a_deferred_view_is_made_once_and_checked_when_made() -> None:
    """A page whose view is worked out when first read (plan/views.py `Deferred`) gets a view
    of its kind's type, with the fields it promised without making it."""
    link = Link("Spring", "programs/p/spring/index.md")
    made: list[str] = []

    def make(mentee: str) -> CertificateView:
        made.append(mentee)
        return CertificateView(mentee, link)

    page = CERTIFICATE.page(Deferred(lambda: make("Ana"), {"cohort_link": link}),
                            "Certificate: Ana", "c.yml", "p", "spring", 1)
    assert page.context["cohort_link"] is link and made == []  # known: nothing made
    assert dict(**page.context) == {"mentee": "Ana", "cohort_link": link}
    assert page.context["mentee"] == "Ana" and made == ["Ana"]  # made once
    wrong_kind = CERTIFICATE.page(Deferred(lambda: View(), {}), "x", "c.yml", "p", "s", 2)
    with pytest.raises(PlanningFailed):
        wrong_kind.context["mentee"]
    other = Link("Autumn", "programs/p/autumn/index.md")
    wrong_field = CERTIFICATE.page(Deferred(lambda: make("Bo"), {"cohort_link": other}),
                                   "x", "c.yml", "p", "s", 3)
    with pytest.raises(PlanningFailed):
        wrong_field.context["mentee"]
