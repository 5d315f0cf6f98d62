"""The hand-off as plain files: build/mkdocs.yml that MkDocs, ProperDocs and Zensical each build
unchanged, `handbook generate`, `handbook build --engine`, and a missing engine's message."""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXTURES, handbook, make_project
from handbook.cli import main
from handbook.engine import engines
from handbook.write.engine_config import Tagged, engine_config, read_project_config

MINI = FIXTURES / "mini" / "content"
HOSTILE = "Handbook <img src=x onerror=alert(1)>"
INSTALLED = [name for name in engines.ENGINES if importlib.util.find_spec(name)]


def test_generate_writes_only_the_docs_the_config_and_its_theme(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", MINI, copy_defaults=False)
    before = {p.relative_to(root) for p in root.rglob("*")}
    done = handbook("generate", cwd=root)
    assert done.returncode == 0, done.stderr
    made = {p.relative_to(root).parts[:2] for p in root.rglob("*")
            if p.relative_to(root) not in before}
    assert made == {("build", "docs"), ("build", "mkdocs.yml"), ("build", "theme"),
                    ("build", "cache"),  # the generator's render cache (git-ignored, build/)
                    ("content", "calendar-revisions.yml")}  # and the calendar ledger
    assert not (root / "site").exists()
    assert not list((root / "build/docs").rglob(".nav.yml"))  # the private hand-off is gone
    config = yaml.safe_load((root / "build/mkdocs.yml").read_text("utf-8"))
    assert config["docs_dir"] == "docs" and config["theme"]["custom_dir"] == "theme"
    assert config["site_name"] == "Pilot Handbook" or config["site_name"]
    assert config["extra"]["handbook"]["contact"]
    assert config["nav"]
    # The packaged templates, also under handbook/ for `{% extends "handbook/main.html" %}`.
    assert (root / "build/theme/main.html").read_bytes() == (
        root / "build/theme/handbook/main.html").read_bytes()


def test_tags_of_the_project_config_survive(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                      "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                      "extra:\n  key: !ENV [HOME, nothing]\n", "utf-8")
    settings = read_project_config(config, tmp_path)
    text = engine_config(settings, root=tmp_path, build=tmp_path / "build",
                         docs=tmp_path / "build/docs", site={"title": "T"}, nav=[]).decode()
    assert "!!python/name:material.extensions.emoji.twemoji" in text
    assert "!ENV" in text
    assert isinstance(read_project_config(config, tmp_path)["extra"]["key"], Tagged)


def test_the_generated_config_comes_from_its_memo_only_for_the_same_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generated config's YAML is kept with a key of the data it was made from: the same
    data gives the memo's text without dumping, byte for byte what dumping gives; other data,
    a list used twice (written once, with an alias) instead of two equal lists, or a damaged
    memo give a new dump."""
    settings = {"site_name": "x", "extra": {"key": Tagged("!ENV", ["HOME", "nothing"])}}
    memo = tmp_path / "build" / "cache" / "engine-config.bin"

    def made(nav: list[object], kept: Path | None = memo) -> bytes:
        return engine_config(settings, root=tmp_path, build=tmp_path / "build",
                             docs=tmp_path / "build/docs", site={"title": "T"}, nav=nav,
                             memo=kept)

    def dumped(nav: list[object]) -> bytes:
        return made(nav, None)

    first = made([{"Home": "index.md"}])
    assert first == dumped([{"Home": "index.md"}]) and memo.is_file()
    with monkeypatch.context() as patched:
        patched.setattr(yaml, "dump", lambda *a, **k: pytest.fail("dumped again"))
        assert made([{"Home": "index.md"}]) == first
    assert b"Other" in made([{"Other": "index.md"}]) != first
    pages = ["a.md", "b.md"]
    twice = made([{"A": pages}, {"B": pages}])
    assert twice == dumped([{"A": pages}, {"B": pages}]) and b"*id001" in twice
    assert made([{"A": list(pages)}, {"B": list(pages)}]) == dumped(
        [{"A": list(pages)}, {"B": list(pages)}]) != twice
    text = memo.read_bytes()
    memo.write_bytes(text[:-3] + b"zzz")  # damaged: its checksum no longer holds
    assert made([{"A": list(pages)}, {"B": list(pages)}]) == dumped(
        [{"A": list(pages)}, {"B": list(pages)}])
    assert memo.read_bytes() == text  # and it is written again


def test_the_generated_config_says_what_it_was_made_from(tmp_path: Path) -> None:
    """Its opening comment named ../mkdocs.yml whatever the project had: a content-only
    project's (built with handbook's default settings) and a language's config in
    build/<lang>/ (two folders down) named a file that is not there. The comment is part of
    the memo's key: the same settings with a new mkdocs.yml give the new comment."""
    memo = tmp_path / "build" / "cache" / "engine-config.bin"

    def first_lines(build: Path) -> str:
        text = engine_config({"site_name": "x"}, root=tmp_path, build=build,
                             docs=build / "docs", site={"title": "T"}, nav=[], memo=memo)
        comment = []
        for line in text.decode("utf-8").splitlines():
            if not line.startswith("#"):
                break
            assert len(line) <= 100, line  # wrapped as written
            comment.append(line.removeprefix("# "))
        return " ".join(comment)

    alone = first_lines(tmp_path / "build")
    assert "from handbook's default settings (the project has no mkdocs.yml)" in alone
    assert "../mkdocs.yml" not in alone and "`build -f build/mkdocs.yml`" in alone
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", "utf-8")
    own = first_lines(tmp_path / "build")
    assert "from ../mkdocs.yml and the content" in own and "default settings" not in own
    german = first_lines(tmp_path / "build" / "de")
    assert "from ../../mkdocs.yml and the content" in german
    assert "`build -f build/de/mkdocs.yml`" in german


def test_a_missing_engine_is_one_line_naming_the_install(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(engines.EngineMissing) as error:
        engines.ENGINES["zensical"].require()
    assert str(error.value) == ("Zensical is not installed: pip install "
                                "'handbook[zensical]'")
    root = make_project(tmp_path / "p", MINI, copy_defaults=False)
    for command in ("build", "serve"):
        done = CliRunner().invoke(main, [command, "--root", str(root), "--engine", "zensical"])
        assert done.exit_code == 1
        assert done.output == ("Error: Zensical is not installed: pip install "
                               "'handbook[zensical]'\n")
    assert not (root / "build/mkdocs.yml").exists()  # nothing was generated
    done = handbook("build", "--engine", "nosuch", cwd=root)
    assert done.returncode == 2  # click names the choices


def _hostile(tmp_path: Path, name: str) -> Path:
    root = make_project(tmp_path / name, MINI, copy_defaults=False)
    site_file = root / "content/site.yml"
    site = yaml.safe_load(site_file.read_text("utf-8"))
    site["title"] = HOSTILE
    site_file.write_text(yaml.safe_dump(site, allow_unicode=True), "utf-8")
    return root


@pytest.mark.parametrize("engine", INSTALLED)
def test_each_engine_builds_the_generated_config(tmp_path: Path, engine: str) -> None:
    root = _hostile(tmp_path, engine)
    done = handbook("build", "--engine", engine, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    site = root / "site"
    docs = root / "build/docs"
    for page in docs.rglob("*.md"):  # every generated page is there
        rel = page.relative_to(docs).with_suffix("")
        out = site / ("index.html" if rel.name == "index" and rel.parent == Path(".") else
                      (rel.parent if rel.name == "index" else rel) / "index.html")
        assert out.is_file(), out
    config = yaml.safe_load((root / "build/mkdocs.yml").read_text("utf-8"))
    titles = [next(iter(entry)) if isinstance(entry, dict) else entry
              for entry in config["nav"]]
    index = (site / "index.html").read_text("utf-8")
    tabs = [html.unescape(t).strip() for t in re.findall(
        r'class="md-tabs__link[^"]*">\s*([^<]+?)\s*<', index)]
    assert tabs == [t for t in titles if isinstance(t, str)][:len(tabs)] and tabs, tabs
    contact = config["extra"]["handbook"]["contact"]
    assert "hb-footer__contact" in index and contact["email"] in index
    # The hostile title is text on every page, never markup.
    for page in site.rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<img src=x" not in text, page
    assert "Handbook &lt;img src=x onerror=alert(1)&gt;" in index


def test_a_project_without_mkdocs_yml_builds_with_the_settings_init_writes(
        tmp_path: Path) -> None:
    """A content folder alone (no mkdocs.yml) was built with MkDocs' bare defaults: no
    handbook plugin (no output allowlist, no page cache), Google Fonts, the whole nav on
    every page. It now gets the settings `handbook init` writes, and the site is offline."""
    root = tmp_path / "p"
    root.mkdir()
    shutil.copytree(MINI, root / "content")
    done = handbook("build", "--no-pdf", cwd=root)
    assert done.returncode == 0, done.stderr
    text = (root / "build/mkdocs.yml").read_text("utf-8")
    assert "from handbook's default settings" in text.splitlines()[0]
    config = yaml.safe_load(text)
    assert any(isinstance(p, dict) and "handbook" in p for p in config["plugins"])
    assert config["theme"]["font"] is False
    assert "navigation.prune" in config["theme"]["features"]
    assert (root / "build/cache/pages.bin").is_file()  # the plugin kept its page cache
    for page in (root / "site").rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text("utf-8"), page


def test_a_material_theme_loads_no_google_fonts_unless_the_project_names_a_font(
        tmp_path: Path) -> None:
    def theme(settings: dict[str, object]) -> dict[str, object]:
        text = engine_config(settings, root=tmp_path, build=tmp_path / "build",
                             docs=tmp_path / "build/docs", site={"title": "T"}, nav=[])
        return dict(yaml.safe_load(text)["theme"])

    assert theme({"theme": {"name": "material"}})["font"] is False
    assert theme({"theme": "material"})["font"] is False
    assert theme({})["font"] is False
    assert theme({"theme": {"name": "material", "font": None}})["font"] is False  # `font:`
    named = {"text": "Inter", "code": "Fira Code"}
    assert theme({"theme": {"name": "material", "font": named}})["font"] == named
    assert "font" not in theme({"theme": {"name": "readthedocs"}})
    # A font named in the file a project's mkdocs.yml inherits from is left to the engine.
    assert "font" not in theme({"INHERIT": "base.yml", "theme": {"name": "material"}})
