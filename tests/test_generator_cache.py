"""The generator's render cache (render/cache.py) is exact: whatever was edited, a run that
reuses it writes the same files as a run that renders everything.

Two copies of one project take the same random edits (content, templates, site settings,
deleted and restored files); after each, one generates with its cache and the other without
(`Project.cache=False`, what `--clean` sets), and every file of build/docs, build/theme and
build/mkdocs.yml must be the same bytes. Damaged entries are ignored, a changed generator
misses every entry, and a hit really is taken from the cache (a planted entry shows).
"""

from __future__ import annotations

import random
import re
import shutil
import zoneinfo
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import make_project, run_cli
from handbook import fork
from handbook.errors import HandbookError
from handbook.pipeline import CACHE_FOLDER, Project, generate_all
from handbook.plan import kinds
from handbook.render import cache as render_cache
from handbook.resolve.revisions import LEDGER

COHORTS = "content/programs/reverse-mentoring/cohorts"
# Cohorts no other file names (no results, no translation): free to delete and restore.
DELETABLE = ("content/programs/reverse-mentoring/cohorts/2027-autumn-remote.yml",
             "content/programs/new-hire-buddy/cohorts/2027-q2-manchester.yml")


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file the generator wrote, by path under build/ (the root's own path, which the
    generated config names, replaced so two copies compare)."""
    found = {}
    build = root / "build"
    for path in sorted(build.rglob("*")):
        relative = path.relative_to(build).as_posix()
        if path.is_file() and "cache" not in relative.split("/")[:2]:  # build/<lang>/cache
            found[relative] = path.read_bytes().replace(str(root).encode(), b"<root>")
    return found


def _generate(root: Path, cached: bool, keep: bool = False) -> str | dict[str, bytes]:
    """The files written, or the errors when the content does not build. `keep`: as the
    preview runs it, planned cohorts and rendered folders kept in memory between runs."""
    try:
        generate_all(replace(Project.at(root), cache=cached, keep=keep))
    except HandbookError as error:
        return str(error).replace(str(root), "<root>")
    return _snapshot(root)


def _same(cached: Path, clean: Path, keep: bool = False) -> None:
    got, want = _generate(cached, True, keep), _generate(clean, False)
    if isinstance(got, dict) and isinstance(want, dict):
        assert got.keys() == want.keys()
        assert [p for p in got if got[p] != want[p]] == []
    else:
        assert got == want


def _pair(tmp_path: Path, languages: str = "") -> tuple[Path, Path]:
    roots = []
    for name in ("cached", "clean"):
        root = make_project(tmp_path / name)
        if languages:
            site = root / "content/site.yml"
            site.write_text(site.read_text("utf-8") + languages, "utf-8")
        roots.append(root)
    return roots[0], roots[1]


def _sub(path: Path, pattern: str, new: str, rng: random.Random) -> None:
    """Replace one of the matches of `pattern` (group 1 is what changes), chosen by `rng`."""
    text = path.read_text("utf-8")
    matches = list(re.finditer(pattern, text, re.MULTILINE))
    assert matches, (path, pattern)
    m = rng.choice(matches)
    path.write_text(text[:m.start(1)] + new + text[m.end(1):], "utf-8")


KINDS = ("pair", "title", "template", "partial", "topic", "site", "config", "ledger", "delete",
         "restore")


def _edit(roots: tuple[Path, Path], rng: random.Random, step: int, kept: dict[str, str],
          kind: str) -> None:
    """One edit of `kind` at a random place, made the same in both copies."""
    seed = rng.random()
    for root in roots:
        r = random.Random(seed)
        cohort = r.choice(sorted((root / COHORTS).glob("*[0-9a-z].yml")))
        if kind == "pair":
            _sub(cohort, r"^  - mentor: (.+)$", f"Alex Example {step}", r)
        elif kind == "title":
            _sub(cohort, r"^title: (.+)$", f"Cohort {step} – Édition", r)
        elif kind == "template":
            template = root / "templates" / r.choice(["meeting.md.j2", "cohort.md.j2",
                                                      "topic.md.j2", "home.md.j2"])
            template.write_text(template.read_text("utf-8") + f"\nEdit {step}.\n", "utf-8")
        elif kind == "partial":
            partial = root / "templates/agenda_body.md.j2"
            partial.write_text(partial.read_text("utf-8") + f"\nAgenda edit {step}.\n", "utf-8")
        elif kind == "topic":
            topic = r.choice(sorted((root / "content/topics").glob("*[0-9a-z].yml")))
            _sub(topic, r"^title: (.+)$", f"Topic {step}", r)
        elif kind == "site":
            _sub(root / "content/site.yml", r"^title: (.+)$", f"Handbook {step}", r)
        elif kind == "ledger":  # only the calendars show a revision
            _sub(root / "content/calendar-revisions.yml", r"sequence: (\d+)", str(step + 1), r)
        elif kind == "config":
            _sub(root / "mkdocs.yml", r"^copyright: (.+)$", f"Copyright {step}", r)
        elif kind == "delete":
            name = r.choice(DELETABLE)
            if (root / name).exists():
                kept[f"{root}:{name}"] = (root / name).read_text("utf-8")
                (root / name).unlink()
        else:
            for key, text in list(kept.items()):
                where, name = key.split(":", 1)
                if where == str(root):
                    (root / name).write_text(text, "utf-8")
                    del kept[key]


@pytest.mark.parametrize(("seed", "keep"), [(1, False), (2, False), (3, True), (4, True)])
def test_random_edits_generate_the_same_files_as_a_clean_run(
        tmp_path: Path, seed: int, keep: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`keep`: the preview's way, each run in this process reusing the cohorts planned and
    the folders rendered by the one before (plan/memo.py)."""
    if seed in (2, 4):  # the forked path too: folders keyed, rendered and stored in children
        monkeypatch.setattr(fork, "MIN_ITEMS", 1)
    roots = _pair(tmp_path)
    _same(*roots, keep)
    rng, kept = random.Random(seed), {}
    kinds = [*KINDS, *rng.choices(KINDS, k=2)]
    rng.shuffle(kinds)  # every kind of edit, in a random order
    for step, kind in enumerate(kinds):
        _edit(roots, rng, step, kept, kind)
        _same(*roots, keep)
    assert (roots[0] / CACHE_FOLDER / "site").is_dir()


def test_each_language_keeps_its_own_entries(tmp_path: Path) -> None:
    roots = _pair(tmp_path, "languages: [en, de]\n")
    _same(*roots)
    _same(*roots)  # the first run may record new calendar revisions (the calendars show them)
    folders = roots[0] / CACHE_FOLDER
    assert sorted(p.name for p in folders.iterdir()) == ["de", "en"]
    for root in roots:  # a German text: only the German site changes
        overlay = root / COHORTS / "2027-autumn-berlin.de.yml"
        overlay.write_text(overlay.read_text("utf-8").replace("Berlin", "Berlin-Mitte", 1),
                           "utf-8")
    before = {p.name for p in (folders / "en").iterdir()}
    _same(*roots)
    assert {p.name for p in (folders / "en").iterdir()} == before


def _entries(root: Path) -> list[Path]:
    return sorted((root / CACHE_FOLDER / "site").glob("*" + render_cache.ENTRY))


def test_a_damaged_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    cached, clean = _pair(tmp_path)
    _same(cached, clean)
    entries = _entries(cached)
    assert len(entries) > 4
    damage = [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-10] + bytes(b ^ 0xFF for b in data[-10:]),  # bytes flipped
        lambda data: b"",  # empty
        lambda data: b"handbook-render-cache 0\n" + data.split(b"\n", 1)[1],  # old format
        lambda data: b"\x00garbage" * 100,
    ]
    for number, entry in enumerate(entries):
        entry.write_bytes(damage[number % len(damage)](entry.read_bytes()))
    (cached / CACHE_FOLDER / "site" / "stray").write_text("not an entry")
    _same(cached, clean)
    assert not (cached / CACHE_FOLDER / "site" / "stray").exists()  # pruned


def test_a_hit_is_taken_from_the_cache_and_clean_renders_again(tmp_path: Path) -> None:
    root = make_project(tmp_path / "site")
    generate_all(Project.at(root))
    entries = _entries(root)
    store = render_cache.RenderCache(root / CACHE_FOLDER / "site")
    key = next(e.name.removesuffix(render_cache.ENTRY) for e in entries
               if (found := store.get(e.name.removesuffix(render_cache.ENTRY)))
               and "index.md" in found[0])
    texts, files = store.get(key) or ({}, {})
    page = sorted(p for p in texts if p.endswith("index.md"))[0]
    store.put(key, ({**texts, page: texts[page] + b"Planted.\n"}, files))
    generate_all(Project.at(root))  # the docs folder holds the key's output: nothing read
    assert not (root / "build/docs" / page).read_text("utf-8").endswith("Planted.\n")
    (root / "build/docs" / page).unlink()  # now the page must be written: from the entry
    generate_all(Project.at(root))
    assert (root / "build/docs" / page).read_text("utf-8").endswith("Planted.\n")
    done = run_cli("generate", "--clean", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "build/docs" / page).read_text("utf-8").endswith("Planted.\n")
    assert (store.get(key) or ({}, {}))[0][page] == texts[page]  # stored afresh
    store.put(key, ({**texts, page: texts[page] + b"Planted.\n"}, files))
    (root / "build/docs" / page).unlink()
    generate_all(Project.at(root))
    assert (root / "build/docs" / page).read_text("utf-8").endswith("Planted.\n")
    shutil.rmtree(root / CACHE_FOLDER)  # the other remedy: rendered again and compared
    generate_all(Project.at(root))
    assert not (root / "build/docs" / page).read_text("utf-8").endswith("Planted.\n")


def _counting_entry_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the render-cache entries read from disk, from now on."""
    read: list[str] = []
    original = render_cache.RenderCache._read

    def counting_read(self: render_cache.RenderCache, key: str) -> object:
        read.append(key)
        return original(self, key)

    monkeypatch.setattr(render_cache.RenderCache, "_read", counting_read)
    return read


def test_a_build_reads_no_entry_of_a_folder_the_docs_folder_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder whose key is unchanged is not read from the cache while the write memo
    vouches that the docs folder holds that key's output (render/outputs.py): after an edit
    of one cohort, no entry is read. A page edited by hand in build/docs is put right from
    its folder's entry, the only one read; the site is the clean build's throughout."""
    cached, clean = _pair(tmp_path)
    for root in (cached, clean):
        generate_all(Project.at(root))
        generate_all(Project.at(root))  # the calendars' revisions recorded
    read = _counting_entry_reads(monkeypatch)
    cohort = sorted((cached / COHORTS).glob("*.yml"))[0]
    for root in (cached, clean):
        file = root / COHORTS / cohort.name
        file.write_text(file.read_text("utf-8").replace("title: ", "title: Edited ", 1), "utf-8")
    _same(cached, clean)
    assert read == []
    page = cached / "build/docs/training/index.md"
    page.write_text("# Edited by hand\n", "utf-8")
    _same(cached, clean)
    assert len(read) == 1
    read.clear()
    _same(cached, clean)
    assert read == []


def test_an_entry_damaged_before_it_is_wanted_is_rendered_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder taken from the cache is read only when a file of it must be written; if its
    entry is damaged or gone by then, the folder is rendered again (not stored: see the test
    below) and the damaged entry removed; the next run misses it and stores it."""
    cached, clean = _pair(tmp_path)
    for root in (cached, clean):
        generate_all(Project.at(root))
        generate_all(Project.at(root))
    rendered = counted_renders(monkeypatch)
    for number, entry in enumerate(_entries(cached)):
        if number % 2:
            entry.unlink()
        else:
            entry.write_bytes(entry.read_bytes()[:-5])
    docs = cached / "build/docs"
    pages = sorted(docs.rglob("*.md"))
    for page in pages:
        page.write_text("# Edited by hand\n", "utf-8")
    generate_all(Project.at(cached))
    assert sorted(rendered) == sorted(p.relative_to(docs).as_posix() for p in pages)
    rendered.clear()
    generate_all(Project.at(cached))  # the damaged ones (the deleted were missed and stored)
    assert rendered and set(rendered) < {p.relative_to(docs).as_posix() for p in pages}
    rendered.clear()
    for page in pages[::7]:
        page.unlink()
    generate_all(Project.at(cached))
    assert rendered == []  # the entries were stored again
    _same(cached, clean)


def test_an_entry_lost_while_templates_change_vouches_for_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder taken from the cache whose entry is gone by the time it is read (another run
    pruned it) is rendered as the templates are then, which may not be what its key was
    worked out from: that output is neither stored under the key nor vouched for by it, so
    once the template is put back the site is the clean build's again."""
    from handbook import pipeline

    cached, clean = _pair(tmp_path)
    for root in (cached, clean):
        generate_all(Project.at(root))
        generate_all(Project.at(root))
    template = cached / "templates/home.md.j2"
    original = template.read_bytes()
    for page in (cached / "build/docs").rglob("*.md"):
        page.touch()  # the memo no longer vouches: every entry is wanted
    write_tree = pipeline.write_tree

    def racing(folder: Path, outputs: object, memo: object = None) -> object:
        if folder.name == "docs":  # between the render and write stages
            template.write_bytes(original + b"\nEdited mid-build\n")
            for entry in _entries(cached):
                entry.unlink()
        return write_tree(folder, outputs, memo)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "write_tree", racing)
    generate_all(Project.at(cached))
    assert b"Edited mid-build" in (cached / "build/docs/index.md").read_bytes()
    monkeypatch.setattr(pipeline, "write_tree", write_tree)
    template.write_bytes(original)
    _same(cached, clean)


def test_a_template_saved_while_rendering_leaves_no_entry_under_the_old_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The folders' keys are worked out from the templates before rendering; a template
    saved in between is rendered into this run's output, which is then neither kept under
    those keys nor vouched for: once the edit is undone, the site is the clean build's."""
    from handbook.render import pages as render_pages

    cached, clean = _pair(tmp_path)
    template = cached / "templates/home.md.j2"
    original = template.read_bytes()
    render = render_pages._render_part

    def racing(*args: object, **kwargs: object) -> object:
        template.write_bytes(original + b"\nSaved while rendering\n")
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_pages, "_render_part", racing)
    generate_all(Project.at(cached))
    assert b"Saved while rendering" in (cached / "build/docs/index.md").read_bytes()
    monkeypatch.setattr(render_pages, "_render_part", render)
    template.write_bytes(original)
    generate_all(Project.at(cached))  # the calendars' revisions recorded
    generate_all(Project.at(clean))
    _same(cached, clean)


def counted_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered from now on (the render stage's own function)."""
    from handbook.render import pages as render_pages

    rendered: list[str] = []
    render = render_pages._render_part

    def counting_render(pages: list[object], *args: object, **kwargs: object) -> object:
        rendered.extend(str(page.path) for page in pages)  # type: ignore[attr-defined]
        return render(pages, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(render_pages, "_render_part", counting_render)
    return rendered


@pytest.mark.parametrize("first", ["cold", "clean"])
def test_after_a_cold_or_clean_run_nothing_is_rendered_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str) -> None:
    """The keys a run with nothing to look up stores its folders under (worked out where they
    are rendered) are the keys the next run looks them up by: cohort pages included, which
    stand in the keys by their cohort's input key (plan/memo.py)."""
    root = make_project(tmp_path / "p")
    generate_all(replace(Project.at(root), cache=first == "cold"))
    generate_all(Project.at(root))  # the calendars' revisions recorded
    rendered = counted_renders(monkeypatch)
    shutil.rmtree(root / CACHE_FOLDER)
    generate_all(replace(Project.at(root), cache=first == "cold"))  # stores every folder
    rendered.clear()
    generate_all(Project.at(root))
    assert rendered == []


def test_the_run_after_a_new_calendar_ledger_renders_nothing_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project's first run writes the calendar ledger; the next reads it. Reading it works
    out each event's fingerprint, which the first run had not yet (a new cohort's events
    neither): a folder's key must not depend on that, or every folder with a calendar was
    rendered again once (6.7 s on the 4x bench set, the first edit after a fresh start)."""
    root = make_project(tmp_path / "p")
    (root / "content" / LEDGER).unlink()
    generate_all(Project.at(root))  # no ledger yet: writes it
    assert (root / "content" / LEDGER).is_file()
    rendered = counted_renders(monkeypatch)
    generate_all(Project.at(root))
    assert rendered == []


def test_a_changed_generator_misses_every_entry(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    cached, clean = _pair(tmp_path)
    _same(cached, clean)
    before = {e.name for e in _entries(cached)}
    monkeypatch.setattr(render_cache, "code_fingerprint", lambda: b"an edited generator")
    _same(cached, clean)
    after = {e.name for e in _entries(cached)}
    assert after and not after & before


@pytest.mark.parametrize("edited", ["pipeline.py", "locale/de/LC_MESSAGES/handbook.po",
                                    "templates/meeting.md.j2"])
def test_the_code_fingerprint_follows_the_package_files(tmp_path: Path, edited: str) -> None:
    package = tmp_path / "handbook"
    shutil.copytree(Path(render_cache.__file__).parent.parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    templates = tmp_path / "templates"
    shutil.copytree(render_cache.resources.default_templates(), templates)
    first = render_cache.fingerprint(package, templates)
    target = templates / "meeting.md.j2" if edited.startswith("templates/") else package / edited
    target.write_text(target.read_text("utf-8") + "\n", "utf-8")
    assert render_cache.fingerprint(package, templates) != first


def test_registered_kinds_and_zone_files_are_in_the_key(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A page kind registered from outside handbook (its view's properties shape the text)
    and the zone database a calendar is written from are parts of every key."""
    module = tmp_path / "handbook_extension_kind.py"
    module.write_text("def pages(resolved):\n    return []\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    extension = __import__("handbook_extension_kind")
    monkeypatch.setattr(kinds, "FAMILIES", [*kinds.FAMILIES, ((), extension.pages)])
    zones = tmp_path / "zones"
    (zones / "Europe").mkdir(parents=True)
    (zones / "Europe/Test").write_bytes(b"TZif one")
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(zones),))

    def key() -> bytes:
        return render_cache.environment_key([tmp_path / "templates"], "en", {"Europe/Test"})

    first = key()
    assert key() == first
    module.write_text("def pages(resolved):\n    return []  # changed\n", "utf-8")
    second = key()
    assert second != first
    (zones / "Europe/Test").write_bytes(b"TZif two")
    assert key() not in (first, second)


def test_the_preview_plans_and_renders_only_the_edited_cohort_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With `keep` (the preview), a second run plans only the cohort whose file changed, and
    renders only its folder; the pages of the others are the very objects planned before."""
    from handbook.plan.kinds import cohort as cohort_kind
    from handbook.render import pages as render_pages

    root = make_project(tmp_path / "p")
    project = replace(Project.at(root), keep=True)
    planned: list[str] = []
    rendered: list[str] = []
    plan, render = cohort_kind.cohort_pages, render_pages._render_part

    def counting_plan(library: object, pid: str, cid: str, *args: object,
                      **kwargs: object) -> object:
        planned.append(f"{pid}/{cid}")
        return plan(library, pid, cid, *args, **kwargs)  # type: ignore[arg-type]

    def counting_render(pages: list[object], *args: object, **kwargs: object) -> object:
        rendered.extend(str(page.path).rpartition("/")[0] for page in pages)  # type: ignore[attr-defined]
        return render(pages, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cohort_kind, "cohort_pages", counting_plan)
    monkeypatch.setattr(render_pages, "_render_part", counting_render)
    generate_all(project)  # records the calendars' revisions: the next run is the same
    assert len(set(planned)) > 3
    first = generate_all(project)[0][1].plan.pages
    planned.clear()
    rendered.clear()
    cohort = sorted((root / COHORTS).glob("*[0-9a-z].yml"))[0]
    _sub(cohort, r"^  - mentor: (.+)$", "Renamed Mentor", random.Random(0))
    second = generate_all(project)[0][1].plan.pages
    assert planned == [f"reverse-mentoring/{cohort.stem}"]
    assert set(rendered) == {f"programs/reverse-mentoring/{cohort.stem}"}
    same = {id(page) for page in first} & {id(page) for page in second}
    assert len(same) > len(second) // 2


def _counting_reads(monkeypatch: pytest.MonkeyPatch, docs: Path) -> list[str]:
    """The generated files the write stage opens to compare, from now on."""
    from handbook.write import files as write_files

    read: list[str] = []

    def counting_open(file: str, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "rb" and Path(file).is_relative_to(docs):  # not the theme folder
            read.append(Path(file).relative_to(docs).as_posix())
        return open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(write_files, "open", counting_open, raising=False)
    return read


@pytest.mark.parametrize("keep", [True, False], ids=["preview", "build"])
def test_the_write_stage_reads_back_only_files_touched_from_outside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep: bool) -> None:
    """The write stage compares each generated file with what it wrote there last run
    (the preview in memory, a build by the memo in build/cache/written.bin: each file's
    hash and stat), unless the file's stat changed since: a file edited, deleted or
    replaced by hand in build/docs is read and put right, and only those are read."""
    root = make_project(tmp_path / "p")
    project = replace(Project.at(root), keep=keep)
    generate_all(project)
    generate_all(project)  # the calendars' revisions recorded: nothing changes from here
    docs = root / "build/docs"
    pages = sorted(p for p in docs.rglob("*.md"))
    edited, deleted, same_size = pages[0], pages[1], pages[2]
    edited.write_text("# Edited by hand\n", "utf-8")
    deleted.unlink()
    text = same_size.read_bytes()
    same_size.write_bytes(text[:-1] + (b"?" if text[-1:] != b"?" else b"!"))
    (docs / "stray.md").write_text("# Not generated\n", "utf-8")
    read = _counting_reads(monkeypatch, docs)
    report = generate_all(project)[0][1].report
    assert report is not None
    touched = sorted(p.relative_to(docs).as_posix() for p in (edited, deleted, same_size))
    assert sorted(read) == touched  # tried: the deleted one is not found
    assert sorted(report.written) == touched
    assert report.removed == ("stray.md",)
    clean = make_project(tmp_path / "clean")
    assert _snapshot(root) == {path: data.replace(str(clean).encode(), str(root).encode())
                               for path, data in _generate(clean, False).items()}  # type: ignore[union-attr]


def test_a_damaged_write_memo_is_ignored(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A build's write memo that fails its checksum is not used: every generated file is
    read and compared again, none is written, and the memo is made anew."""
    root = make_project(tmp_path / "p")
    generate_all(Project.at(root))
    generate_all(Project.at(root))  # the calendars' revisions recorded
    memo = root / "build/cache/written.bin"
    data = memo.read_bytes()
    memo.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    docs = root / "build/docs"
    read = _counting_reads(monkeypatch, docs)
    report = generate_all(Project.at(root))[0][1].report
    assert report is not None and report.written == () and report.removed == ()
    assert sorted(read) == sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*")
                                  if p.is_file() and p.name != ".gitkeep")
    assert memo.read_bytes() == data
    read.clear()
    generate_all(Project.at(root))
    assert read == []


def test_a_build_works_out_the_views_of_the_edited_cohort_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-shot run after an edit to one cohort: every cohort's pages are planned (paths
    and titles), but only the edited cohort's views are made; the others' output comes from
    the render cache, and the PDF jobs read what they need without making any."""
    from handbook.engine import pdf
    from handbook.plan.kinds import cohort as cohort_kind

    root = make_project(tmp_path / "p")
    project = replace(Project.at(root), pdf=True)
    generate_all(project)
    generate_all(project)  # the calendars' revisions recorded: the next run is the same
    made: list[str] = []
    views = cohort_kind._views

    def counting_views(library: object, pid: str, cid: str, *args: object) -> object:
        made.append(f"{pid}/{cid}")
        return views(library, pid, cid, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cohort_kind, "_views", counting_views)
    cohort = sorted((root / COHORTS).glob("*[0-9a-z].yml"))[0]
    _sub(cohort, r"^  - mentor: (.+)$", "Renamed Mentor", random.Random(0))
    result = generate_all(project)[0][1]
    assert made == [f"reverse-mentoring/{cohort.stem}"]
    jobs = pdf.jobs(result.plan)
    assert made == [f"reverse-mentoring/{cohort.stem}"]
    assert jobs and {job.page for job in jobs} == {
        page.path for page in result.plan.pages if page.kind in ("print", "pack")}
    monkeypatch.setattr(cohort_kind, "_views", views)
    clean = make_project(tmp_path / "clean")
    shutil.copytree(root / "content", clean / "content", dirs_exist_ok=True)  # the ledger too
    assert _generate(root, True) == _generate(clean, False)
    assert jobs == pdf.jobs(generate_all(replace(Project.at(clean), pdf=True))[0][1].plan)


def test_a_bug_in_a_deferred_view_is_raised_not_reported_as_a_template_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Views are made while their templates render; the render stage reports a template's
    KeyError to the author as a located template error, but a planner's is a bug."""
    from handbook.plan.kinds import cohort as cohort_kind
    from handbook.plan.views import PlanningFailed

    def broken(*args: object) -> object:
        raise KeyError("a bug")

    monkeypatch.setattr(cohort_kind, "_views", broken)
    root = make_project(tmp_path / "p")
    with pytest.raises(PlanningFailed, match="a bug"):
        generate_all(replace(Project.at(root), cache=False))
