"""`mkdocs build` on several processes builds exactly the site one process builds."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import NO_FORK, handbook, make_project
from handbook.engine.mkdocs_parallel import share_out, units, with_embedded
from handbook.engine.mkdocs_plugin import FORK_FROM, FORK_FROM_BYTES, worth_forking
from mkdocs.structure.files import InclusionLevel


def _build(root: Path, jobs: int, *args: str) -> tuple[int, str]:
    """Build with the plugin's `jobs` option (the plugin reads no environment variable)."""
    config = root / "mkdocs.yml"
    text = re.sub(r"\n      jobs: \d+", "", config.read_text("utf-8"))
    config.write_text(text.replace("  - handbook:", f"  - handbook:\n      jobs: {jobs}"), "utf-8")
    done = handbook("build", *args, cwd=root)
    return done.returncode, done.stdout + done.stderr


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


@dataclass
class _File:
    """What `units` reads of an MkDocs File: its path and whether the nav leaves it out."""

    src_uri: str
    inclusion: InclusionLevel = InclusionLevel.INCLUDED

    @property
    def name(self) -> str:
        return self.src_uri.rpartition("/")[2].removesuffix(".md")


def test_pages_out_of_the_nav_go_with_their_folders_index_page() -> None:
    out = InclusionLevel.NOT_IN_NAV
    files = [_File("index.md"), _File("topics/a.md"), _File("programs/p/index.md"),
             _File("programs/p/c1/index.md"), _File("programs/p/c1/01-x.md", out),
             _File("programs/p/c1/print.md", out),
             # In the nav, though in a cohort folder: a unit of its own.
             _File("programs/p/c1/results.md"),
             # Out of the nav outside any cohort: with its folder's index page.
             _File("notes/index.md"), _File("notes/later.md", out),
             _File("loose/alone.md", out)]  # no index page to go with
    unit = units(files)
    assert unit["programs/p/c1/01-x.md"] == unit["programs/p/c1/print.md"] \
        == "programs/p/c1/index.md"
    assert unit["programs/p/c1/results.md"] == "programs/p/c1/results.md"
    assert unit["notes/later.md"] == "notes/index.md"
    assert unit["loose/alone.md"] == "loose/alone.md"
    assert unit["topics/a.md"] == "topics/a.md"


def test_share_out_keeps_units_together_and_balances() -> None:
    sizes = {"index.md": 5, "topics/a.md": 10, "topics/b.md": 10,
             "programs/p/index.md": 5,
             "programs/p/c1/index.md": 10, "programs/p/c1/01-x.md": 30,
             "programs/p/c2/index.md": 10, "programs/p/c2/01-x.md": 30}
    unit = {"programs/p/c1/01-x.md": "programs/p/c1/index.md",
            "programs/p/c2/01-x.md": "programs/p/c2/index.md"}
    shares = share_out(sizes, 2, unit)
    assert set().union(*shares) == set(sizes) and not shares[0] & shares[1]
    for share in shares:
        cohorts = {src.rsplit("/", 1)[0] for src in share if src.count("/") == 3}
        assert len(cohorts) == 1  # one cohort each, never split
    loads = [sum(sizes[s] for s in share) for share in shares]
    assert abs(loads[0] - loads[1]) <= 10


def test_a_body_only_one_unit_repeats_goes_with_that_unit() -> None:
    """A new cohort title rebuilds the cohort (one unit: its packs repeat the playbooks) and
    the playbooks: those go with the cohort, or both processes would convert them."""
    unit = {"programs/p/c1/index.md": "programs/p/c1/index.md",
            "programs/p/c1/pack.md": "programs/p/c1/index.md",
            "programs/p/c2/index.md": "programs/p/c2/index.md",
            "programs/p/c2/pack.md": "programs/p/c2/index.md",
            "challenges/a.md": "challenges/a.md", "challenges/b.md": "challenges/b.md",
            "topics/t.md": "topics/t.md"}
    embeds = {"programs/p/c1/pack.md": {"challenges/a.md", "challenges/b.md", "gone.md"},
              "programs/p/c2/pack.md": {"challenges/b.md"},
              "topics/t.md": {"programs/p/c1/index.md"}}  # a unit's head stays where it is
    moved = with_embedded(unit, embeds)
    assert moved["challenges/a.md"] == "programs/p/c1/index.md"  # only c1 repeats it
    assert moved["challenges/b.md"] == "challenges/b.md"  # two units repeat it
    assert moved["programs/p/c1/index.md"] == "programs/p/c1/index.md"
    assert {src: moved[src] for src in unit if src != "challenges/a.md"} == \
        {src: unit[src] for src in unit if src != "challenges/a.md"}


def test_parallel_site_is_byte_for_byte_the_single_process_site(tmp_path: Path) -> None:
    sites = {}
    for jobs in (1, 3):
        root = make_project(tmp_path / f"jobs{jobs}")
        code, output = _build(root, jobs)
        assert code == 0, output
        sites[jobs] = _tree(root / "site")
    assert len(sites[1]) > 100
    assert sites[1].keys() == sites[3].keys()
    different = [path for path in sites[1] if sites[1][path] != sites[3][path]]
    assert different == []
    assert not list(tmp_path.rglob(".site-new-*"))  # no worker left a half-built site behind


def test_strict_build_fails_on_warnings_from_any_process(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    code, output = _build(root, 2)
    assert code == 0, output
    before = _tree(root / "site")
    # Every cohort page now links to a page that does not exist: a warning in each process.
    cohort = root / "templates" / "cohort.md.j2"
    cohort.write_text(cohort.read_text("utf-8") + "\n[gone](no-such-page.md)\n", "utf-8")
    # --clean: every page built, shared among the processes (incremental, the few changed
    # pages would be built by one)
    code, output = _build(root, 2, "--strict", "--clean")
    assert code == 1, output
    assert "no-such-page.md" in output
    # Forked, the workers' warnings are counted again in the main process; without fork
    # (HANDBOOK_TEST_NO_FORK=1) there are no other processes to count.
    assert ("warnings from the other build processes" in output) is not NO_FORK
    assert _tree(root / "site") == before  # the failed build left the old site as it was


@dataclass
class _Sized:
    abs_src_path: str


def test_forking_pays_from_many_pages_or_much_markdown(tmp_path: Path) -> None:
    small, large = tmp_path / "small.md", tmp_path / "large.md"
    small.write_bytes(b"x" * 1000)
    large.write_bytes(b"x" * (FORK_FROM_BYTES // 2))
    assert not worth_forking([_Sized(str(small))] * 3)  # a changed pair: one process
    assert worth_forking([_Sized(str(small))] * FORK_FROM)
    assert not worth_forking([_Sized(str(large))])
    assert worth_forking([_Sized(str(large))] * 2)  # a new title: many long pages
    assert not worth_forking([_Sized(str(tmp_path / "gone.md"))])


def test_an_incremental_build_on_several_processes_is_the_clean_site(tmp_path: Path) -> None:
    """The pages an edit changes are shared among processes (other pages are taken over from
    the published site); the site is the one a clean single-process build makes."""
    root = make_project(tmp_path / "p")
    code, output = _build(root, 2)
    assert code == 0, output
    # Every agenda page changes: fewer than FORK_FROM pages, but more than FORK_FROM_BYTES.
    meeting = root / "templates" / "meeting.md.j2"
    meeting.write_text(meeting.read_text("utf-8") + "\nEdited for the parallel test.\n",
                       "utf-8")
    code, output = _build(root, 2, "-v")
    assert code == 0, output
    taken = re.search(r"Build cache: (\d+) of (\d+) pages unchanged, (\d+) to build", output)
    assert taken is not None, output
    assert int(taken[1]) > 0 and 0 < int(taken[3]) < FORK_FROM, output
    forked = re.search(r"Building (\d+) pages on 2 processes", output)
    assert (forked is not None and int(forked[1]) == int(taken[3])) is not NO_FORK, output
    _same_as_clean(root, tmp_path / "clean")
    # A playbook's new text: it and the packs repeating it are built, each process
    # converting the playbook only if pages it builds repeat it (the others are sent none).
    challenge = root / "content" / "challenges" / "communication-gap.yml"
    challenge.write_text(re.sub(r"(?m)^summary: ", "summary: Edited. ",
                                challenge.read_text("utf-8"), count=1), "utf-8")
    code, output = _build(root, 2, "-v")
    assert code == 0, output
    forked = re.search(r"Building (\d+) pages on 2 processes", output)
    assert (forked is not None) is not NO_FORK, output
    _same_as_clean(root, tmp_path / "clean-2")
    packs = (root / "site").rglob("pack-*/index.html")
    assert any("Edited. " in pack.read_text("utf-8") for pack in packs), "no pack repeats it"


def _same_as_clean(root: Path, clean: Path) -> None:
    """The site in `root` is the one a clean single-process build of its files makes."""
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("site", ".site-*", "build"))
    (clean / "build/docs").mkdir(parents=True)
    code, output = _build(clean, 1, "--clean")
    assert code == 0, output
    mine, theirs = _tree(root / "site"), _tree(clean / "site")
    assert mine.keys() == theirs.keys()
    assert [path for path in mine if mine[path] != theirs[path]] == []


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux: from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(NO_FORK or not Path("/proc/self/stat").exists(),
                    reason="needs fork and /proc (Linux)")
@pytest.mark.parametrize("how", ["kill", "ctrl-c"])
def test_stopping_a_parallel_build_stops_the_workers_and_keeps_the_site(
        tmp_path: Path, how: str) -> None:
    """MkDocs runs inside handbook and forks its workers from it: `kill` on handbook alone
    stops them too; Ctrl-C (SIGINT to the whole foreground group) ends each worker at once,
    none running handbook's reporting or clean-up; the site is the old one."""
    root = make_project(tmp_path / "p")
    code, output = _build(root, 2)
    assert code == 0, output
    before = _tree(root / "site")
    process = subprocess.Popen([sys.executable, "-m", "handbook", "build", "--clean"],
                               cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "HANDBOOK_PDF": "0"},
                               start_new_session=True)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while not workers and process.poll() is None and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.01)
    assert workers, "the build ended before it forked"
    sent = signal.SIGTERM if how == "kill" else signal.SIGINT
    if how == "kill":
        process.send_signal(sent)
    else:
        os.killpg(process.pid, sent)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + sent, stderr
    assert stderr.strip().splitlines()[-1] == "Interrupted; the previous site/ is unchanged."
    assert "Traceback" not in stderr and stderr.count("Interrupted") == 1, stderr
    time.sleep(0.5)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert _tree(root / "site") == before
    assert handbook("build", cwd=root).returncode == 0  # clears what the killed build left
    assert not list(tmp_path.rglob(".site-new-*"))


def test_a_worker_hands_over_only_the_pages_it_built(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The anchor check runs in the main process, which has the anchors and links of the
    pages taken over from the page cache itself: a worker's result holds its own pages only
    (it held every page's, megabytes of JSON written and read back on each rebuild)."""
    import json
    from types import SimpleNamespace

    from handbook.engine import mkdocs_parallel
    from handbook.engine.mkdocs_plugin import HandbookPlugin

    def leave(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(mkdocs_parallel, "leave", leave)
    worker = mkdocs_parallel.ParallelBuild(2)
    worker.index, worker.result = 1, tmp_path / "result.json"
    worker.warnings = mkdocs_parallel.WarningCount()
    worker.anchors["built.md"], worker.links["built.md"] = ["intro"], {}
    plugin = HandbookPlugin()
    plugin.error_docs, plugin.parallel = None, worker
    taken = SimpleNamespace(anchors=["kept"], links={"built.md": {"intro": "built.md#intro"}})
    plugin.cache = SimpleNamespace(reused={"taken.md"}, records={"taken.md": taken})
    with pytest.raises(SystemExit) as leaving:
        plugin.on_post_build(config=SimpleNamespace(plugins={}))
    assert leaving.value.code == 0
    handed = json.loads(worker.result.read_text("utf-8"))
    assert handed["anchors"] == {"built.md": ["intro"]} and handed["links"] == {"built.md": {}}
