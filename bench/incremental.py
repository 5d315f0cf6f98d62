"""Benchmark for incremental builds (issue 17), run by hand.

    .venv/bin/python bench/incremental.py [--scale N] [--repeat N] [--size-sweep] [--skip-serve]
    .venv/bin/python bench/bench.py --incremental [the same options]

On the bench set (bench/synth.py), side by side in rounds so slow drift of the machine spreads
over every figure, the median of --repeat of:

1. a cold `handbook build --clean` (nothing kept: build/docs, build/cache and site/ set aside);
2. plain MkDocs + Material with navigation.prune on the same Markdown, and cold/plain;
3. `handbook build` again with nothing changed;
4. `handbook build` after renaming one pair's mentor in one cohort file;
5. `handbook build` after changing that cohort's title;
6. edit-to-reload in `handbook serve` for the same two edits (one server per round);
7. the peak memory of each rebuild over the cold build's, and build/cache's size on disk.

Each round starts from the same content (cohort file and calendar ledger put back), so every
round does the same work. Correctness (8): the site/ after every rebuild is compared file by
file with a `--clean` build of the same content/ (the cold build where it is the same, else one
built at the end, untimed). Any difference is printed and makes the run fail.

--size-sweep (9) times the pair-edit rebuild at 1x and 4x the size: with a working cache it
grows with the change, not with the site. Our own readings of the issue: 4x/1x <= 1.5 (a full
rebuild gives about 4), and a rebuild's peak memory < 0.95 x cold's (beyond sampling noise).

Builds run with HANDBOOK_PDF=0: printing PDFs takes minutes and is not what is measured.
Results go to bench/results/incremental.json (git-ignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The helpers live beside this script (bench/ is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from handbook.resolve.revisions import LEDGER
from runner import (
    CohortEdits,
    Edit,
    RunFailed,
    Sample,
    State,
    clean_build,
    compile_package,
    differences,
    digests,
    disk_usage,
    measure_reloads,
    run_measured,
    set_aside,
    site_stats,
    source_state,
)
from synth import Size, write_content

from bench import _log, make_plain_project, make_project, mkdocs_build

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "bench" / "results" / "incremental.json"
NO_PDF = {"HANDBOOK_PDF": "0"}
SIZE_SWEEP = (1, 4)
REBUILDS = ("noop", "pair", "title")
TARGETS = {  # from issue 17's Targets section (the sweep and memory margins are ours)
    "cold_over_plain": ("<=", 0.5),
    "noop_rebuild_seconds": ("<=", 1.0),
    "pair_rebuild_seconds": ("<=", 2.0),
    "title_rebuild_seconds": ("<=", 2.0),
    "pair_reload_seconds": ("<=", 2.0),
    "title_reload_seconds": ("<=", 2.0),
    "noop_rss_over_cold": ("<", 0.95),
    "pair_rss_over_cold": ("<", 0.95),
    "title_rss_over_cold": ("<", 0.95),
    "mismatched_files": ("<=", 0),
    "sweep_pair_4x_over_1x": ("<=", 1.5),
}


def cold_build(project: Path) -> Sample:
    """1: like a fresh clone, nothing from an earlier build: docs, cache and site set aside."""
    clean_build(project)
    set_aside(project / "build" / "cache", project)
    return run_measured([sys.executable, "-m", "handbook", "build", "--clean"], project,
                        env=NO_PDF)


def rebuild(project: Path) -> Sample:
    """3-5: what an author runs after an edit; the cache and site/ of the last build stay."""
    return run_measured([sys.executable, "-m", "handbook", "build"], project, env=NO_PDF)


def _summary(samples: list[Sample]) -> dict[str, Any]:
    return {"seconds": round(statistics.median(s.seconds for s in samples), 3),
            "samples": [round(s.seconds, 3) for s in samples],
            "peak_rss_mib": round(max(s.peak_rss_mib for s in samples), 1)}


def _tree_key(folder: Path) -> str:
    return hashlib.sha256(json.dumps(digests(folder)).encode()).hexdigest()


class Rounds:
    """The main measurement: one project, rounds of every step, observations kept for the
    correctness check at the end.

    `handbook build` keeps the calendar ledger in content/ (content/calendar-revisions.yml:
    a changed meeting gets a higher SEQUENCE), so a build changes the content the next one
    reads. Each round therefore starts from the content as the warm-up build left it, cohort
    file and ledger alike: every round does the same work, and the clean build a rebuild is
    compared with is keyed by a digest of the whole content/ it started from."""

    def __init__(self, work: Path, size: Size, serve: bool) -> None:
        self.project = make_project(work / "project")
        self.content = self.project / "content"
        write_content(self.content, size)
        self.edits = CohortEdits.first(self.content)
        self.page = f"programs/{self.edits.path.parent.parent.name}/{self.edits.path.stem}"
        self.serve = serve
        self.runs: dict[str, list[Sample]] = {"cold": [], "plain": [],
                                              **{name: [] for name in REBUILDS}}
        self.reloads: dict[str, list[float]] = {"pair": [], "title": []}
        self.serve_rounds: list[dict[str, Any]] = []
        self.cache: dict[str, dict[str, int]] = {}
        self.references: dict[str, dict[str, str]] = {}
        # (step, content digest, how to recreate that content, site digests)
        self.observed: list[tuple[str, str, tuple[State, bytes | None], dict[str, str]]] = []
        self.edits.write((0, 0))
        _log(f"content written: {size}; warm-up build")
        self.warmup = cold_build(self.project)  # also compiles .pyc files; writes the ledger
        self.ledger = self.content / LEDGER
        self.first_ledger = self.ledger.read_bytes() if self.ledger.exists() else None
        self.plain = make_plain_project(work / "plain", self.project, full_nav=False)

    def restore(self, state: State, ledger: bytes | None) -> str:
        """Put the cohort file and the ledger back; the digest of content/ they make."""
        self.edits.write(state)
        self.ledger.unlink(missing_ok=True)
        if ledger is not None:
            self.ledger.write_bytes(ledger)
        return _tree_key(self.content)

    def round(self, number: int) -> None:
        project = self.project
        self.restore((0, 0), self.first_ledger)
        steps: list[tuple[str, State, Callable[[], Sample]]] = [
            ("cold", (0, 0), lambda: cold_build(project)),
            ("plain", (0, 0), lambda: mkdocs_build(self.plain)),
            ("noop", (0, 0), lambda: rebuild(project)),
            ("pair", (1, 0), lambda: rebuild(project)),
            ("title", (1, 1), lambda: rebuild(project)),
        ]
        current: State = (0, 0)
        for name, state, step in steps:
            if state != current:  # "nothing changed" touches no file
                self.edits.write(state)
                current = state
            ledger = self.ledger.read_bytes() if self.ledger.exists() else None
            key = _tree_key(self.content)
            self.runs[name].append(sample := step())
            _log(f"round {number}: {name} {sample.seconds:.1f} s, {sample.peak_rss_mib:.0f} MiB")
            if name == "plain":
                continue
            site = digests(project / "site")
            if name == "cold":
                self.references[key] = site
            else:
                self.observed.append((f"round {number} {name}", key, (state, ledger), site))
            self.cache[f"after_{name}"] = disk_usage(project / "build" / "cache")
        if self.serve:
            _log(f"round {number}: serve")
            self.serve_round((1, 1))

    def serve_round(self, state: State) -> None:
        """6: one fresh server, the pair edit then the title edit, each with a new token;
        afterwards the file is put back to `state`."""
        token = f"{int(time.time() * 1000) % 10**8}"
        name = f"{self.edits.names[0]} Reload{token}"
        title = f"{self.edits.titles[0]} Retitle{token}"
        current = self.edits.titles[state[1]]
        path = self.edits.path
        edits = [Edit("pair", path, self.edits.text(name, current), f"Reload{token}"),
                 Edit("title", path, self.edits.text(name, title), f"Retitle{token}")]
        try:
            result = measure_reloads(self.project, self.page, edits, env=NO_PDF)
        finally:
            self.edits.write(state)
        self.serve_rounds.append(result)
        for edit in result["edits"]:
            self.reloads[edit["label"]].append(edit["reload_seconds"])

    def check(self) -> dict[str, Any]:
        """8: every observed site against a clean build of the same content. Contents no
        cold build started from are recreated and built clean now, untimed, in the same
        project."""
        for _, key, (state, ledger), _ in self.observed:
            if key not in self.references:
                _log(f"reference: clean build of cohort state {state}")
                if self.restore(state, ledger) != key:
                    raise RunFailed("could not recreate the content of an observed build")
                cold_build(self.project)
                self.references[key] = digests(self.project / "site")
        checks = []
        for label, key, _, site in self.observed:
            diff = differences(site, self.references[key])
            checks.append({"step": label, "files": len(site),
                           "mismatched": sum(len(v) for v in diff.values()),
                           **{k: v[:20] for k, v in diff.items()}})
        return {"checks": checks, "mismatched_files": sum(c["mismatched"] for c in checks),
                "clean_references": len(self.references)}


def sweep(work: Path, base: Size, repeat: int, known: dict[int, dict[str, Any]]
          ) -> dict[str, Any]:
    """9: the pair-edit rebuild at 1x and 4x: medians of `repeat`, names alternating."""
    result: dict[str, Any] = {}
    for factor in SIZE_SWEEP:
        size = base.scaled(factor)
        if factor in known:
            result[f"{factor}x"] = {"pages": size.pages, **known[factor]}
            continue
        project = make_project(work / f"sweep-{factor}x")
        write_content(project / "content", size)
        edits = CohortEdits.first(project / "content")
        _log(f"size sweep {factor}x: {size.pages} pages, cold build")
        cold = cold_build(project)
        samples = []
        for number in range(1, repeat + 1):
            edits.write((number % 2, 0))
            samples.append(rebuild(project))
            _log(f"size sweep {factor}x: pair edit {samples[-1].seconds:.1f} s")
        result[f"{factor}x"] = {"pages": size.pages, "cold_seconds": round(cold.seconds, 3),
                                "pair": _summary(samples), "from": "sweep"}
        set_aside(project, project)
    return result


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b else 0.0


def figures_of(runs: dict[str, Any], reloads: dict[str, Any], checked: dict[str, Any],
               swept: dict[str, Any] | None) -> dict[str, float | None]:
    cold = runs["cold"]
    figures: dict[str, float | None] = {
        "cold_over_plain": _ratio(cold["seconds"], runs["plain"]["seconds"]),
        "mismatched_files": checked["mismatched_files"],
        "sweep_pair_4x_over_1x": (_ratio(swept["4x"]["pair"]["seconds"],
                                         swept["1x"]["pair"]["seconds"]) if swept else None)}
    for name in REBUILDS:
        figures[f"{name}_rebuild_seconds"] = runs[name]["seconds"]
        figures[f"{name}_rss_over_cold"] = _ratio(runs[name]["peak_rss_mib"],
                                                  cold["peak_rss_mib"])
    for name in ("pair", "title"):
        figures[f"{name}_reload_seconds"] = reloads[name]["seconds"] if reloads else None
    return figures


def check_targets(figures: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    result = {}
    for name, (op, limit) in TARGETS.items():
        value = figures.get(name)
        met = None if value is None else (value < limit if op == "<" else
                                          value <= limit if op == "<=" else value >= limit)
        result[name] = {"value": value, "target": f"{op} {limit:g}", "met": met}
    return result


def report(data: dict[str, Any]) -> str:
    """Medians side by side, the rebuilds against the cold build, then the targets."""
    size, runs = data["size"], data["runs"]
    lines = [f"Size: {size['programs']} programs, {size['cohorts']} cohorts; "
             f"{data['pages']['html_pages']} HTML pages (expected {size['pages']}), "
             f"median of {data['repeat']}", "",
             f"  {'':<34}{'median s':>10}{'peak MiB':>10}{'x cold':>10}"]
    labels = {"cold": "1 cold build --clean", "plain": "2 plain MkDocs + prune",
              "noop": "3 rebuild, nothing changed", "pair": "4 rebuild after a pair edit",
              "title": "5 rebuild after a title edit"}
    for key, label in labels.items():
        run = runs[key]
        lines.append(f"  {label:<34}{run['seconds']:>10.2f}{run['peak_rss_mib']:>10.0f}"
                     f"{_ratio(run['seconds'], runs['cold']['seconds']):>10.3f}")
    for name, reload in data["reloads"].items():
        lines.append(f"  {'6 serve reload, ' + name + ' edit':<34}{reload['seconds']:>10.2f}")
    cache = data["cache"].get("after_title", {})
    lines.append(f"  build/cache: {cache.get('disk_bytes', 0) / 2**20:.1f} MiB on disk, "
                 f"{cache.get('files', 0)} files (after the title rebuild)")
    checked = data["correctness"]
    lines.append(f"  correctness: {len(checked['checks'])} rebuilds compared with clean builds, "
                 f"{checked['mismatched_files']} files differ")
    for check in checked["checks"]:
        if check["mismatched"]:
            lines.append(f"    MISMATCH {check['step']}: missing {check['missing']}, "
                         f"extra {check['extra']}, different {check['different']}")
    if data["size_sweep"]:
        lines += ["", "Size sweep (pair-edit rebuild):"]
        for factor, row in data["size_sweep"].items():
            lines.append(f"  {factor:>3}: {row['pages']:>6} pages {row['pair']['seconds']:>8.2f} s "
                         f"{row['pair']['peak_rss_mib']:>6.0f} MiB ({row['from']})")
    lines += ["", "Targets:"]
    for name, target in data["targets"].items():
        shown = "skipped" if target["value"] is None else f"{target['value']:.3g}"
        verdict = {True: "met", False: "MISSED", None: "-"}[target["met"]]
        lines.append(f"  {name:<34}{shown:>12}   target {target['target']:<12}{verdict}")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Size()
    for name in ("programs", "cohorts_per_program", "sessions", "topics", "challenges",
                 "modules"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int,
                            default=getattr(default, name))
    parser.add_argument("--scale", type=int, default=1,
                        help="multiply the number of programs (and so cohorts and pages)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--size-sweep", action="store_true",
                        help="also time the pair-edit rebuild at 1x and 4x the size")
    parser.add_argument("--skip-serve", action="store_true",
                        help="skip edit-to-reload in handbook serve")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    args = parser.parse_args(argv)
    if min(args.programs, args.cohorts_per_program, args.sessions, args.scale, args.repeat,
           args.topics, args.challenges) < 1 or args.modules < 3:
        parser.error("sizes and --repeat must be at least 1 (--modules at least 3)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = Size(args.programs, args.cohorts_per_program, args.sessions, args.topics,
                args.challenges, args.modules)
    size = base.scaled(args.scale)
    compile_package()
    work = Path(tempfile.mkdtemp(prefix="handbook-incremental-"))
    started, load = time.perf_counter(), [round(x, 2) for x in os.getloadavg()]
    source = source_state(REPO)
    try:
        rounds = Rounds(work, size, serve=not args.skip_serve)
        for number in range(1, args.repeat + 1):
            rounds.round(number)
        pages = site_stats(rounds.project / "site")
        checked = rounds.check()
        runs = {name: _summary(samples) for name, samples in rounds.runs.items()}
        reloads = ({name: {"seconds": round(statistics.median(v), 3), "samples": v}
                    for name, v in rounds.reloads.items()} if rounds.serve else {})
        figures = figures_of(runs, reloads, checked, None)
        data: dict[str, Any] = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "load_average_at_start": load,
                        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                        "source_at_start": source},
            "size": {"programs": size.programs, "cohorts_per_program": size.cohorts_per_program,
                     "cohorts": size.cohorts, "sessions": size.sessions, "pages": size.pages,
                     "scale": args.scale},
            "repeat": args.repeat, "pages": pages, "edited": rounds.page,
            "warmup_seconds": round(rounds.warmup.seconds, 3), "runs": runs,
            "reloads": reloads, "serve_rounds": rounds.serve_rounds, "cache": rounds.cache,
            "correctness": checked, "size_sweep": None, "figures": figures,
            "targets": check_targets(figures),
            "bench_seconds": round(time.perf_counter() - started, 1),
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        if args.size_sweep:  # written first: the main figures survive a sweep stopped
            known = {args.scale: {"pair": runs["pair"], "from": "main rounds"}}
            data["size_sweep"] = swept = sweep(work, base, args.repeat, known)
            data["figures"] = figures = figures_of(runs, reloads, checked, swept)
            data["targets"] = check_targets(figures)
            data["bench_seconds"] = round(time.perf_counter() - started, 1)
            args.output.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        print(report(data))
        print(f"\nWrote {args.output}")
    finally:
        if args.keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if checked["mismatched_files"]:
        print(f"\nINCORRECT: {checked['mismatched_files']} files of incremental builds differ "
              "from clean builds of the same content", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
