"""The benchmark still runs and reports sound figures (at a tiny size; no timing asserts).

bench/bench.py is run by hand, so nothing else would notice it breaking when the content
schema or the page layout changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO

PROGRAMS, COHORTS, SESSIONS = 1, 2, 3
TOPICS, CHALLENGES, MODULES = 30, 10, 15  # the benchmark's shared library


def expected_pages() -> int:
    """Home and four section pages; per program its handbook and three curricula; per cohort
    its page, print page, three packs and one agenda per session; one page per library item."""
    return (5 + PROGRAMS * 4 + PROGRAMS * COHORTS * (5 + SESSIONS)
            + TOPICS + CHALLENGES + MODULES)


def test_tiny_bench_reports_every_figure(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench.py"), "--programs", str(PROGRAMS),
         "--cohorts-per-program", str(COHORTS), "--sessions", str(SESSIONS), "--repeat", "1",
         "--skip-full-nav", "--output", str(output)],
        capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(output.read_text("utf-8"))

    pages = data["pages"]
    assert pages["expected"] == expected_pages()
    assert pages["generated"] == pages["markdown_files"] == pages["html_pages"] == pages["expected"]

    runs = data["runs"]
    assert runs["full_nav"] is None
    for name in ("full_build", "plain_mkdocs_prune", "generator"):
        assert runs[name]["seconds"] > 0, name
        assert runs[name]["peak_rss_mib"] > 0, name
        assert len(runs[name]["samples"]) == 1, name
    for name in ("full_build", "plain_mkdocs_prune"):
        site = runs[name]["site"]
        assert site["html_pages"] == expected_pages(), name
        assert site["bytes_per_html_page"] > 0 and site["search_index_bytes"] > 0, name
    assert set(runs["generator"]["stages"]) >= {"load", "validate", "plan", "render", "write"}

    assert data["ratios"]["full_build_over_plain"] > 0
    assert data["ratios"]["generator_over_full_build"] > 0
    assert data["ratios"]["full_nav_over_full_build"] is None
    assert set(data["targets"]) == {"full_build_seconds", "full_build_over_plain",
                                    "full_nav_over_full_build", "generator_over_full_build",
                                    "peak_rss_mib"}
    assert data["targets"]["full_nav_over_full_build"]["met"] is None
    assert "(a) handbook build" in done.stdout


def test_tiny_incremental_bench_reports_every_figure(tmp_path: Path) -> None:
    """bench/incremental.py end to end through bench.py --incremental: every step measured,
    every rebuild compared with a clean build. Whether the rebuilds are correct is the cache's
    business (tests/test_incremental.py): exit 1 with an INCORRECT line is a sound run too."""
    output = tmp_path / "incremental.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench.py"), "--incremental", "--programs", "1",
         "--cohorts-per-program", "1", "--sessions", "2", "--topics", "2", "--challenges", "1",
         "--modules", "3", "--repeat", "1", "--output", str(output)],
        capture_output=True, text=True, check=False, timeout=600)
    data = json.loads(output.read_text("utf-8"))
    checked = data["correctness"]
    assert done.returncode == (1 if checked["mismatched_files"] else 0), done.stderr
    assert ("INCORRECT" in done.stderr) == bool(checked["mismatched_files"])

    assert data["pages"]["html_pages"] == data["size"]["pages"]
    for name in ("cold", "plain", "noop", "pair", "title"):
        run = data["runs"][name]
        assert run["seconds"] > 0 and run["peak_rss_mib"] > 0 and len(run["samples"]) == 1
    for name in ("pair", "title"):
        assert data["reloads"][name]["seconds"] > 0
    (served,) = data["serve_rounds"]
    assert [edit["label"] for edit in served["edits"]] == ["pair", "title"]
    assert all(edit["rebuilds_after_edit"] >= 1 for edit in served["edits"])

    # The three rebuilds, each against a clean build of the content it started from: the
    # cold build for the unchanged content, one more clean build per edit.
    assert [c["step"] for c in checked["checks"]] == ["round 1 noop", "round 1 pair",
                                                      "round 1 title"]
    assert all(c["files"] > data["pages"]["html_pages"] for c in checked["checks"])
    assert checked["clean_references"] == 3
    assert checked["mismatched_files"] == sum(c["mismatched"] for c in checked["checks"])
    assert data["cache"]["after_title"]["disk_bytes"] >= data["cache"]["after_title"]["bytes"]

    figures = data["figures"]
    assert figures["cold_over_plain"] > 0 and figures["sweep_pair_4x_over_1x"] is None
    assert set(data["targets"]) == set(figures)
    assert data["targets"]["sweep_pair_4x_over_1x"]["met"] is None
    assert data["targets"]["mismatched_files"]["met"] == (checked["mismatched_files"] == 0)
    assert "4 rebuild after a pair edit" in done.stdout
