"""Measuring tools for the benchmark: timed subprocesses with their peak memory, site sizes,
and the edit-to-reload time of `mkdocs serve`.

Each measured command runs as its own subprocess so that nothing cached by an earlier run
(imported modules, compiled templates, MkDocs state) flatters a later one, and so its memory
can be read alone.
"""

from __future__ import annotations

import compileall
import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BUILDING = re.compile(r"Building documentation")
# The dev server logs one of these when a rebuild ends. Not "Documentation built": MkDocs 1.6
# serve sometimes finishes a rebuild without that line (seen with and without our plugin).
REBUILT = re.compile(r"Reloading browsers|An error happened during the rebuild")


def compile_package() -> None:
    """Compile handbook's modules to bytecode before anything is timed, as installing a wheel
    does: from a source checkout (an editable install), with PYTHONDONTWRITEBYTECODE set, every
    run would compile the package again, a few tenths of a second no user pays."""
    import handbook

    compileall.compile_dir(Path(handbook.__file__).parent, quiet=1)


@dataclass(frozen=True)
class Sample:
    """One measured run: wall time and the peak resident memory of the process tree."""

    seconds: float
    peak_rss_mib: float
    stdout: str


class RunFailed(RuntimeError):
    pass


def run_measured(command: list[str], cwd: Path, timeout: float = 3600,
                 env: dict[str, str] | None = None) -> Sample:
    """Run `command` and measure it with os.wait4 on exactly that child (`env`: variables
    set for it on top of ENV).

    Why wait4 rather than getrusage(RUSAGE_CHILDREN) deltas: the latter is a maximum over every
    child this process ever reaped, so a big early run would hide a small later one. wait4
    returns the usage of one child, and on Linux its ru_maxrss is the larger of the child's
    own peak and that of the descendants it reaped (`handbook build` waits for its MkDocs
    subprocess), which is the peak the machine has to hold. It needs no /usr/bin/time and no
    output parsing.

    A build on several processes (`mkdocs build` forks a worker per core) holds their memory
    at the same time, which ru_maxrss (one process's peak) does not show, so a sampler also
    sums the resident memory of every process of the command's session. The figure reported
    is the larger of the two: an upper bound, as pages shared after a fork count in each
    process.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**ENV, **(env or {})}, stdout=out,
                                   stderr=err, start_new_session=True)
        timer = threading.Timer(timeout, _kill_group, (process,))
        timer.start()
        sampler = _SessionMemory(process.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            sampler.stop()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # we reaped it, not Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise RunFailed(f"{' '.join(command)} failed in {cwd} (exit {process.returncode}):\n"
                        f"{stdout[-3000:]}{stderr[-3000:]}")
    peak = max(usage.ru_maxrss * 1024, sampler.peak)  # Linux reports ru_maxrss in KiB
    return Sample(seconds, peak / 2**20, stdout)


class _SessionMemory(threading.Thread):
    """Polls /proc for the summed resident memory of every process in one session."""

    def __init__(self, session: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.session, self.interval = session, interval
        self.peak = 0
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.peak = max(self.peak, self._total())

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _total(self) -> int:
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
                # Fields after the command name (which may hold spaces): state, ppid, pgrp,
                # session, ...; statm's second field is the resident size in pages.
                if int(stat.rpartition(")")[2].split()[3]) == self.session:
                    total += int(Path(entry.path, "statm").read_text().split()[1]) * self._page
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we looked
        return total


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a process we started and everything it started (its own session)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def set_aside(path: Path, project: Path) -> None:
    """Move a previous run's output out of the way instead of deleting it.

    On ext4, creating files within a minute of deleting thousands is several times slower: the
    inode allocator steps over each recently freed inode (`recently_deleted` led a perf profile
    of the write stage). Deleting the last run's 13,000 files just before a timed run charged
    the benchmark's own cleanup to the build it timed; a fresh clone pays nothing of the kind.
    The trees go to `trash/` next to the project and are deleted with the work folder."""
    if path.exists():
        trash = project.parent / "trash"
        trash.mkdir(exist_ok=True)
        path.rename(trash / f"{path.name}-{time.monotonic_ns()}")


def clean_build(project: Path) -> None:
    """Empty build/docs (keeping .gitkeep) and drop site/ and the spare site (publish.py):
    every timed build starts cold, as in a fresh clone."""
    docs = project / "build" / "docs"
    set_aside(docs, project)
    docs.mkdir(parents=True)
    (docs / ".gitkeep").touch()
    set_aside(project / "site", project)
    set_aside(project / ".site-spare", project)


def site_stats(site: Path) -> dict[str, Any]:
    """Size of a built site and of its HTML pages (404.html is not a content page)."""
    total = html = index = pages = 0
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total += size
        if path.suffix == ".html" and path.relative_to(site).as_posix() != "404.html":
            pages += 1
            html += size
        if path.name == "search_index.json":
            index = size
    return {"site_bytes": total, "html_pages": pages, "html_bytes": html,
            "bytes_per_html_page": round(html / pages) if pages else 0,
            "site_bytes_per_page": round(total / pages) if pages else 0,
            "search_index_bytes": index}


def digests(site: Path) -> dict[str, str]:
    """Every file of a built site by its path: what "byte-identical" compares."""
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def differences(got: dict[str, str], want: dict[str, str]) -> dict[str, list[str]]:
    return {"missing": sorted(set(want) - set(got)), "extra": sorted(set(got) - set(want)),
            "different": sorted(k for k in set(got) & set(want) if got[k] != want[k])}


def disk_usage(folder: Path) -> dict[str, int]:
    """Like `du`: the blocks the files take on disk, and their apparent size and number."""
    files = apparent = blocks = 0
    if folder.is_dir():
        for path in folder.rglob("*"):
            stat = path.lstat()
            blocks += stat.st_blocks * 512
            if path.is_file():
                files += 1
                apparent += stat.st_size
    return {"files": files, "bytes": apparent, "disk_bytes": blocks}


State = tuple[int, int]  # (which mentor name, which title) the cohort file holds


class CohortEdits:
    """Two versions of one pair's mentor name and of the cohort title, as text edits of the
    YAML the author saves (the rest of the file stays byte for byte as written)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text("utf-8")
        data = yaml.safe_load(self.original)
        self.names = (data["pairs"][0]["mentor"], data["pairs"][0]["mentor"] + " Renamed")
        self.titles = (data["title"], data["title"] + " renamed")

    @classmethod
    def first(cls, content: Path) -> CohortEdits:
        """The first cohort file of the first program, in name order."""
        return cls(sorted((content / "programs").glob("*/cohorts/*.yml"))[0])

    def text(self, mentor: str, title: str) -> str:
        """The original file with the first pair's mentor and the title replaced; checked by
        reading it back, so a change of synth's layout cannot make the edit a silent no-op."""
        text = self.original
        name = re.search(r"^\s*- mentor:\s*(.*)$", text, re.M)
        head = re.search(r"^title:\s*(.*)$", text, re.M)
        if name is None or head is None:
            raise RunFailed(f"no pair or title line in {self.path}")
        spans = sorted([(name.span(1), json.dumps(mentor)), (head.span(1), json.dumps(title))],
                       reverse=True)
        for (start, end), value in spans:  # from the end, so the earlier span stays valid
            text = text[:start] + value + text[end:]
        data = yaml.safe_load(text)
        if (data["pairs"][0]["mentor"], data["title"]) != (mentor, title):
            raise RunFailed(f"editing {self.path} did not give {mentor!r}, {title!r}")
        return text

    def state_text(self, state: State) -> str:
        return self.text(self.names[state[0]], self.titles[state[1]])

    def write(self, state: State) -> None:
        self.path.write_text(self.state_text(state), "utf-8")


def source_state(repo: Path) -> dict[str, Any]:
    """Which code a run measured: the commit, and the files changed on top of it (others may
    be editing the tree while a long run goes on)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              check=False).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"),
            "changed_files": git("status", "--porcelain").splitlines()}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=600) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, deadline: float, server: subprocess.Popen[bytes],
              log: Path) -> None:
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RunFailed(f"mkdocs serve exited ({server.returncode}):\n"
                            f"{log.read_text('utf-8', 'replace')[-3000:]}")
        body = _fetch(url)
        if body is not None and text in body:
            return
        time.sleep(0.05)
    raise RunFailed(f"{url} did not show {text!r} in time:\n"
                    f"{log.read_text('utf-8', 'replace')[-3000:]}")


@dataclass(frozen=True)
class Edit:
    """One save an author makes while the server runs: `path` gets `text`, and the edit is
    live when the page shows `token`."""

    label: str
    path: Path
    text: str
    token: str


def title_edit(cohort_file: Path, label: str = "title") -> Edit:
    """The cohort's top-level title replaced by a unique one."""
    text = cohort_file.read_text("utf-8")
    match = re.search(r"^title:\s*(.*)$", text, re.M)
    if match is None:
        raise RunFailed(f"no top-level title in {cohort_file}")
    token = f"Reload check {int(time.time() * 1000) % 10**8}"
    new_title = json.dumps(f"{token} cohort")  # a JSON string is a valid YAML scalar
    return Edit(label, cohort_file, text[:match.start(1)] + new_title + text[match.end(1):],
                token)


def measure_reload(project: Path, cohort_file: Path, page: str, timeout: float = 1800
                   ) -> dict[str, Any]:
    """Seconds from saving a cohort title to `mkdocs serve` serving it, as an author lives it
    (one fresh server, one edit: see measure_reloads)."""
    result = measure_reloads(project, page, [title_edit(cohort_file)], timeout)
    (edit,) = result.pop("edits")
    return {"startup_seconds": result["startup_seconds"],
            **{k: v for k, v in edit.items() if k != "label"}, "page": result["page"]}


def measure_reloads(project: Path, page: str, edits: list[Edit], timeout: float = 1800,
                    env: dict[str, str] | None = None) -> dict[str, Any]:
    """Start `handbook serve`, then make each edit in turn and time it until `page` shows it.

    Requests to the dev server wait while it rebuilds, so polling the page measures exactly
    when the edit becomes visible. After that we keep reading the server log to see
    whether the edit caused more than one rebuild (the generator writes into the watched
    docs folder) and when the server went quiet again; only then comes the next edit, so
    each one starts from an idle server. The files edited are left as the edits made them.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}/{page.strip('/')}/"
    log = project / "serve.log"
    results: list[dict[str, Any]] = []
    with log.open("wb") as stream:
        started = time.perf_counter()
        server = subprocess.Popen(
            # What a coordinator runs (MkDocs on the generated build/mkdocs.yml, --dirty).
            [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env={**ENV, **(env or {})}, stdout=stream, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            _wait_for(url, "</html>", started + timeout, server, log)
            startup = time.perf_counter() - started
            time.sleep(1.0)  # let the watcher take its first snapshot of the tree
            for edit in edits:
                log_before = len(log.read_bytes())
                edited = time.perf_counter()
                edit.path.write_text(edit.text, "utf-8")
                _wait_for(url, edit.token, edited + timeout, server, log)
                reload = time.perf_counter() - edited
                settled, rebuilds = _settle(log, log_before, edited, edited + timeout)
                results.append({"label": edit.label, "reload_seconds": round(reload, 2),
                                "settled_seconds": round(settled, 2),
                                "rebuilds_after_edit": rebuilds})
        finally:
            _stop(server)
    return {"startup_seconds": round(startup, 2), "edits": results,
            "page": url.split(str(port), 1)[1]}


def _settle(log: Path, log_before: int, edited: float, deadline: float
            ) -> tuple[float, int]:
    """Wait until no rebuild has run or started for 3 s; return (seconds from the edit to the
    last log line, rebuilds the edit caused). Only the log written after the edit counts."""
    last_text, last_change = "", time.perf_counter()
    while time.perf_counter() < deadline:
        current = log.read_bytes()[log_before:].decode("utf-8", "replace")
        if current != last_text:
            last_text, last_change = current, time.perf_counter()
        running = len(BUILDING.findall(current)) > len(REBUILT.findall(current))
        if not running and time.perf_counter() - last_change > 3.0:
            break
        time.sleep(0.1)
    return last_change - edited, len(BUILDING.findall(last_text))


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the dev server we started (its whole session), politely first."""
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            _kill_group(server)
            server.wait(timeout=15)
