"""Benchmark: how the handbook build scales to an enterprise content set, run by hand.

    .venv/bin/python bench/bench.py [--scale N] [--repeat N] [--skip-full-nav]
                                    [--size-sweep] [--serve] [--serve-shipped]
    .venv/bin/python bench/bench.py --incremental [...]   (bench/incremental.py: issue 17)

Why these four measurements, side by side on the same pages:

(a) our full build (`python -m handbook build`): what `make site` costs;
(b) plain MkDocs + Material with navigation.prune over the same Markdown: the floor any
    MkDocs-based design pays, so (a)/(b) is the price of the generator and the plugin;
(c) the generator stage alone: whether our own code or MkDocs dominates;
(d) MkDocs with Material's default full navigation and every page in the nav: what the site
    would cost without our navigation design (every page would carry every link).

Never a timed unit test: timings depend on the machine. tests/test_bench.py only checks that a
tiny run produces sound figures. Results go to bench/results/bench.json (git-ignored).
"""

from __future__ import annotations

import argparse
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

import yaml

# The helpers live beside this script (bench/ is not a package), also under `python -c`.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from handbook.write.engine_config import read_project_config
from runner import (
    Sample,
    clean_build,
    compile_package,
    measure_reload,
    run_measured,
    set_aside,
    site_stats,
)
from synth import Size, write_content

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "bench" / "results" / "bench.json"
SIZE_SWEEP = (1, 4)
TARGETS = {  # from the issue: what "fast enough for an enterprise handbook" means
    "full_build_seconds": ("<=", 30.0),
    "full_build_over_plain": ("<=", 1.5),
    "full_nav_over_full_build": (">=", 5.0),
    "generator_over_full_build": ("<=", 0.10),
    "peak_rss_mib": ("<=", 1024.0),
}
GENERATE = (
    "import json, pathlib\n"
    "from handbook.pipeline import Project, generate\n"
    "result = generate(Project.at(pathlib.Path('.')))\n"
    "print(json.dumps({'timings': result.timings, 'counts': result.plan.counts}))\n"
)


def make_project(target: Path, content: Path | None = None) -> Path:
    """A project folder like a clone of the repository, with its own content."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    for folder in ("templates", "site_overrides"):
        shutil.copytree(REPO / folder, target / folder, dirs_exist_ok=True)
    if content is not None:
        shutil.copytree(content, target / "content", dirs_exist_ok=True)
    (target / "build" / "docs").mkdir(parents=True, exist_ok=True)
    (target / "build" / "docs" / ".gitkeep").touch()
    return target


def _expand_nav(items: list[Any], docs: Path) -> list[Any]:
    """The generated nav with every page under each cohort (agendas, print page, packs)
    listed beneath the cohort page: Material's default full navigation."""
    result: list[Any] = []
    for item in items:
        if isinstance(item, dict):
            ((title, value),) = item.items()
            if isinstance(value, list):
                result.append({title: _expand_nav(value, docs)})
                continue
            if isinstance(value, str) and value.endswith("/index.md"):
                folder = docs / Path(value).parent
                extra = sorted(p.relative_to(docs).as_posix() for p in folder.glob("*.md")
                               if p.name != "index.md")
                if extra and Path(value).parent.parent.parent.name == "programs":
                    result.append({title: [value, *extra]})
                    continue
        result.append(item)
    return result


def make_plain_project(target: Path, project: Path, full_nav: bool) -> Path:
    """Hand-made Markdown as plain MkDocs + Material would see it: the generated pages copied
    into docs/, a mkdocs.yml without our plugin or theme overrides, and the same nav."""
    docs = project / "build" / "docs"
    shutil.copytree(docs, target / "docs", dirs_exist_ok=True)
    ours = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    # The engine configuration the generator wrote (nav, escaped title, ...).
    generated = read_project_config(project / "build" / "mkdocs.yml", project)
    nav = generated["nav"]
    features = ["navigation.tabs", "navigation.indexes"]
    config: dict[str, Any] = {
        "site_name": generated.get("site_name", ours["site_name"]),
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False,
                  "features": features if full_nav else [*features, "navigation.prune"]},
        "plugins": ["search"],
        # Same Markdown extensions, or (b) would skip work (a) does and flatter the ratio.
        "markdown_extensions": ours.get("markdown_extensions", []),
        "nav": _expand_nav(nav, target / "docs") if full_nav else nav,
    }
    if not full_nav and "not_in_nav" in ours:
        config["not_in_nav"] = ours["not_in_nav"]
    (target / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True,
                                                      sort_keys=False), "utf-8")
    return target


def _summary(samples: list[Sample]) -> dict[str, Any]:
    return {"seconds": round(statistics.median(s.seconds for s in samples), 3),
            "samples": [round(s.seconds, 3) for s in samples],
            "peak_rss_mib": round(max(s.peak_rss_mib for s in samples), 1)}


def _count_pages(docs: Path) -> int:
    return sum(1 for p in docs.rglob("*.md"))


def full_build(project: Path) -> Sample:
    """(a): cold, like a fresh clone: the generator writes every page, MkDocs builds all."""
    clean_build(project)
    return run_measured([sys.executable, "-m", "handbook", "build"], project)


def generator_only(project: Path) -> tuple[Sample, dict[str, Any]]:
    """(c): the same generate() the build runs, writing into an empty docs folder."""
    clean_build(project)
    sample = run_measured([sys.executable, "-c", GENERATE], project)
    return sample, json.loads(sample.stdout.strip().splitlines()[-1])


def mkdocs_build(plain: Path) -> Sample:
    """(b) and (d): plain MkDocs over the copied Markdown."""
    set_aside(plain / "site", plain)
    return run_measured([sys.executable, "-m", "mkdocs", "build", "--quiet"], plain)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def bench_builds(work: Path, size: Size, repeat: int, skip_full_nav: bool) -> dict[str, Any]:
    """Time (a)-(d) in rounds, so slow drift of the machine spreads over all four."""
    project = make_project(work / "project")
    write_content(project / "content", size)
    _log(f"content written: {size}; warm-up build")
    warmup = full_build(project)  # also compiles .pyc files so no timed run pays for it
    docs = project / "build" / "docs"
    pages = _count_pages(docs)
    plain = make_plain_project(work / "plain", project, full_nav=False)
    fullnav = None if skip_full_nav else make_plain_project(work / "fullnav", project, True)
    runs: dict[str, list[Sample]] = {"full_build": [], "plain_mkdocs_prune": [],
                                     "generator": [], "full_nav": []}
    stages: list[dict[str, float]] = []
    counts: dict[str, int] = {}
    steps: list[tuple[str, Callable[[], Sample]]] = [
        ("full_build", lambda: full_build(project)),
        ("plain_mkdocs_prune", lambda: mkdocs_build(plain)),
    ]
    if fullnav is not None:
        steps.append(("full_nav", lambda: mkdocs_build(fullnav)))
    for round_number in range(1, repeat + 1):
        for name, step in steps:
            _log(f"round {round_number}/{repeat}: {name}")
            runs[name].append(step())
        _log(f"round {round_number}/{repeat}: generator")
        sample, report = generator_only(project)
        runs["generator"].append(sample)
        stages.append(report["timings"])
        counts = report["counts"]
    full_build(project)  # leave (a)'s site in place for its size figures
    results: dict[str, Any] = {name: _summary(samples) if samples else None
                               for name, samples in runs.items()}
    results["generator"]["stages"] = {
        stage: round(statistics.median(s[stage] for s in stages), 3) for stage in stages[0]}
    results["full_build"]["site"] = site_stats(project / "site")
    results["plain_mkdocs_prune"]["site"] = site_stats(plain / "site")
    if fullnav is not None:
        results["full_nav"]["site"] = site_stats(fullnav / "site")
    return {
        "pages": {"expected": size.pages, "generated": counts.get("pages", 0),
                  "markdown_files": pages,
                  "html_pages": results["full_build"]["site"]["html_pages"]},
        "counts": counts,
        "warmup_seconds": round(warmup.seconds, 3),
        "runs": results,
        "project": project,
    }


def ratios(runs: dict[str, Any]) -> dict[str, float | None]:
    full = runs["full_build"]["seconds"]
    return {
        "full_build_over_plain": round(full / runs["plain_mkdocs_prune"]["seconds"], 3),
        "full_nav_over_full_build": (round(runs["full_nav"]["seconds"] / full, 3)
                                     if runs["full_nav"] else None),
        "generator_over_full_build": round(runs["generator"]["seconds"] / full, 3),
    }


def check_targets(figures: dict[str, float | None]) -> dict[str, dict[str, Any]]:
    result = {}
    for name, (op, limit) in TARGETS.items():
        value = figures.get(name)
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        result[name] = {"value": value, "target": f"{op} {limit:g}", "met": met}
    return result


def size_sweep(work: Path, base: Size) -> dict[str, Any]:
    """(a) once at 1x and 4x: does each page stay the same size as the site grows?"""
    sweep: dict[str, Any] = {}
    for factor in SIZE_SWEEP:
        size = base.scaled(factor)
        project = make_project(work / f"sweep-{factor}x")
        write_content(project / "content", size)
        _log(f"size sweep {factor}x: {size.pages} pages")
        sample = full_build(project)
        stats = site_stats(project / "site")
        sweep[f"{factor}x"] = {"programs": size.programs, "cohorts": size.cohorts,
                               "pages": size.pages, "seconds": round(sample.seconds, 3),
                               "peak_rss_mib": round(sample.peak_rss_mib, 1), **stats}
        set_aside(project, project)
    return sweep


def bench_serve(project: Path, cohort_file: Path, page: str) -> dict[str, Any]:
    clean_build(project)
    return measure_reload(project, cohort_file, page)


def shipped_serve(work: Path, repeat: int) -> dict[str, Any]:
    """Edit-to-reload on the shipped content: the median of `repeat` fresh servers (it takes
    seconds, so one sample would be at the mercy of whatever else the machine does)."""
    samples = []
    for number in range(max(1, repeat)):
        project = make_project(work / f"shipped-{number}", REPO / "content")
        cohort = sorted((project / "content" / "programs").glob("*/cohorts/*.yml"))[0]
        page = f"programs/{cohort.parent.parent.name}/{cohort.stem}"
        samples.append(measure_reload(project, cohort, page))
    middle = sorted(samples, key=lambda s: s["reload_seconds"])[len(samples) // 2]
    return {**middle, "reload_samples": [s["reload_seconds"] for s in samples]}


def _fmt_target(name: str, target: dict[str, Any], unit: str = "") -> str:
    value = target["value"]
    shown = "skipped" if value is None else f"{value:.3g}{unit}"
    verdict = {True: "met", False: "MISSED", None: "-"}[target["met"]]
    wanted = f"target {target['target']}{unit}"
    return f"  {name:<34}{shown:>12}   {wanted:<20}{verdict}"


def report(data: dict[str, Any]) -> str:
    """The figures as a reader wants them: medians side by side, then the targets."""
    runs = data["runs"]
    lines = [f"Size: {data['size']['programs']} programs, {data['size']['cohorts']} cohorts, "
             f"{data['size']['sessions']} sessions each; {data['pages']['generated']} pages "
             f"(expected {data['pages']['expected']}), median of {data['repeat']}", ""]
    lines.append(f"  {'':<34}{'median s':>10}{'peak MiB':>10}{'site MiB':>10}"
                 f"{'B/page':>10}")
    labels = {"full_build": "(a) handbook build",
              "plain_mkdocs_prune": "(b) plain MkDocs + prune",
              "generator": "(c) generator stage", "full_nav": "(d) MkDocs full navigation"}
    for key, label in labels.items():
        run = runs.get(key)
        if run is None:
            lines.append(f"  {label:<34}{'skipped':>10}")
            continue
        site = run.get("site", {})
        size = f"{site['site_bytes'] / 2**20:.1f}" if site else ""
        per_page = f"{site['bytes_per_html_page']:,}" if site else ""
        lines.append(f"  {label:<34}{run['seconds']:>10.2f}{run['peak_rss_mib']:>10.0f}"
                     f"{size:>10}{per_page:>10}")
    stages = runs["generator"].get("stages", {})
    lines.append("  generator stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    lines += ["", "Targets:"]
    units = {"full_build_seconds": " s", "peak_rss_mib": " MiB"}
    lines += [_fmt_target(name, t, units.get(name, "")) for name, t in data["targets"].items()]
    if data.get("size_sweep"):
        lines += ["", "Size sweep (a):"]
        for factor, row in data["size_sweep"].items():
            lines.append(f"  {factor:>3}: {row['pages']:>6} pages {row['seconds']:>8.1f} s "
                         f"{row['peak_rss_mib']:>6.0f} MiB  {row['bytes_per_html_page']:>9,} "
                         f"B/HTML page  {row['site_bytes_per_page']:>9,} site B/page")
    for key, label in (("serve", "bench set"), ("serve_shipped", "shipped content")):
        if data.get(key):
            s = data[key]
            lines.append(f"Edit-to-reload ({label}): {s['reload_seconds']:.1f} s "
                         f"(server start {s['startup_seconds']:.1f} s, "
                         f"{s['rebuilds_after_edit']} rebuild(s), quiet after "
                         f"{s['settled_seconds']:.1f} s)")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    default = Size()
    parser.add_argument("--programs", type=int, default=default.programs)
    parser.add_argument("--cohorts-per-program", type=int, default=default.cohorts_per_program)
    parser.add_argument("--sessions", type=int, default=default.sessions)
    parser.add_argument("--scale", type=int, default=1,
                        help="multiply the number of programs (and so cohorts and pages)")
    parser.add_argument("--topics", type=int, default=default.topics)
    parser.add_argument("--challenges", type=int, default=default.challenges)
    parser.add_argument("--modules", type=int, default=default.modules)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--skip-full-nav", action="store_true",
                        help="skip (d), MkDocs with the full navigation (slow when large)")
    parser.add_argument("--size-sweep", action="store_true",
                        help="also build at 1x and 4x the size and compare bytes per page")
    parser.add_argument("--serve", action="store_true",
                        help="measure edit-to-reload of handbook serve on the bench set")
    parser.add_argument("--serve-shipped", action="store_true",
                        help="measure edit-to-reload of handbook serve on the shipped content")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument("--incremental", action="store_true",
                        help="run bench/incremental.py instead, with the other options "
                             "(see its --help)")
    args = parser.parse_args(argv)
    if min(args.programs, args.cohorts_per_program, args.sessions, args.scale, args.repeat,
           args.topics, args.challenges) < 1 or args.modules < 3:
        parser.error("sizes and --repeat must be at least 1 (--modules at least 3)")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--incremental" in argv:  # its own options (--skip-serve, ...) are not ours
        import incremental

        return incremental.main([arg for arg in argv if arg != "--incremental"])
    args = parse_args(argv)
    base = Size(args.programs, args.cohorts_per_program, args.sessions, args.topics,
                args.challenges, args.modules)
    size = base.scaled(args.scale)
    compile_package()
    work = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    started = time.perf_counter()
    load = [round(x, 2) for x in os.getloadavg()]
    try:
        builds = bench_builds(work, size, args.repeat, args.skip_full_nav)
        project: Path = builds.pop("project")
        runs = builds["runs"]
        figures: dict[str, float | None] = {
            "full_build_seconds": runs["full_build"]["seconds"],
            "peak_rss_mib": runs["full_build"]["peak_rss_mib"], **ratios(runs)}
        data: dict[str, Any] = {
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            # Other work on the machine slows every run: the load average says how much.
            "machine": {"python": platform.python_version(), "platform": platform.platform(),
                        "cpus": os.cpu_count(), "load_average_at_start": load},
            "size": {"programs": size.programs, "cohorts_per_program": size.cohorts_per_program,
                     "cohorts": size.cohorts, "sessions": size.sessions, "topics": size.topics,
                     "challenges": size.challenges, "modules": size.modules,
                     "scale": args.scale},
            "repeat": args.repeat,
            **builds,
            "ratios": ratios(runs),
            "targets": check_targets(figures),
            "size_sweep": size_sweep(work, base) if args.size_sweep else None,
            "serve": None,
            "serve_shipped": None,
        }
        if args.serve:
            _log("edit-to-reload on the bench set")
            first = sorted((project / "content" / "programs").glob("*/cohorts/*.yml"))[0]
            data["serve"] = bench_serve(
                project, first, f"programs/{first.parent.parent.name}/{first.stem}")
        if args.serve_shipped:
            _log("edit-to-reload on the shipped content")
            data["serve_shipped"] = shipped_serve(work, args.repeat)
        data["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        data["bench_seconds"] = round(time.perf_counter() - started, 1)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
        print(report(data))
        print(f"\nWrote {args.output}")
    finally:
        if args.keep:
            _log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
