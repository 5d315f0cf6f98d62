"""Measuring tools for the benchmark: timed subprocesses with their peak memory, site sizes,
and the edit-to-reload time of `mkdocs serve`.

Each measured command runs as its own subprocess so that nothing cached by an earlier run
(imported modules, compiled templates, MkDocs state) flatters a later one, and so its memory
can be read alone.
"""

from __future__ import annotations

import contextlib
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

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
BUILDING = re.compile(r"Building documentation")
# The dev server logs one of these when a rebuild ends. Not "Documentation built": MkDocs 1.6
# serve sometimes finishes a rebuild without that line (seen with and without our plugin).
REBUILT = re.compile(r"Reloading browsers|An error happened during the rebuild")


@dataclass(frozen=True)
class Sample:
    """One measured run: wall time and the peak resident memory of the process tree."""

    seconds: float
    peak_rss_mib: float
    stdout: str


class RunFailed(RuntimeError):
    pass


def run_measured(command: list[str], cwd: Path, timeout: float = 3600) -> Sample:
    """Run `command` and measure it with os.wait4 on exactly that child.

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
        process = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=out, stderr=err,
                                   start_new_session=True)
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
    """Empty build/docs (keeping .gitkeep) and drop site/: every timed build starts cold."""
    docs = project / "build" / "docs"
    set_aside(docs, project)
    docs.mkdir(parents=True)
    (docs / ".gitkeep").touch()
    set_aside(project / "site", project)


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


def measure_reload(project: Path, cohort_file: Path, page: str, timeout: float = 1800
                   ) -> dict[str, Any]:
    """Seconds from saving a cohort title to `mkdocs serve` serving it, as an author lives it.

    Requests to the dev server wait while it rebuilds, so polling the page measures exactly
    when the new title becomes visible. After that we keep reading the server log to see
    whether the edit caused more than one rebuild (the generator writes into the watched
    docs folder) and when the server went quiet again.
    """
    text = cohort_file.read_text("utf-8")
    match = re.search(r"^title:\s*(.*)$", text, re.M)
    if match is None:
        raise RunFailed(f"no top-level title in {cohort_file}")
    token = f"Reload check {int(time.time() * 1000) % 10**8}"
    new_title = json.dumps(f"{token} cohort")  # a JSON string is a valid YAML scalar
    port = free_port()
    url = f"http://127.0.0.1:{port}/{page.strip('/')}/"
    log = project / "serve.log"
    with log.open("wb") as stream:
        started = time.perf_counter()
        server = subprocess.Popen(
            # What a coordinator runs (MkDocs on the generated build/mkdocs.yml, --dirty).
            [sys.executable, "-m", "handbook", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env=ENV, stdout=stream, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            _wait_for(url, "</html>", started + timeout, server, log)
            startup = time.perf_counter() - started
            time.sleep(1.0)  # let the watcher take its first snapshot of the tree
            log_before = len(log.read_bytes())
            edited = time.perf_counter()
            cohort_file.write_text(text[:match.start(1)] + new_title + text[match.end(1):],
                                   "utf-8")
            _wait_for(url, token, edited + timeout, server, log)
            reload = time.perf_counter() - edited
            settled, rebuilds = _settle(log, log_before, edited, edited + timeout)
        finally:
            _stop(server)
    return {"startup_seconds": round(startup, 2), "reload_seconds": round(reload, 2),
            "settled_seconds": round(settled, 2), "rebuilds_after_edit": rebuilds,
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
