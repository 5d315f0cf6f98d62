"""Preview: an edit regenerates only what depends on it, and `mkdocs serve` on the generated
config (what `handbook serve` runs, with --dirty) picks it up."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, NO_FORK, handbook, make_project
from handbook import resources
from handbook.pipeline import Project, generate


def test_editing_one_cohort_rewrites_only_the_pages_that_show_it(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    project = Project.at(root)
    generate(project)
    docs = root / "build/docs"
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    cohort = root / "content/programs/reverse-mentoring/cohorts/2027-spring-london.yml"
    text = cohort.read_text("utf-8")
    name = text.split("mentor: ", 1)[1].split("\n", 1)[0]
    cohort.write_text(text.replace(name, "Renamed Person"), "utf-8")
    time.sleep(0.01)
    report = generate(project).report
    assert report is not None
    base = "programs/reverse-mentoring/2027-spring-london/"
    assert sorted(report.written) == [base + "index.md", base + "pack-coordinator.md",
                                      base + "print.md"]
    assert report.removed == ()
    after = {p: p.stat().st_mtime_ns for p in docs.rglob("*") if p.is_file()}
    touched = {p.relative_to(docs).as_posix() for p in after if after[p] != before.get(p)}
    assert touched == set(report.written)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serving(root: Path, log: Path | None = None) -> Iterator[str]:
    """`handbook serve` in `root` on a free port, stopped on the way out; yields its address.
    `log`: where its output goes (else nowhere)."""
    port = free_port()
    with open(log or os.devnull, "wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=output, stderr=subprocess.STDOUT)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.terminate()
            server.wait(timeout=20)


def wait_for(url: str, text: str, timeout: float = 60) -> float:
    """Seconds until `url` serves a page containing `text`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r} within {timeout} s")


def wait_for_not(url: str, text: str, timeout: float = 60) -> None:
    """Until `url` serves a whole page without `text`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            page = response.read().decode("utf-8")
            if "</html>" in page and text not in page:
                return
        time.sleep(0.2)
    raise AssertionError(f"{url} still showed {text!r} after {timeout} s")


@pytest.mark.parametrize("mode", ["full", "dirty"])
def test_mkdocs_serve_rebuilds_when_content_or_templates_change(tmp_path: Path,
                                                                 mode: str) -> None:
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    port = free_port()
    if mode == "dirty":  # `handbook serve` generates, then runs `mkdocs serve --dirty`
        command = ["handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    else:  # any engine's own serve on the generated config; the plugin regenerates
        assert handbook("generate", cwd=root).returncode == 0
        command = ["mkdocs", "serve", "-f", "build/mkdocs.yml", "--dev-addr", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = f"http://127.0.0.1:{port}/programs/pilot/first/"
        wait_for(page, "First cohort")
        if mode == "dirty" and sys.platform.startswith("linux"):
            # Where it may fork, the preview's process became its web server and a builder
            # makes the rebuilds; without fork (macOS, Windows, and `make test`'s no-fork
            # run) the process MkDocs started builds and serves, as `mkdocs serve` does.
            started = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
            assert (b"handbook.engine.preview_server" in started) is not NO_FORK, started
        cohort = root / "content/programs/pilot/cohorts/first.yml"
        cohort.write_text(cohort.read_text().replace("title: First cohort",
                                                     "title: Renamed cohort"))
        wait_for(page, "Renamed cohort")
        # The title is in the navigation: a page that did not change shows it too.
        wait_for(f"http://127.0.0.1:{port}/topics/tooling/", "Renamed cohort")
        wait_for(f"http://127.0.0.1:{port}/programs/pilot/curriculum-mentor/",
                 "Renamed cohort")
        template = root / "templates/cohort.md.j2"
        edited = template.read_text().replace('## {{ _("Meeting schedule") }}',
                                              "## Dates of every meeting")
        assert "Dates of every meeting" in edited  # the heading the test edits is still there
        template.write_text(edited)
        wait_for(page, "Dates of every meeting")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_one_save_is_one_rebuild_and_new_settings_reach_every_page(tmp_path: Path) -> None:
    """The generator's own writes (build/docs, build/mkdocs.yml) trigger no rebuild of their
    own: a title edit is one rebuild that already shows the new nav everywhere; a changed
    setting (the site title, outside the nav) takes one more, which redraws every page."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=root, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            stdout=stream, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}/"
            wait_for(base + "programs/pilot/first/", "First cohort")
            time.sleep(1.5)  # the watcher's first look at the tree

            def rebuilds_after(edit: Callable[[], None], url: str, text: str) -> int:
                before = log.read_text("utf-8").count("Building documentation")
                edit()
                wait_for(url, text)
                time.sleep(3)  # long enough for any further rebuild to start (0.5 s polls)
                return log.read_text("utf-8").count("Building documentation") - before

            cohort = root / "content/programs/pilot/cohorts/first.yml"
            assert rebuilds_after(lambda: cohort.write_text(cohort.read_text().replace(
                "title: First cohort", "title: Renamed cohort")),
                base + "topics/tooling/", "Renamed cohort") == 1
            site = root / "content/site.yml"
            assert rebuilds_after(lambda: site.write_text(site.read_text().replace(
                "title: Mini Handbook", "title: Renamed Handbook")),
                base + "topics/tooling/", "Renamed Handbook") == 2
            for page in ("", "programs/pilot/first/", "programs/pilot/curriculum-mentor/"):
                wait_for(base + page, "Renamed Handbook", timeout=1)
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_the_preview_search_index_lists_each_page_once_after_an_edit(tmp_path: Path) -> None:
    """An edit that rebuilds several pages (a pair's name: the cohort page, its pack and its
    print page) leaves the preview's search index as a full build makes it: Material's own
    merge replaced only the first page's entries and listed the others twice."""
    root = make_project(tmp_path, FIXTURES / "mini" / "content")
    with serving(root) as base:
        wait_for(base + "programs/pilot/first/", "First cohort")
        time.sleep(1.5)  # the watcher's first look at the tree
        cohort = root / "content/programs/pilot/cohorts/first.yml"
        text = cohort.read_text("utf-8")
        assert "mentor: Ada Young," in text
        cohort.write_text(text.replace("Ada Young", "Renamedmentor Person"), "utf-8")
        wait_for(base + "programs/pilot/first/", "Renamedmentor")
        time.sleep(1.5)  # any rebuild after it has started, and requests wait for it
        with urllib.request.urlopen(base + "search/search_index.json", timeout=30) as response:
            served = json.loads(response.read())["docs"]
    assert handbook("build", "--clean", cwd=root, env={"HANDBOOK_PDF": "0"}).returncode == 0
    built = json.loads((root / "site/search/search_index.json").read_text("utf-8"))["docs"]
    assert any("Renamedmentor" in entry["text"] for entry in built)
    assert served == built


class _Server:
    """What `preview.rebuild` reaches of MkDocs' LiveReloadServer."""

    def __init__(self) -> None:
        import threading

        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False

    def wanted(self, within: float) -> bool:
        with self._rebuild_cond:
            found = self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=within)
            self._want_rebuild = False
            return found


def _sources(root: Path) -> tuple[Path, Path]:
    """A content folder holding one file, and an empty docs folder."""
    content, docs = root / "content", root / "docs"
    content.mkdir()
    docs.mkdir()
    (content / "a.yml").write_text("a: 1\n", "utf-8")
    return content, docs


def _dev_server(root: Path) -> Any:
    """MkDocs' own dev server on a free port (not started)."""
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=free_port(),
                            root=str(root))


def _asked(server: Any, change: Callable[[], object], within: float = 5) -> bool:
    """Whether `change` makes the dev server want a rebuild within `within` seconds; the
    wish is then taken back, with any second event of the same save."""
    from handbook.engine.preview import POLL_SECONDS

    change()
    with server._rebuild_cond:
        found = server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=within)
    time.sleep(2 * POLL_SECONDS)  # a save may be seen as two events
    server._want_rebuild = False
    return bool(found)


def test_the_preview_server_polls_faster_and_still_adds_the_reload_script(
        tmp_path: Path) -> None:
    """MkDocs' own dev server, given the faster observer (engine/preview.py `poll_faster`)
    once the generated files are unwatched: a saved, added or deleted source file asks for a
    rebuild, a new empty folder does not. An observer that watches something already is
    left alone. (That the served pages keep the live-reload script, which the server adds
    only while it watches something: tests/test_csp_browser.py.)"""
    from handbook.engine.preview import POLL_SECONDS, poll_faster

    content, docs = _sources(tmp_path)
    busy = _dev_server(tmp_path)
    busy.watch(str(docs))
    kept = busy.observer
    poll_faster(busy)
    assert busy.observer is kept
    server = _dev_server(tmp_path)
    server.watch(str(docs))
    server.unwatch(str(docs))
    poll_faster(server)
    assert server.observer.timeout == POLL_SECONDS
    server.watch(str(content))
    server.observer.start()
    try:
        time.sleep(3 * POLL_SECONDS)  # its first look
        (content / "empty").mkdir()
        with server._rebuild_cond:
            assert not server._rebuild_cond.wait_for(lambda: server._want_rebuild,
                                                     timeout=5 * POLL_SECONDS)
        for change in (lambda: (content / "a.yml").write_text("a: 22\n", "utf-8"),
                       lambda: (content / "empty" / "b.yml").write_text("b: 1\n", "utf-8"),
                       lambda: (content / "a.yml").unlink()):
            assert _asked(server, change)
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)


def test_the_preview_server_looks_for_changes_only_between_rebuilds(tmp_path: Path) -> None:
    """While a rebuild runs (`IdleCollector.busy`), the dev server's look for changes waits
    (it took the interpreter's lock from the rebuild at every file); a file saved meanwhile
    asks for a rebuild once the rebuild is over."""
    from handbook.engine.preview import POLL_SECONDS, IdleCollector, poll_faster

    content, docs = _sources(tmp_path)
    server = _dev_server(tmp_path)
    server.watch(str(docs))
    server.unwatch(str(docs))
    collector = IdleCollector()
    poll_faster(server, collector.listdir)
    server.watch(str(content))
    server.observer.start()
    try:
        time.sleep(3 * POLL_SECONDS)  # its first look
        collector.busy()
        time.sleep(2 * POLL_SECONDS)  # a look under way when the rebuild started ends
        (content / "a.yml").write_text("a: 22\n", "utf-8")
        with server._rebuild_cond:
            assert not server._rebuild_cond.wait_for(lambda: server._want_rebuild,
                                                     timeout=6 * POLL_SECONDS)
        collector.idle()
        collector.stop()  # no collection of this test's heap
        with server._rebuild_cond:
            assert server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=5)
    finally:
        collector.stop()
        server.observer.stop()
        server.observer.join(timeout=5)


def test_the_preview_watches_the_settings_file_alone_in_the_project_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The project's mkdocs.yml is watched through its folder (`watch_settings`): adding it,
    saving it, replacing it (an editor's save through a temporary file) and removing it each
    ask for a rebuild; the folder's other files are never looked at (each was stated five
    times a second: a project folder of 100,000 files kept a core busy), and their changes
    ask for nothing."""
    from handbook.engine.preview import LISTING, POLL_SECONDS, poll_faster, watch_settings

    root, site = tmp_path / "project", tmp_path / "site"
    root.mkdir()
    site.mkdir()
    for n in range(2000):
        (root / f"other-{n}.txt").write_text("", "utf-8")
    server = _dev_server(site)
    server.watch(str(site))
    server.unwatch(str(site))
    stated: list[str] = []
    real_stat = os.stat

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stated.append(os.fsdecode(path))
        return real_stat(path, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(os, "stat", stat)
        poll_faster(server)  # the observer it makes states through `stat`
    settings = root / "mkdocs.yml"
    watch_settings(server, settings)
    listing = getattr(server.observer, LISTING)
    assert [entry.name for entry in listing(os.path.join(root, "."))] == ["mkdocs.yml"]
    server.observer.start()
    try:
        time.sleep(3 * POLL_SECONDS)  # its first look

        def asked(change: Callable[[], object]) -> bool:
            return _asked(server, change, 10 * POLL_SECONDS)

        assert not asked(lambda: (root / "other-7.txt").write_text("x", "utf-8"))
        assert not asked(lambda: (root / "new.txt").write_text("x", "utf-8"))
        assert asked(lambda: settings.write_text("site_name: a\n", "utf-8"))
        assert asked(lambda: settings.write_text("site_name: bb\n", "utf-8"))
        temporary = root / ".mkdocs.yml.tmp"
        assert not asked(lambda: temporary.write_text("site_name: c\n", "utf-8"))
        assert asked(lambda: os.replace(temporary, settings))
        assert asked(settings.unlink)
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)
    assert stated and not [path for path in stated if "other-" in path or "new.txt" in path]


def test_another_watch_of_the_project_folder_still_sees_all_it_holds(tmp_path: Path) -> None:
    """A `watch:` entry of mkdocs.yml may name the project folder, or one above it: the
    settings file's watch of that folder (one name only) leaves such a watch seeing every
    file and folder below (for a moment, it saw mkdocs.yml alone)."""
    from handbook.engine.preview import POLL_SECONDS, poll_faster, watch_settings

    root, site = tmp_path / "project", tmp_path / "site"
    (root / "includes").mkdir(parents=True)
    site.mkdir()
    (root / "includes" / "a.md").write_text("a\n", "utf-8")
    server = _dev_server(site)
    server.watch(str(site))
    server.unwatch(str(site))
    poll_faster(server)
    server.watch(str(root))  # as MkDocs watches a `watch:` folder: all below it
    watch_settings(server, root / "mkdocs.yml")
    server.observer.start()
    try:
        time.sleep(3 * POLL_SECONDS)  # its first look
        assert _asked(server, lambda: (root / "includes" / "a.md").write_text("b\n", "utf-8"))
        assert _asked(server, lambda: (root / "notes.txt").write_text("c\n", "utf-8"))
    finally:
        server.observer.stop()
        server.observer.join(timeout=5)


def test_the_idle_collector_collects_between_rebuilds_not_during_them() -> None:
    """After a rebuild, once IDLE_SECONDS pass with no rebuild asked for, the heap is
    collected and frozen; a rebuild asked for in time stops it; rebuilds in a row without
    an idle moment have the collection run before the next one, so memory stays bounded."""
    import gc

    from handbook.engine import preview

    collector = preview.IdleCollector()
    collector.server = _Server()
    gc.unfreeze()
    try:
        collector.busy()
        collector.idle()
        collector.server._want_rebuild = True  # a save came in: no collection
        time.sleep(preview.IDLE_SECONDS + 0.5)
        assert gc.get_freeze_count() == 0 and collector.rebuilds == 1
        collector.server._want_rebuild = False
        collector.idle()
        collector.busy()  # the next rebuild started in time
        time.sleep(preview.IDLE_SECONDS + 0.5)
        assert gc.get_freeze_count() == 0 and collector.rebuilds == 2
        for _ in range(preview.MOST_REBUILDS - 2):
            collector.busy()
        assert gc.get_freeze_count() == 0
        collector.busy()
        assert gc.get_freeze_count() > 0 and collector.rebuilds == 0
        gc.unfreeze()
        collector.idle()
        time.sleep(preview.IDLE_SECONDS + 0.5)
        assert gc.get_freeze_count() > 0 and collector.rebuilds == 0
    finally:
        collector.busy()
        gc.unfreeze()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_deleted_cohort_leaves_the_preview(tmp_path: Path) -> None:
    """The preview rebuilds with --dirty, which never deletes: a deleted cohort's pages and
    calendar stayed at their addresses until the preview was started again."""
    root = make_project(tmp_path)
    cohort = root / "content/programs/reverse-mentoring/cohorts/2027-autumn-remote.yml"
    with serving(root) as base:
        page = base + "programs/reverse-mentoring/2027-autumn-remote/"
        wait_for(page, "</html>")
        calendars = sorted((root / "build/docs/programs/reverse-mentoring/2027-autumn-remote")
                           .glob("*.ics"))
        assert calendars and status_of(page + calendars[0].name) == 200
        cohort.unlink()
        deadline = time.monotonic() + 60
        while status_of(page) != 404 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert status_of(page) == 404
        assert status_of(page + "print/") == 404
        assert status_of(page + calendars[0].name) == 404
        assert status_of(base + "programs/reverse-mentoring/2027-spring-london/") == 200


def test_a_rebuild_stopped_by_a_missing_template_says_so_in_one_message(
        tmp_path: Path) -> None:
    """A setting saved during the preview that asks the theme for a template nobody has:
    the rebuild fails with the plugin's message (the preview's builder printed it under a
    traceback), the preview keeps running, and a fix is live again."""
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content", copy_defaults=False)
    log = tmp_path / "serve.log"
    settings = root / "mkdocs.yml"
    good = settings.read_text("utf-8")
    with serving(root, log) as address:
        wait_for(address + "programs/pilot/first/", "First cohort")
        settings.write_text(good + "extra:\n  analytics:\n    provider: custom\n", "utf-8")
        deadline = time.monotonic() + 60
        while "An error happened during the rebuild" not in log.read_text("utf-8", "replace"):
            assert time.monotonic() < deadline, log.read_text("utf-8", "replace")
            time.sleep(0.2)
        settings.write_text(good.replace("    - navigation.top\n",
                                         "    - navigation.top\n    - content.code.copy\n"),
                            "utf-8")
        wait_for(address + "programs/pilot/first/", "content.code.copy")
    output = log.read_text("utf-8", "replace")
    assert "The theme needs the template 'partials/integrations/analytics/custom.html'" \
        in output, output
    if not NO_FORK:  # MkDocs' own server (macOS, Windows) prints every failure's traceback
        assert "Traceback" not in output, output


def test_a_project_without_mkdocs_yml_is_served(tmp_path: Path) -> None:
    """A content folder alone is built with the settings `handbook init` writes, the handbook
    plugin among them, which watched the project's mkdocs.yml whether or not there was one:
    the preview of such a project ended in a FileNotFoundError traceback."""
    root = tmp_path / "p"
    root.mkdir()
    shutil.copytree(FIXTURES / "mini" / "content", root / "content")
    with serving(root) as address:
        wait_for(address + "programs/pilot/first/", "First cohort")
        cohort = root / "content/programs/pilot/cohorts/first.yml"
        cohort.write_text(cohort.read_text().replace("title: First cohort",
                                                     "title: Renamed cohort"))
        wait_for(address + "programs/pilot/first/", "Renamed cohort")
        # An mkdocs.yml added while the preview runs is its settings from then on (it
        # went unseen until a restart), and so are its later saves and its removal.
        settings = root / "mkdocs.yml"
        packaged = (resources.project_files() / "mkdocs.yml").read_text("utf-8")
        feature = "    - navigation.top\n"
        assert feature in packaged and "content.code.copy" not in packaged
        settings.write_text(packaged.replace(feature, feature + "    - content.code.copy\n"),
                            "utf-8")
        wait_for(address + "programs/pilot/first/", "content.code.copy")
        settings.write_text(packaged.replace(feature, feature + "    - content.tabs.link\n"),
                            "utf-8")
        wait_for(address + "programs/pilot/first/", "content.tabs.link")
        settings.unlink()
        wait_for_not(address + "programs/pilot/first/", "content.tabs.link")
