"""A changed meeting must win in a calendar app that already has the old one.

Calendar apps (and RFC 5546) replace an event they hold only when the new copy has the same UID
and a higher SEQUENCE, or the same SEQUENCE and a newer DTSTAMP. These tests build a site,
change a meeting, build again and import the new file over the old one with an independent
reader (vobject), modelling that rule; and they hold unchanged content to byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import vobject
from conftest import FIXTURES, make_project
from handbook.errors import HandbookError
from handbook.pipeline import Project, generate, prepare

COHORT = "content/programs/pilot/cohorts/first.yml"
LEDGER = "content/calendar-revisions.yml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", FIXTURES / "mini" / "content")


def build(root: Path) -> dict[str, bytes]:
    """Generate, and return every .ics file by path."""
    generate(Project.at(root))
    docs = root / "build/docs"
    return {str(p.relative_to(docs)): p.read_bytes() for p in sorted(docs.rglob("*.ics"))}


def edit(root: Path, old: str, new: str) -> None:
    path = root / COHORT
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


class Client:
    """A calendar app's store: one event per UID; an import replaces an event only when it is
    a newer revision (higher SEQUENCE, or the same SEQUENCE and a newer DTSTAMP)."""

    def __init__(self) -> None:
        self.events: dict[str, vobject.base.Component] = {}

    def import_ics(self, data: bytes) -> None:
        for event in vobject.readOne(data.decode("utf-8")).vevent_list:
            uid = event.uid.value
            held = self.events.get(uid)
            if held is None or self._revision(event) > self._revision(held):
                self.events[uid] = event

    @staticmethod
    def _revision(event: vobject.base.Component) -> tuple[int, dt.datetime]:
        sequence = int(event.sequence.value) if hasattr(event, "sequence") else 0
        return sequence, event.dtstamp.value

    def starts(self) -> dict[str, dt.datetime]:
        return {uid: e.dtstart.value for uid, e in self.events.items()}


def cohort_file(files: dict[str, bytes]) -> bytes:
    [data] = [d for p, d in files.items() if p.endswith("/first.ics")]
    return data


def test_a_changed_meeting_time_wins_over_the_old_import(root: Path) -> None:
    before = build(root)
    edit(root, 'time: "16:00"', 'time: "17:30"')
    after = build(root)
    client = Client()
    client.import_ics(cohort_file(before))
    client.import_ics(cohort_file(after))
    starts = client.starts()
    assert len(starts) == 2
    assert {(s.hour, s.minute) for s in starts.values()} == {(17, 30)}
    # The same holds for each meeting's own file.
    for path, data in after.items():
        one = Client()
        one.import_ics(before[path])
        one.import_ics(data)
        assert {(s.hour, s.minute) for s in one.starts().values()} == {(17, 30)}, path


def test_a_moved_meeting_wins_and_only_it_changes(root: Path) -> None:
    before = build(root)
    # The second meeting (Monday 2027-04-12) moves to the next working day.
    edit(root, "  time_zone: Europe/London\n",
         "  time_zone: Europe/London\n  blackouts:\n"
         "    - {start: 2027-04-12, reason: Offsite}\n")
    after = build(root)
    changed = sorted(p for p in after if after[p] != before.get(p))
    meeting_files = [p for p in changed if not p.endswith("/first.ics")]
    assert len(meeting_files) == 1 and "/02-" in meeting_files[0], changed
    client = Client()
    client.import_ics(cohort_file(before))
    client.import_ics(cohort_file(after))
    assert dt.date(2027, 4, 13) in {s.date() for s in client.starts().values()}
    assert dt.date(2027, 4, 12) not in {s.date() for s in client.starts().values()}


def test_changing_back_still_counts_as_a_change(root: Path) -> None:
    """A stateless hash of the content could not do this: 16:00 -> 17:30 -> 16:00 must give
    the last version the highest revision, not the first one's."""
    first = build(root)
    edit(root, 'time: "16:00"', 'time: "17:30"')
    second = build(root)
    edit(root, 'time: "17:30"', 'time: "16:00"')
    third = build(root)
    client = Client()
    for files in (first, second, third):
        client.import_ics(cohort_file(files))
    assert {(s.hour, s.minute) for s in client.starts().values()} == {(16, 0)}
    assert b"SEQUENCE:2\r\n" in cohort_file(third)


def test_unchanged_content_gives_byte_identical_calendars(root: Path) -> None:
    first = build(root)
    assert build(root) == first
    edit(root, 'time: "16:00"', 'time: "17:30"')
    changed = build(root)
    ledger = (root / LEDGER).read_bytes()
    # The stamp of the change was recorded, so the next build does not move it again.
    assert build(root) == changed
    assert (root / LEDGER).read_bytes() == ledger
    # A fresh clone with the committed ledger builds the same calendars.
    clone = make_project(root.parent / "clone", FIXTURES / "mini" / "content")
    shutil.copy(root / COHORT, clone / COHORT)
    shutil.copy(root / LEDGER, clone / LEDGER)
    assert build(clone) == changed


def test_a_ledger_not_yet_committed_gives_the_same_bytes_whenever_built(root: Path) -> None:
    """The change is stamped from the ledger, not the clock: two clones holding the changed
    content and the old ledger build the same calendars, even a second apart."""
    build(root)
    ledger = root / LEDGER  # published long ago
    ledger.write_text(re.sub(r"stamp: [0-9TZ:-]+", "stamp: 2020-01-01T00:00:00Z",
                             ledger.read_text("utf-8")), "utf-8")
    edit(root, 'time: "16:00"', 'time: "17:30"')
    built = []
    for name in ("a", "b"):
        clone = make_project(root.parent / name, FIXTURES / "mini" / "content")
        shutil.copy(root / COHORT, clone / COHORT)
        shutil.copy(root / LEDGER, clone / LEDGER)
        built.append(build(clone))
        time.sleep(1.1)
    assert built[0] == built[1]
    data = cohort_file(built[0])
    assert data.count(b"SEQUENCE:1\r\n") == data.count(b"DTSTAMP:20200101T000001Z\r\n") == 2


def test_a_first_build_keeps_the_content_stamp_and_sequence_zero(root: Path) -> None:
    data = cohort_file(build(root))
    assert b"DTSTAMP:20270324T000000Z\r\n" in data  # the cohort's start date, as before
    assert data.count(b"SEQUENCE:0\r\n") == data.count(b"BEGIN:VEVENT")


def test_check_writes_no_ledger(root: Path) -> None:
    prepare(Project.at(root))
    assert not (root / LEDGER).exists()


def test_a_preview_records_no_revision(root: Path) -> None:
    """What `handbook serve` and the plugin under `mkdocs serve` run: a half-typed edit in the
    preview bumps no SEQUENCE, and no ledger lands in the watched content folder."""
    build(root)
    ledger = (root / LEDGER).read_bytes()
    edit(root, "time: \"16:00\"", "time: \"17:30\"")
    generate(Project.at(root), record_revisions=False)
    assert (root / LEDGER).read_bytes() == ledger
    build(root)  # the next build publishes the change and records it
    assert (root / LEDGER).read_bytes() != ledger


@pytest.mark.parametrize("text, phrase", [
    ("pilot.first.kick-off@handbook: {sequence: one, stamp: 2027-03-24T00:00:00Z,"
     " fingerprint: abc}\n", "sequence"),
    ("pilot.first.kick-off@handbook: {sequence: 1, stamp: yesterday, fingerprint: abc}\n",
     "stamp"),
    ("pilot.first.kick-off@handbook: [1, 2]\n", "pilot.first.kick-off@handbook"),
    ("pilot.first.kick-off@handbook: {sequence: 1\n", "YAML"),
])
def test_a_corrupt_ledger_is_a_located_error(root: Path, text: str, phrase: str) -> None:
    (root / LEDGER).write_text("# calendar revisions\n" + text, "utf-8")
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    [error] = caught.value.errors
    assert error.file == LEDGER and error.line is not None and error.line >= 2
    assert phrase in error.format()
    assert error.hint


# --- adversarial pass on issue 13: values out of range are located errors, in check and build


UID = "pilot.first.start@handbook"
OUT_OF_RANGE = [
    ("sequence: 2147483647", "sequence"),  # RFC 5545's largest: no room for the next revision
    ("sequence: 99999999999999999999", "sequence"),
    ("sequence: " + "9" * 5000, "sequence"),  # longer than Python turns into a number
    ("sequence: ²", "sequence"),  # a digit to str.isdigit, not to int()
    ("sequence: ٣", "sequence"),  # an Arabic-Indic three: a number, but not as the file writes
    ("stamp: 9999-12-31T23:59:59Z", "stamp"),
    ("stamp: 2100-01-01T00:00:00Z", "stamp"),
    ("stamp: 1999-12-31T23:59:59Z", "stamp"),
    ("stamp: ２０２７-03-24T00:00:00Z", "stamp"),  # full-width digits
]


def ledger_entry(change: str) -> str:
    fields = {"sequence": "sequence: 3", "stamp": "stamp: 2027-03-24T00:00:00Z"}
    key = change.split(":", 1)[0]
    fields[key] = change
    # A fingerprint that differs from the content's: the build raises sequence and stamp.
    return f"{UID}: {{{fields['sequence']}, {fields['stamp']}, fingerprint: abc}}\n"


@pytest.mark.parametrize("stage", [prepare, generate], ids=["check", "build"])
@pytest.mark.parametrize("change, field", OUT_OF_RANGE)
def test_a_ledger_value_out_of_range_is_a_located_error(
        root: Path, stage: Callable[[Project], object], change: str, field: str) -> None:
    (root / LEDGER).write_text("# calendar revisions\n" + ledger_entry(change), "utf-8")
    with pytest.raises(HandbookError) as caught:
        stage(Project.at(root))
    [error] = caught.value.errors
    assert error.file == LEDGER and error.line == 2, error.format()
    assert field in error.format() and error.hint, error.format()


def test_the_last_values_in_range_still_build(root: Path) -> None:
    (root / LEDGER).write_text(
        "# calendar revisions\n" + ledger_entry("sequence: 2147483646").replace(
            "2027-03-24T00:00:00Z", "2099-12-31T23:59:59Z"), "utf-8")
    data = cohort_file(build(root))
    assert b"SEQUENCE:2147483647\r\n" in data
    assert b"DTSTAMP:21000101T000000Z\r\n" in data
