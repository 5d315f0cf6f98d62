"""The plugin's speed-ups change nothing: with every speed-up on, the built site is byte for
byte the site built with all of them off, every file of it; and `--strict` checks every link
and anchor whichever process renders the page, under MkDocs and under ProperDocs.

Speed-ups: body reuse (`reuse`) and the parallel build (`jobs`). Sidebar shortening
(`sidebar_limit`) changes the sidebars by design, a feature: it stays at its default in both.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from conftest import NO_FORK, REPO, make_project
from handbook.engine.mkdocs_parallel import share_out
from handbook.render.embed import BodyReuse, body_end, body_start, embed_end, embed_start

sys.path.insert(0, str(REPO / "bench"))
from synth import Size, write_content

ALL_OFF = {"reuse": "false", "jobs": "1"}
ALL_ON = {"reuse": "true", "jobs": "3"}  # three processes even on a one- or two-core machine
EXTENSIONS = ["toc", "tables", "admonition", "attr_list"]
CONFIGS = {"toc": {"permalink": True}}


def _options(root: Path, **options: str) -> Path:
    """The project's mkdocs.yml with these handbook plugin options."""
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    lines = "".join(f"\n      {name}: {value}" for name, value in options.items())
    assert text.count("  - handbook:") == 1
    config.write_text(text.replace("  - handbook:", "  - handbook:" + lines), "utf-8")
    return root


def _build(root: Path, *args: str, engine: str = "mkdocs") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "handbook", "build", "--engine", engine, *args],
                          cwd=root, capture_output=True, text=True, check=False, timeout=900)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- body reuse, in process --------------------------------------------------------------


def _convert(text: str, reuse: BodyReuse | None, src: str) -> tuple[str, list[dict]]:
    md = markdown.Markdown(extensions=[*EXTENSIONS, *([reuse.extension()] if reuse else [])],
                           extension_configs=CONFIGS)
    if reuse is not None:
        text = reuse.plan(text, src)
    html = md.convert(text)
    if reuse is not None:
        reuse.finish()
    return html, md.toc_tokens  # type: ignore[attr-defined]


def test_a_reused_body_gives_the_page_and_toc_the_full_markdown_gives() -> None:
    part = ("{h} Agenda\n\nSee [the topic](../../topics/t.md#why) and [x](#agenda).\n\n"
            "{h}# Notes {{#own-notes}}\n\n| a | b |\n|---|---|\n| <b>1</b> | 2 |\n")
    own = f"# Meeting\n\n{body_start(1)}\n\n{part.format(h='##')}\n{body_end()}\n"
    copy = (f"# Print\n\n## Agenda\n\nThe cohort's own.\n\n"
            f"{embed_start('p/c/01-a.md', 2)}\n\n{part.format(h='###')}\n\n{embed_end()}\n"
            f"\n## Notes\n\nAfter.\n")
    reuse = BodyReuse()
    _convert(own, reuse, "p/c/01-a.md")
    assert "p/c/01-a.md" in reuse.bodies
    planned = reuse.plan(copy, "p/print.md")
    assert "The topic" not in planned and "the topic" not in planned  # really reused
    for src in ("p/c/print.md", "p/print.md"):  # its own folder, and one folder up
        plain = copy if src == "p/c/print.md" else copy.replace("../../topics", "../topics")
        reused_html, reused_toc = _convert(plain, reuse, src)
        html, toc = _convert(plain, None, src)
        assert reused_html == html and reused_toc == toc
    assert 'id="agenda_1"' in html and 'href="#agenda_1"' in html and 'id="notes"' in html
    assert 'href="../topics/t.md#why"' in html


# --- whole sites ---------------------------------------------------------------------------


def _compare(tmp_path: Path, content: Path) -> dict[str, bytes]:
    sites = {}
    for name, options in (("on", ALL_ON), ("off", ALL_OFF)):
        root = _options(make_project(tmp_path / name, content), **options)
        done = _build(root)
        assert done.returncode == 0, done.stdout + done.stderr
        sites[name] = _tree(root / "site")
    assert sites["on"].keys() == sites["off"].keys()
    assert [p for p in sites["on"] if sites["on"][p] != sites["off"][p]] == []
    assert "search/search_index.json" in sites["on"] and "sitemap.xml" in sites["on"]
    return sites["on"]


def test_every_speed_up_on_builds_the_same_shipped_site(tmp_path: Path) -> None:
    site = _compare(tmp_path, REPO / "content")
    printed = next(v for p, v in site.items() if p.endswith("/print/index.html")).decode()
    toc = printed.split("md-sidebar--secondary", 1)[1].split("md-content", 1)[0]
    assert toc.count("md-nav__link") > 40  # the repeated agendas' headings are listed


def test_every_speed_up_on_builds_the_same_500_pages(tmp_path: Path) -> None:
    content = tmp_path / "synth"
    write_content(content, Size(programs=4, cohorts_per_program=5, sessions=16))
    assert sum(p.endswith(".html") for p in _compare(tmp_path, content)) >= 450


# --- strict checks, whichever process renders the page -------------------------------------

COHORT = "programs/new-hire-buddy/2027-q2-manchester/index.md"


@pytest.mark.skipif(NO_FORK, reason="needs the forked build")
@pytest.mark.parametrize("engine", ["mkdocs", "properdocs"])
def test_strict_fails_on_a_broken_anchor_into_a_page_another_process_renders(
        tmp_path: Path, engine: str) -> None:
    if importlib.util.find_spec(engine) is None:
        pytest.skip(f"{engine} is not installed")
    root = _options(make_project(tmp_path / "p"), jobs="2")
    topic = root / "templates" / "topic.md.j2"
    topic.write_text(topic.read_text("utf-8") + f"\n[c](../{COHORT}#no-such-anchor)\n", "utf-8")
    done = _build(root, "--strict", engine=engine)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "no-such-anchor" in output and "Page skipped" not in output
    docs = root / "build" / "docs"
    sizes = {p.relative_to(docs).as_posix(): p.stat().st_size for p in docs.rglob("*.md")}
    shares = share_out(sizes, 2)
    topics = {src for src in sizes if src.startswith("topics/") and src != "topics/index.md"}
    cohort_share = next(share for share in shares if COHORT in share)
    assert topics - cohort_share  # some topic page was rendered by the other process


@pytest.mark.skipif(NO_FORK, reason="needs the forked build")
def test_strict_fails_on_a_broken_link_from_a_worker_under_properdocs(tmp_path: Path) -> None:
    if importlib.util.find_spec("properdocs") is None:
        pytest.skip("properdocs is not installed")
    root = _options(make_project(tmp_path / "p"), jobs="2")
    cohort = root / "templates" / "cohort.md.j2"
    cohort.write_text(cohort.read_text("utf-8") + "\n[gone](no-such-page.md)\n", "utf-8")
    done = _build(root, "--strict", engine="properdocs")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "no-such-page.md" in output and "Page skipped" not in output
    assert re.search(r"warnings? from the other build processes", output), output


def _theme_files(config_file: Path, skip_hidden: bool) -> list[tuple[str, str]]:
    """The static files MkDocs takes from the theme of `config_file`, as it finds them."""
    from handbook.engine.mkdocs_theme import skip_hidden_folders
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    config = load_config(str(config_file))
    if skip_hidden:
        skip_hidden_folders(config.theme)
    files = Files([])
    files.add_files_from_theme(config.theme.get_env(), config)
    return sorted((f.src_uri, f.abs_src_path) for f in files)


def test_the_theme_listing_finds_the_static_files_mkdocs_finds(tmp_path: Path) -> None:
    """MkDocs lists every theme file to find the static ones (and drops those under hidden
    folders); the listing that never enters hidden folders (Material's 14,000 icons) finds
    the same files, here with Material and a custom folder holding hidden folders of its
    own at several depths, a hidden file and a file that overrides one of Material's."""
    custom = tmp_path / "theme"
    for name in ("extra.css", "assets/images/logo.svg", ".hidden.css", ".icons/own.svg",
                 "assets/.cache/x.js", "assets/.cache/deeper/y.css", "deep/a/b/c.js",
                 "assets/javascripts/bundle.js"):
        (custom / name).parent.mkdir(parents=True, exist_ok=True)
        (custom / name).write_text("x", "utf-8")
    (tmp_path / "docs").mkdir()
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\ntheme:\n  name: material\n  custom_dir: theme\n", "utf-8")
    plain = _theme_files(config, skip_hidden=False)
    assert _theme_files(config, skip_hidden=True) == plain
    found = dict(plain)
    assert {"extra.css", "assets/images/logo.svg", "deep/a/b/c.js"} <= found.keys()
    assert found["assets/javascripts/bundle.js"] == str(custom / "assets/javascripts/bundle.js")
    assert not any("/." in "/" + name for name in found)
    assert len(found) > 20  # Material's own assets are there
