"""Ticks of one site stay in that site (review of issue 20): two handbooks on one host (an
internal and a public edition, or two organisations' handbooks on one intranet or Pages host)
share the browser's localStorage, and their meeting pages have the same paths; a tick in one
showed in the other and its clear button cleared both. Keys now start with the site's root
path, as Material scopes its own (`__md_scope`)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from browser import serve
from conftest import FIXTURES, handbook, make_project
from test_meeting_browser import LONDON, _boxes, _tick, reader

pytestmark = pytest.mark.browser


def test_two_sites_on_one_host_keep_their_own_ticks(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    assert handbook("build", "--no-pdf", cwd=root).returncode == 0
    host = tmp_path / "host"
    for name in ("internal", "public"):
        shutil.copytree(root / "site", host / name)
    agenda = "programs/pilot/first/01-start/"
    with serve(host) as base, \
            reader(base, dt.datetime(2027, 3, 20, 9, 0, tzinfo=LONDON)) as (page, _watch, _asked):
        page.goto(base + "internal/" + agenda)
        _tick(_boxes(page, "Prepare").first)
        page.goto(base + "public/" + agenda)
        assert not _boxes(page, "Prepare").first.is_checked()
        page.goto(base + "internal/" + agenda)
        assert _boxes(page, "Prepare").first.is_checked()
