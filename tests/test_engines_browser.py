"""The shipped site built by each engine that reads the generated hand-off (issue 16).

MkDocs, ProperDocs and Zensical each build the shipped content through `handbook build
--engine`, and each site must keep what a reader relies on: every generated page, the sidebar
with the generated titles in the generated order, the program office in the footer, and a
search that finds a word only one training module uses. Zensical runs none of our MkDocs
plugin, so these are the checks that catch a hand-off the plugin was quietly making up for.

Outside CI a missing engine skips its tests with a reason; with CI=true it fails them, so a
green CI run always means all three engines really built the site.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import browser_page, serve
from conftest import handbook, make_project

pytestmark = pytest.mark.browser

ENGINES = ("mkdocs", "properdocs", "zensical")
INSTALL = {"mkdocs": "pip install mkdocs", "properdocs": "pip install 'handbook[properdocs]'",
           "zensical": "pip install 'handbook[zensical]'"}

# A word that only content/training/active-listening.yml uses, and the page it is on.
SEARCH_WORD = "attunement"
SEARCH_PAGE = "training/active-listening/"

# Where each engine's search box and result links are. Zensical's search dialog lives in an
# open shadow root; Playwright's CSS selectors reach into open shadow roots on their own.
SEARCH_UI = {
    "material": ("label.md-search__icon, .md-search__input", "input.md-search__input",
                 ".md-search-result__item > a"),
    "zensical": (".md-search__button", "dialog input[role=combobox]",
                 "ol[role=listbox] li a"),
}


@dataclass(frozen=True)
class Built:
    """One engine's build of the shipped project."""

    engine: str
    root: Path    # the project
    site: Path    # the finished site
    config: Path  # the engine configuration it was built from (nav, titles)


def require(engine: str) -> None:
    """Skip (or under CI fail) when the engine is not installed."""
    if importlib.util.find_spec(engine) is None:
        message = f"{engine} is not installed ({INSTALL[engine]})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must install every engine")
        pytest.skip(message)


@functools.cache
def has_engine_option() -> bool:
    """Whether `handbook build` takes --engine yet (issue 16 is being built)."""
    return "--engine" in handbook("build", "--help", cwd=Path.cwd()).stdout


@pytest.fixture(autouse=True)
def _until_engine_option(request: pytest.FixtureRequest) -> None:
    if not has_engine_option():
        request.node.add_marker(pytest.mark.xfail(
            strict=False, reason="`handbook build --engine` is not there yet: these tests "
            "run on a configuration written by hand (_hand_written_build)"))


@pytest.fixture(scope="module", params=ENGINES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The shipped project built by one engine, once per engine."""
    engine = request.param
    require(engine)
    root = make_project(tmp_path_factory.mktemp(engine))
    if not has_engine_option():
        return _hand_written_build(root, engine)
    done = handbook("build", "--engine", engine, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(engine, root, root / "site", root / "build/mkdocs.yml")


def _hand_written_build(root: Path, engine: str) -> Built:
    """Stand-in for `handbook build --engine` while it does not exist: generate with today's
    `handbook build`, then write the config the generator is to write (the project's
    mkdocs.yml plus nav, site name, footer data and the theme overrides) from the private
    build/docs/.nav.yml, and run the engine on it. Goes when --engine lands."""
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    if engine == "mkdocs":  # today's build is the MkDocs one, hand-off and all
        return Built(engine, root, root / "site", _write_config(root, engine))
    config = _write_config(root, engine)
    command = {"properdocs": ["-m", "properdocs", "build", "--strict", "-f", str(config)],
               "zensical": ["-m", "zensical", "build", "--strict", "-f", str(config)]}[engine]
    done = subprocess.run([sys.executable, *command], cwd=config.parent, capture_output=True,
                          text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return Built(engine, root, config.parent / f"site-{engine}", config)


def _write_config(root: Path, engine: str) -> Path:
    config = yaml.safe_load((root / "mkdocs.yml").read_text("utf-8"))
    generated = yaml.safe_load((root / "build/docs/.nav.yml").read_text("utf-8"))
    config["nav"] = generated["nav"]
    config["site_name"] = generated["site"]["title"]
    config.setdefault("extra", {})["handbook"] = generated["site"]
    config["docs_dir"] = "docs"
    config["site_dir"] = f"site-{engine}"  # Zensical: "site_dir must be within project root"
    config["theme"]["custom_dir"] = str(root / "site_overrides")
    config["plugins"] = [p for p in config["plugins"]
                         if not (isinstance(p, dict) and "handbook" in p)]
    path = root / "build" / f"mkdocs-{engine}.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def html_path(site: Path, page: str) -> Path:
    """Where a docs page lands with directory URLs: a/b.md -> a/b/index.html."""
    stem = Path(page.removesuffix(".md"))
    return site / (stem.parent if stem.name == "index" else stem) / "index.html"


class _Texts(HTMLParser):
    """Text of the sidebar's links (in `nav.md-nav--primary`) and of the footer."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # tag, in primary nav, in footer
        self.links: list[str] = []
        self.footer: list[str] = []
        self.mailto: list[str] = []
        self._link: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"meta", "link", "img", "input", "br", "hr", "source", "path", "circle"}:
            return
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        nav, footer = self.stack[-1][1:] if self.stack else (False, False)
        nav = nav or (tag == "nav" and "md-nav--primary" in classes)
        footer = footer or tag == "footer"
        self.stack.append((tag, nav, footer))
        if nav and tag == "a" and "md-nav__link" in classes:
            self._link = []
        if footer and tag == "a" and (attributes.get("href") or "").startswith("mailto:"):
            self.mailto.append(attributes["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if tag == "a" and self._link is not None:
            self.links.append(" ".join("".join(self._link).split()))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)
        if self.stack and self.stack[-1][2]:
            self.footer.append(data)


def read(path: Path) -> _Texts:
    parser = _Texts()
    parser.feed(path.read_text("utf-8"))
    return parser


def sections(nav: list, top: bool = True) -> list[tuple[str, list[str]]]:
    """(page whose sidebar shows the section, titles it shows in order) for the root and
    every section of a generated nav. A section's first entry, when it is the section's
    index page, is the section's own link (Material's navigation.indexes), not an entry."""
    shown: list[str] = []
    found: list[tuple[str, list[str]]] = []
    first_page = None
    for number, entry in enumerate(nav):
        title, value = next(iter(entry.items())) if isinstance(entry, dict) else (None, entry)
        if isinstance(value, list):
            inner = sections(value, top=False)
            found.extend(inner)
            first_page = first_page or inner[0][0]
        else:
            first_page = first_page or value
            if not top and number == 0 and value.endswith("index.md"):
                continue
        if title is not None:
            shown.append(title)
    return [(first_page or "", shown), *found]


def in_order(wanted: list[str], seen: list[str]) -> bool:
    """Whether `wanted` appears in `seen` in this order (other entries may come between)."""
    rest = iter(seen)
    return all(any(title == link for link in rest) for title in wanted)


def test_every_generated_page_is_built(built: Built) -> None:
    docs = built.root / "build/docs"
    pages = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*.md"))
    assert len(pages) > 50, pages
    missing = [p for p in pages if not html_path(built.site, p).is_file()]
    assert not missing, f"{built.engine} built no page for {missing}"


def test_sidebar_shows_generated_titles_in_generated_order(built: Built) -> None:
    nav = yaml.safe_load(built.config.read_text("utf-8"))["nav"]
    checked = sections(nav)
    assert len(checked) > 5 and sum(len(titles) for _, titles in checked) > 40, checked
    for page, titles in checked:
        links = read(html_path(built.site, page)).links
        assert in_order(titles, links), (built.engine, page, titles, links)


def test_footer_shows_the_contact(built: Built) -> None:
    contact = yaml.safe_load((built.root / "content/site.yml").read_text("utf-8"))["contact"]
    docs = built.root / "build/docs"
    for page in sorted(docs.rglob("*.md")):
        html = read(html_path(built.site, page.relative_to(docs).as_posix()))
        footer = " ".join("".join(html.footer).split())
        assert contact["name"] in footer and contact["email"] in footer, (page, footer)
        assert f"mailto:{contact['email']}" in html.mailto, (page, html.mailto)


def test_search_finds_a_word_from_a_training_module(built: Built) -> None:
    assert SEARCH_WORD in (built.root / "content/training/active-listening.yml").read_text()
    opener, box, results = SEARCH_UI["zensical" if built.engine == "zensical" else "material"]
    with serve(built.site) as base, browser_page() as page:
        page.goto(base)
        page.click(opener)
        page.locator(box).press_sequentially(SEARCH_WORD, delay=40)
        page.wait_for_selector(results, timeout=15000)
        links = page.eval_on_selector_all(results, "links => links.map(a => a.href)")
    found = [link.split("?", 1)[0].split("#", 1)[0].removeprefix(base) for link in links]
    assert SEARCH_PAGE in found[:3], (built.engine, found)
