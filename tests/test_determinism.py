"""Same content, same bytes: whatever the clock or the order files sit on disk."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from conftest import REPO, handbook, make_project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical_search_index_included(tmp_path: Path) -> None:
    first = make_project(tmp_path / "first")
    # The second project gets its content files created in the opposite order.
    second = make_project(tmp_path / "second", content=REPO / "content")
    shutil.rmtree(second / "content")
    files = sorted((REPO / "content").rglob("*.yml"), reverse=True)
    for path in files:
        target = second / "content" / path.relative_to(REPO / "content")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    env_before = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        assert handbook("build", cwd=first).returncode == 0
        time.sleep(1.1)  # a different wall-clock second
        assert handbook("build", cwd=second).returncode == 0
    finally:
        if env_before is not None:
            os.environ["SOURCE_DATE_EPOCH"] = env_before
    a, b = tree(first / "site"), tree(second / "site")
    assert "search/search_index.json" in a and "sitemap.xml.gz" in a
    assert sorted(a) == sorted(b)
    different = [name for name in a if a[name] != b[name]]
    assert different == []
