"""Incremental builds (issue 17): what `handbook build` takes over from the published site.

The property test (test_incremental.py) shows that any sequence of edits gives the site a clean
build gives; these tests pin down the mechanics: which pages are taken over, the no-change fast
path, that the published site is never written in place (the staging folder starts from the
spare site, whose files it shares with the published one), and the cache's own checks.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import FIXTURES, handbook, make_project
from handbook import resources
from handbook.engine import page_cache
from handbook.engine.mkdocs_keys import unsafe

COHORT = "content/programs/pilot/cohorts/first.yml"
TAKEN = re.compile(r"Build cache: (\d+) of (\d+) pages unchanged")


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def build(root: Path, *args: str) -> str:
    done = handbook("build", "-v", *args, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def taken_over(output: str) -> tuple[int, int]:
    found = TAKEN.search(output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def clean_copy(root: Path, target: Path) -> Path:
    """The project's files without what builds wrote, built from scratch."""
    shutil.copytree(root, target, ignore=lambda folder, names: [
        n for n in names if Path(folder) == root and (n in ("build", "site")
                                                      or n.startswith(".site-"))])
    (target / "build/docs").mkdir(parents=True)
    build(target)
    return target


def retitle(root: Path, title: str) -> None:
    path = root / COHORT
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", path.read_text("utf-8"),
                           count=1), "utf-8")


def rename_mentor(root: Path) -> None:
    path = root / COHORT
    path.write_text(path.read_text("utf-8").replace("Ada Young", "Ada Younger"), "utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "project", FIXTURES / "mini" / "content")
    assert taken_over(build(root))[0] == 0  # a first build takes nothing over
    return root


def test_a_changed_title_rebuilds_only_the_pages_that_show_it(project: Path,
                                                               tmp_path: Path) -> None:
    retitle(project, "Renamed cohort")
    taken, pages = taken_over(build(project))
    assert 0 < taken < pages  # the cohort's pages and the ones listing it, not the library
    assert site_files(project / "site") == site_files(clean_copy(project, tmp_path / "c")
                                                      / "site")
    assert "Renamed cohort" in (project / "site/programs/pilot/first/index.html").read_text(
        "utf-8")


def test_adding_the_default_settings_as_a_file_changes_no_page(tmp_path: Path) -> None:
    """A project without mkdocs.yml is built with handbook's default settings; adding them as
    the project's own file (what `handbook init` writes) changes the generated config's
    opening comment only, which is not among what a page depends on: every page is taken
    over, and the site is the clean build's (the comment was in the page cache's key: every
    page was built again)."""
    root = tmp_path / "p"
    root.mkdir()
    shutil.copytree(FIXTURES / "mini" / "content", root / "content")
    build(root)
    shutil.copy(resources.project_files() / "mkdocs.yml", root / "mkdocs.yml")
    taken, pages = taken_over(build(root))
    assert taken == pages > 0
    assert site_files(root / "site") == site_files(clean_copy(root, tmp_path / "c") / "site")
    (root / "mkdocs.yml").unlink()
    assert taken_over(build(root)) == (pages, pages)


def test_nothing_changed_ends_at_once(project: Path) -> None:
    again = handbook("build", cwd=project)  # without -v: says as much or as little
    assert again.returncode == 0 and "Nothing changed since the last build" in again.stdout
    cohort = project / COHORT
    cohort.write_bytes(cohort.read_bytes())  # saved again, same content: still nothing
    assert "Nothing changed" in handbook("build", cwd=project).stdout
    assert "Nothing changed" not in build(project, "--clean")  # --clean always builds
    assert "Nothing changed" in handbook("build", cwd=project).stdout  # and is recorded
    page = project / "site/index.html"
    page.write_text(page.read_text("utf-8") + "<!-- edited by hand -->", "utf-8")
    output = handbook("build", cwd=project).stdout
    assert "Nothing changed" not in output and "Built site/" in output
    assert "edited by hand" not in page.read_text("utf-8")  # the page is built again


def test_the_inputs_are_read_once_and_an_edit_after_the_check_keeps_no_stamp(
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`check` reads every project file; the build keeps what it read for `record` instead
    of reading them all again. Taken before the build starts, it also makes a file edited
    in the meantime count: no stamp then, so the next build is not skipped."""
    from handbook.engine import uptodate

    monkeypatch.setattr(uptodate, "ARGV", None)
    monkeypatch.setattr(uptodate, "FOUND", None)
    monkeypatch.chdir(project)
    stamp = project / "build" / "cache" / uptodate.STAMP
    kept = stamp.read_bytes()
    rename_mentor(project)
    assert uptodate.check(["build"]) is None
    before = uptodate.started()
    assert before is not None and before is uptodate.FOUND
    assert before == uptodate.inputs(["build"], project.resolve(), project.resolve() / "site")
    retitle(project, "Edited while building")
    uptodate.record(project / "site", before)
    assert stamp.read_bytes() == kept
    assert uptodate.check(["build", "--clean"]) is None and uptodate.FOUND is None


def test_a_build_never_writes_into_the_published_site(project: Path) -> None:
    """Builds start from the spare site, which shares files with the published one: what
    the engine writes must never land in a shared file (it would change the live site)."""
    retitle(project, "Second")
    build(project)
    published = site_files(project / "site")
    inodes = {p: os.stat(project / "site" / p).st_ino for p in published}
    rename_mentor(project)  # few pages change: the site before stays as the spare
    output = build(project)
    assert taken_over(output)[0] > 0
    spare = project / ".site-spare"  # the site that was published before this build
    assert {p: os.stat(spare / p).st_ino for p in site_files(spare)} == inodes
    assert site_files(spare) == published


def test_a_clean_build_leaves_a_spare_of_links_the_next_build_starts_from(project: Path,
                                                                           tmp_path: Path) -> None:
    """A clean build shares no file with the site before it, so that site is no use as the
    next build's spare (it would have to be emptied): it goes, and the spare is the new site
    in hard links instead. The next build brings that up to date without touching a file
    the published site shares, and gives the clean site. So after any build that took most
    pages over from the site before, that one is the spare; after one that did not, the
    new site's links are."""
    retitle(project, "Second")
    build(project)
    spare, site = project / ".site-spare", project / "site"
    older = {p: os.stat(spare / p).st_ino for p in site_files(spare)}
    build(project, "--clean")
    published = site_files(site)
    inodes = {p: os.stat(site / p).st_ino for p in published}
    assert {p: os.stat(spare / p).st_ino for p in site_files(spare)} == inodes
    assert not set(inodes.values()) & set(older.values())  # the older spare is gone
    rename_mentor(project)  # few pages change
    taken, pages = taken_over(build(project))
    assert pages / 2 <= taken < pages
    assert site_files(spare) == published  # the site before, untouched, is the spare now
    assert site_files(site) == site_files(clean_copy(project, tmp_path / "c") / "site")
    # A change every page shows (the theme's main template): no page is taken over, so the
    # site before is no spare either, and the new site's links are.
    main = project / "site_overrides" / "main.html"
    main.write_text(main.read_text("utf-8") + "\n{# every page again #}\n", "utf-8")
    assert taken_over(build(project))[0] == 0
    assert {p: os.stat(spare / p).st_ino for p in site_files(spare)} == \
        {p: os.stat(site / p).st_ino for p in site_files(site)}
    retitle(project, "Fourth")
    taken, pages = taken_over(build(project))
    assert 0 < taken < pages
    assert site_files(site) == site_files(clean_copy(project, tmp_path / "d") / "site")


def test_the_cache_is_used_only_with_plugins_and_extensions_it_can_see_through() -> None:
    def config(plugins: list[str], extensions: list[str], hooks: list[str] | None = None
               ) -> SimpleNamespace:
        found = SimpleNamespace(plugins=plugins, markdown_extensions=extensions)
        found.get = {"hooks": hooks}.get  # type: ignore[attr-defined]
        return found

    assert unsafe(config(["material/search", "handbook"], ["toc", "pymdownx.tasklist"])) is None
    assert "macros" in str(unsafe(config(["material/search", "macros"], ["toc"])))
    assert "snippets" in str(unsafe(config(["handbook"], ["pymdownx.snippets"])))
    assert "someone.ext" in str(unsafe(config(["handbook"], ["someone.ext"])))
    assert unsafe(config(["handbook"], ["toc"], ["hooks.py"])) is not None


def test_a_damaged_or_foreign_cache_reads_as_empty(tmp_path: Path) -> None:
    record = page_cache.PageRecord("c", "n", "index.html", (1, 2, 3), {"title": "T"}, "T",
                                   ["a"], {}, {"x.md": None}, '{"location":""}', (7, 8, 9))
    path = tmp_path / "pages.bin"
    page_cache.save(path, "settings", {"index.md": record}, {"a.css": ("d", (4, 5, 6), (1, 1, 1))},
                    nav="nav key", files="files key")
    loaded = page_cache.load(path, "settings")
    assert loaded == page_cache.Loaded({"index.md": record}, {"a.css": ("d", (4, 5, 6), (1, 1, 1))},
                                       "nav key", "files key")
    assert page_cache.load(path, "other settings") == page_cache.Loaded()
    data = path.read_bytes()
    for damaged in (data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"",
                    b"handbook-page-cache\n" + b"\0" * 40):
        path.write_bytes(damaged)
        assert page_cache.load(path, "settings") == page_cache.Loaded()


def test_a_new_cache_says_once_how_many_pages_its_build_took_over(tmp_path: Path) -> None:
    path = tmp_path / "pending-pages.bin"
    assert page_cache.took_over(path) == (0, 0)  # no note: nothing known to be shared
    page_cache.save(path, "settings", {}, {}, taken=(7, 9))
    assert page_cache.took_over(path) == (7, 9)
    assert page_cache.took_over(path) == (0, 0)  # read once
    page_cache.save(path, "settings", {}, {}, taken=(7, 9))
    page_cache.drop(path)  # a build that keeps no cache leaves no note either
    assert page_cache.took_over(path) == (0, 0) and not path.exists()


def test_the_published_sites_key_sees_every_file_change(tmp_path: Path) -> None:
    """`uptodate.published`: any file added, removed, renamed, rewritten or touched, at any
    depth, changes the key; looking again at the same files does not."""
    from handbook.engine.uptodate import published

    site = tmp_path / "site"
    (site / "a/b").mkdir(parents=True)
    for name in ("index.html", "a/index.html", "a/b/page.html", "a/b/z.css"):
        (site / name).write_text(name, "utf-8")
    keys = [published(site)]
    assert published(site) == keys[0]

    def changed() -> None:
        keys.append(published(site))
        assert keys[-1] not in keys[:-1]

    (site / "a/b/page.html").write_text("other", "utf-8")  # same folder, new content
    changed()
    os.utime(site / "a/index.html", ns=(1, 1))  # touched
    changed()
    (site / "a/b/new.html").write_text("x", "utf-8")
    changed()
    (site / "a/b/new.html").rename(site / "a/new.html")  # moved up a folder
    changed()
    (site / "a/new.html").unlink()
    (site / "a/b/z.css").unlink()
    changed()
    (site / "a/b/page.html").unlink()
    (site / "a/b").rmdir()
    changed()
    (site / "ab").mkdir()  # an empty folder counts for nothing; its files would
    (site / "ab/b").write_text("x", "utf-8")
    changed()


def test_shared_records_read_back_the_same_and_take_less_room(tmp_path: Path) -> None:
    """Pages that link the same targets: interned, each target is written once."""
    def record(n: int) -> page_cache.PageRecord:
        targets = {f"../meetings/{k:02d}/index.md": f"../meetings/{k:02d}/" for k in range(40)}
        return page_cache.PageRecord(
            f"c{n}", "n", f"p{n}/index.html", (n, 2, 3), {}, f"T{n}", [f"anchor-{k}" for k in
                                                                       range(5)],
            {"../meetings/01/index.md": {"agenda": "../meetings/01/index.md#agenda"}},
            {"".join(list(path)): "".join(list(url)) for path, url in targets.items()},
            "", (1, 1, 1))  # "".join(list(...)): a new string object each, as a build makes
    plain = {f"p{n}.md": record(n) for n in range(50)}
    shared = {src: page_cache.shared(r) for src, r in plain.items()}
    assert shared == plain
    paths = tmp_path / "plain.bin", tmp_path / "shared.bin"
    for path, records in zip(paths, (plain, shared), strict=True):
        page_cache.save(path, "settings", records, {})
        assert page_cache.load(path, "settings").pages == plain
    assert paths[1].stat().st_size < paths[0].stat().st_size / 2


def test_the_code_key_covers_the_defaults_beside_an_editable_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In an editable install the packaged templates and theme overrides lie beside the
    package, not in it: an edit of one must change the key of the code, or a project using
    the defaults was told that nothing changed."""
    from handbook import resources
    from handbook.engine import page_cache

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "home.md.j2").write_text("one", "utf-8")
    monkeypatch.setattr(resources, "default_templates", lambda: templates)

    def key() -> str:
        monkeypatch.setattr(page_cache, "_CODE", None)
        return page_cache.code_digest()

    first = key()
    assert key() == first
    (templates / "home.md.j2").write_text("two", "utf-8")
    assert key() != first
