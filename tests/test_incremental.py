"""Property (issue 17): the build cache is never wrong.

Random sequences of edits (tests/incremental_edits.py: content YAML, template and theme
overrides, mkdocs.yml, files added and deleted, languages, no change) are applied to a
`handbook init` project; after each step `handbook build` (incremental, with the cache in
build/) must write a site/ byte-identical, every file, to `handbook build --clean` in a fresh
copy of the project without build/. A corrupted or foreign-version cache is ignored: the next
build is still identical and exits 0 without a traceback; so is one after a whole, valid cache
of another state of the project is put in build/ (a backup, a colleague's copy). And the
comparison itself is shown to fail on a tampered page, a missing or extra file and a stale
site, so the property is not vacuous while every build is a full one.

Builds are real processes (`handbook build` starts the engine and handles signals). A clean
build is made once per distinct set of inputs and reused. Budget: about 90 s locally; under
CI=true more (about 3 to 4 minutes). HANDBOOK_INCREMENTAL_EXAMPLES overrides the number of
edit sequences.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import handbook
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from incremental_edits import EDITS, make_starter

CI = os.environ.get("CI") == "true"
# Random sequences; under CI one more, explicit: every edit once (see every_edit_once).
EXAMPLES = int(os.environ.get("HANDBOOK_INCREMENTAL_EXAMPLES", "2" if CI else "1"))
STEPS = 5 if CI else 3            # builds per sequence
EDITS_PER_STEP = (1, 3)           # edits saved between two builds


# --- comparing sites --------------------------------------------------------------------------

def is_output(name: str) -> bool:
    """A top-level entry of a project that builds write (the project .gitignore of `handbook
    init` lists them): never hashed, never copied to a clean copy."""
    return name in ("build", "site") or name.startswith(".site-")  # .site-*: publish's


def input_files(root: Path) -> dict[str, bytes]:
    """Every file of the project but what builds write (the calendar ledger is one of these
    files: the build reads it and writes it)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if not is_output(p.relative_to(root).parts[0]) and p.is_file()}


def inputs_digest(root: Path) -> str:
    """A hash of every input file of the project (input_files)."""
    digest = hashlib.sha256()
    for name, data in input_files(root).items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def copy_inputs(root: Path, target: Path) -> Path:
    """A fresh copy of the project without its build/ (cache), site/ and staging folders."""
    shutil.copytree(root, target, ignore=lambda folder, names: [
        n for n in names if Path(folder) == root and is_output(n)])
    return target


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}


def _folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def _first_difference(a: bytes, b: bytes) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
              min(len(a), len(b)))
    around = slice(max(0, at - 60), at + 60)
    return (f"{len(a)} vs {len(b)} bytes, first difference at byte {at}: "
            f"{a[around]!r} vs {b[around]!r}")


def site_differences(built: Path, clean: Path) -> list[str]:
    """Every way the site `built` differs from `clean`, byte for byte, one line each; empty
    when they are the same tree of the same files."""
    mine, theirs = _files(built), _files(clean)
    found = [f"only in the incremental site: {n}" for n in sorted(mine.keys() - theirs.keys())]
    found += [f"only in the clean site: {n}" for n in sorted(theirs.keys() - mine.keys())]
    # A folder left empty (a deleted cohort's) is a difference too: a clean build has none.
    folders, their_folders = _folders(built), _folders(clean)
    found += [f"folder only in the incremental site: {n}/"
              for n in sorted(folders - their_folders)]
    found += [f"folder only in the clean site: {n}/" for n in sorted(their_folders - folders)]
    for name in sorted(mine.keys() & theirs.keys()):
        a, b = mine[name].read_bytes(), theirs[name].read_bytes()
        if a != b:
            found.append(f"differs: {name} ({_first_difference(a, b)})")
    return found


def build(root: Path, *args: str) -> None:
    """`handbook build` in `root`: it must succeed, and print no traceback."""
    done = handbook("build", *args, cwd=root)
    assert done.returncode == 0 and "Traceback" not in done.stderr, (
        f"handbook build {' '.join(args)} in {root} failed:\n{done.stdout}\n{done.stderr}")


class CleanBuilds:
    """Clean builds of a project's inputs, made once per distinct inputs: a fresh copy without
    build/ or site/, built with `handbook build --clean`.

    Take the reference *before* the incremental build: `handbook build` also writes into the
    project (the calendar ledger, content/calendar-revisions.yml), so the inputs after it are
    not the ones it built from."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.copies: dict[str, Path] = {}

    def reference(self, root: Path) -> Path:
        """The built clean copy of `root` as it is now (its root folder)."""
        key = inputs_digest(root)
        if key not in self.copies:
            copy = copy_inputs(root, self.folder / f"clean-{len(self.copies)}")
            build(copy, "--clean")
            self.copies[key] = copy
        return self.copies[key]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A new folder name for each project copy a test makes (hypothesis examples included)."""
    folder = tmp_path_factory.mktemp("incremental")
    counter = itertools.count()
    return lambda name: folder / f"{name}-{next(counter)}"


@pytest.fixture(scope="module")
def clean_builds(tmp_path_factory: pytest.TempPathFactory) -> CleanBuilds:
    return CleanBuilds(tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def starter(workspace: Callable[[str], Path]) -> Path:
    """A `handbook init` project (as of a fixed day) with a second cohort and a second topic
    (so that the first delete_cohort and delete_topic of a sequence have something to delete),
    built once: its build/ holds a warm cache for the copies the tests make."""
    root = make_starter(workspace("starter"))
    EDITS["add_cohort"](root, random.Random(0))
    EDITS["add_topic"](root, random.Random(0))
    build(root)
    return root


def copy_project(starter: Path, target: Path) -> Path:
    """The built starter with its build/ (cache) and site/, timestamps kept."""
    return Path(shutil.copytree(starter, target, symlinks=True))


def assert_same_site(root: Path, clean: Path, history: list[str]) -> None:
    """site/ of `root` is the one of the clean copy `clean`, every file byte for byte, and so
    is what the build wrote into the project (the calendar ledger)."""
    differences = site_differences(root / "site", clean / "site")
    mine, theirs = input_files(root), input_files(clean)
    differences += [f"project file {name} differs after the builds (the calendar ledger?)"
                    for name in sorted(mine.keys() | theirs.keys())
                    if mine.get(name) != theirs.get(name)]
    assert not differences, (
        "the incremental site differs from a clean build after these edits:\n  "
        + "\n  ".join(history) + "\ndifferences:\n  " + "\n  ".join(differences[:20])
        + (f"\n  ... and {len(differences) - 20} more" if len(differences) > 20 else ""))


# --- the property -----------------------------------------------------------------------------

one_edit = st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 2**32 - 1))
steps = st.lists(st.lists(one_edit, min_size=EDITS_PER_STEP[0], max_size=EDITS_PER_STEP[1]),
                 min_size=STEPS, max_size=STEPS)


def every_edit_once() -> list[list[tuple[str, int]]]:
    """A sequence of STEPS builds that applies every registered edit once between them."""
    names = sorted(EDITS)
    return [[(name, 1) for name in names[i::STEPS]] for i in range(STEPS)]


def under_ci(decorator: Callable[[Callable[..., None]], Callable[..., None]]
             ) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return decorator if CI else lambda test: test


# No shrinking: each candidate costs seconds of builds; the failure message lists the edits.
@under_ci(example(sequence=every_edit_once()))
@settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sequence=steps)
def test_after_any_edits_the_incremental_site_is_the_clean_site(
        sequence: list[list[tuple[str, int]]], starter: Path, clean_builds: CleanBuilds,
        workspace: Callable[[str], Path]) -> None:
    root = copy_project(starter, workspace("edited"))
    history: list[str] = []
    for number, step in enumerate(sequence, 1):
        for name, seed in step:
            history.append(f"step {number}: {name}({seed}): "
                           f"{EDITS[name](root, random.Random(seed))}")
        clean = clean_builds.reference(root)
        build(root)
        assert_same_site(root, clean, history)


# --- a corrupted or foreign cache -------------------------------------------------------------

def cache_files(root: Path) -> list[Path]:
    """Every file of the build caches: build/cache/ (the generator's in build/cache/generator/)
    and, for a site in several languages, build/<lang>/cache/."""
    return sorted({p for folder in (root / "build").glob("**/cache") if folder.is_dir()
                   for p in folder.rglob("*") if p.is_file()})


def truncate(root: Path) -> list[Path]:
    """Each file cut to half its length (a build killed while writing it)."""
    files = cache_files(root)
    for path in files:
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
    return files


def garble(root: Path) -> list[Path]:
    """Each file keeps its size and its first bytes; the rest is flipped (a bad disk block)."""
    files = cache_files(root)
    for path in files:
        data = path.read_bytes()
        keep = min(len(data) // 2, 64)
        path.write_bytes(data[:keep] + bytes(b ^ 0x5A for b in data[keep:]))
    return files


def foreign_version(root: Path) -> list[Path]:
    """Each JSON cache's top-level "format" or "version" replaced (a cache another version of
    handbook wrote); the rest of the file is left as it was."""
    changed = []
    for path in cache_files(root):
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        keys = [key for key in ("format", "version") if key in data]
        for key in keys:
            value = data[key]
            data[key] = (value + 1000 if isinstance(value, int) and not isinstance(value, bool)
                         else f"{value}-foreign" if isinstance(value, str) else "foreign")
        if keys:
            path.write_text(json.dumps(data), "utf-8")
            changed.append(path)
    return changed


CORRUPTIONS: dict[str, Callable[[Path], list[Path]]] = {
    "truncate": truncate, "garble": garble, "foreign_version": foreign_version}


# Every corruption on a one-language site; one (for time) on a site in two languages.
@pytest.mark.parametrize(("corruption", "languages"), [
    *((name, False) for name in sorted(CORRUPTIONS)), ("garble", True)],
    ids=[*sorted(CORRUPTIONS), "garble-two-languages"])
def test_a_corrupted_or_foreign_cache_is_ignored(
        corruption: str, languages: bool, starter: Path, clean_builds: CleanBuilds,
        workspace: Callable[[str], Path]) -> None:
    root = copy_project(starter, workspace(corruption))
    history = []
    if languages:
        history.append(EDITS["site_languages"](root, random.Random(0)))
        build(root)  # a warm cache in build/<lang>/cache/
    touched = CORRUPTIONS[corruption](root)
    if not touched:
        pytest.skip(f"nothing to corrupt ({corruption}): no build cache under build/**/cache/ "
                    "yet, or (foreign_version) no JSON one with a top-level format or version")
    history.append(f"{corruption}: {len(touched)} cache files")
    # A title edit: some pages are rebuilt, the others are read from the corrupted cache.
    history.append(EDITS["cohort_title"](root, random.Random(7)))
    clean = clean_builds.reference(root)
    build(root)
    assert_same_site(root, clean, history)


def test_a_valid_cache_from_another_state_is_used_only_where_it_fits(
        starter: Path, clean_builds: CleanBuilds, workspace: Callable[[str], Path]) -> None:
    """build/ restored from a backup, or copied from a colleague's project: its entries are
    whole and of this version, but of other content (a topic, a pair, a meeting plan)."""
    donor = copy_project(starter, workspace("donor"))
    history = [EDITS[name](donor, random.Random(3))
               for name in ("topic_text", "pair_names", "meeting_plan")]
    build(donor)
    root = copy_project(starter, workspace("swapped"))
    if not cache_files(donor):
        pytest.skip("no build cache under build/**/cache/ yet (issue 17)")
    for folder in [*(root / "build").glob("**/cache")]:
        shutil.rmtree(folder)
    for folder in [*(donor / "build").glob("**/cache")]:
        shutil.copytree(folder, root / folder.relative_to(donor))
    history = [f"the cache of a build after: {'; '.join(history)}",
               EDITS["cohort_title"](root, random.Random(7))]
    clean = clean_builds.reference(root)
    build(root)
    assert_same_site(root, clean, history)


# --- the comparison can fail ------------------------------------------------------------------

def test_the_comparison_sees_a_tampered_page_a_missing_file_and_a_stale_site(
        starter: Path, clean_builds: CleanBuilds, workspace: Callable[[str], Path]) -> None:
    site = Path(shutil.copytree(starter / "site", workspace("tampered")))
    clean = starter / "site"  # a first build: nothing cached before it
    assert site_differences(site, clean) == []

    page = site / "programs/mentoring-program/first-cohort/index.html"
    original = page.read_bytes()
    before = page.stat()
    at = original.index(b"First cohort")
    page.write_bytes(original[:at] + b"Firsd" + original[at + 5:])  # same size, same mtime
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    found = site_differences(site, clean)
    assert len(found) == 1 and found[0].startswith(
        "differs: programs/mentoring-program/first-cohort/index.html"), found
    assert f"first difference at byte {at + 4}" in found[0]
    page.write_bytes(original)

    (site / "sitemap.xml").unlink()
    (site / "stale.html").write_text("left over", "utf-8")
    assert site_differences(site, clean) == ["only in the incremental site: stale.html",
                                             "only in the clean site: sitemap.xml"]
    (site / "stale.html").unlink()
    shutil.copy(clean / "sitemap.xml", site / "sitemap.xml")
    (site / "gone-cohort/meetings").mkdir(parents=True)  # what a deleted cohort could leave
    assert site_differences(site, clean) == [
        "folder only in the incremental site: gone-cohort/",
        "folder only in the incremental site: gone-cohort/meetings/"]
    shutil.rmtree(site / "gone-cohort")

    # A stale site: the one before an edit, against a clean build after it.
    edited = copy_project(starter, workspace("stale"))
    EDITS["cohort_title"](edited, random.Random(7))
    found = site_differences(starter / "site", clean_builds.reference(edited) / "site")
    assert any(line.startswith("differs: programs/mentoring-program/first-cohort/index.html")
               for line in found), found
    assert any(line.startswith("differs: search/search_index.json") for line in found), found
