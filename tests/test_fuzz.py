"""Property: any program or cohort file either passes `handbook check` or yields located
errors; never a traceback, never a hang.

300 documents by default, 10,000 in CI (`.ci/run` sets HANDBOOK_FUZZ_EXAMPLES): 60% are
the fixture files mutated line by line, 40% are YAML documents generated from scratch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from conftest import FIXTURES, REPO
from handbook.errors import HandbookError
from handbook.pipeline import Project, prepare
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TOTAL = int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", "300"))
MINI = FIXTURES / "mini" / "content"
TARGETS = {"program": "programs/pilot/program.yml", "cohort": "programs/pilot/cohorts/first.yml"}
NASTY = ["NO", "off", "yes", "1.10", "2027-02-30", "2027-13-01", "0000-01-01", "9999-12-31",
         "~", "", "[", "]", "{a: b}", "- x", '"open', "*alias", "&anchor x", "!!python/tuple [1]",
         "<script>alert(1)</script>", "-1", "0", "1e999", "99999999999999999999", "\t",
         "Europe/Nowhere", "every 0 weeks", "monthly", "25:99", "javascript:alert(1)", "..",
         "../x", "a" * 300, "ü", "\u202e", "?", ": x", "#", "|", ">"]

scalars = st.one_of(st.sampled_from(NASTY), st.text(max_size=20), st.integers(-5, 10**6))
mutation = st.tuples(st.sampled_from(["delete", "duplicate", "value", "indent", "dedent",
                                      "insert", "truncate"]),
                     st.integers(0, 10**6), scalars)
leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12),
                 st.sampled_from(NASTY), st.dates())
keys = st.one_of(st.sampled_from(["title", "schedule", "start", "cadence", "pairs", "agenda",
                                  "meeting_plan", "minutes", "id", "topics", "format",
                                  "coordinator", "objectives", "kpis", "weekday"]),
                 st.text(min_size=1, max_size=8))
documents = st.recursive(leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)), max_leaves=25)


def mutate(text: str, mutations: list[tuple[str, int, object]]) -> str:
    lines = text.splitlines()
    for kind, where, value in mutations:
        if not lines:
            break
        i = where % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "value" and ":" in lines[i]:
            lines[i] = lines[i].split(":", 1)[0] + f": {value}"
        elif kind == "indent":
            lines[i] = "  " + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].removeprefix("  ")
        elif kind == "insert":
            lines.insert(i, f"{str(value)[:10] or 'x'}: {value}")
        elif kind == "truncate":
            lines = lines[: i + 1]
    return "\n".join(lines) + "\n"


class Workspace:
    """One project copy reused by every example: only the target file changes."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="handbook-fuzz-"))
        shutil.copytree(MINI, self.root / "content")
        self.project = Project(self.root, self.root / "content", REPO / "templates",
                               self.root / "build/docs")
        prepare(self.project)  # warm up imports and templates: deadlines time documents only

    def check(self, target: str, text: str) -> None:
        original = (MINI / target).read_text("utf-8")
        (self.root / "content" / target).write_text(text, "utf-8")
        try:
            prepare(self.project)
        except HandbookError as error:
            assert error.errors
            for found in error.errors:
                assert found.file.startswith("content/"), found
                located = found.line is not None or "file" in found.message
                assert located, f"unlocated: {found.format()}\n--- document:\n{text}"
                assert found.message
        finally:
            (self.root / "content" / target).write_text(original, "utf-8")


WORKSPACE = Workspace()


@settings(max_examples=TOTAL * 6 // 10, deadline=2000, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(TARGETS)), mutations=st.lists(mutation, min_size=1,
                                                                  max_size=4))
def test_mutated_documents_pass_or_fail_with_located_errors(
        kind: str, mutations: list[tuple[str, int, object]]) -> None:
    target = TARGETS[kind]
    WORKSPACE.check(target, mutate((MINI / target).read_text("utf-8"), mutations))


@settings(max_examples=TOTAL - TOTAL * 6 // 10, deadline=2000, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(TARGETS)), document=documents)
def test_generated_documents_pass_or_fail_with_located_errors(kind: str,
                                                              document: object) -> None:
    WORKSPACE.check(TARGETS[kind], yaml.safe_dump(document, allow_unicode=True))
