"""Validate stage, translations: apply `X.<lang>.yml` overlays to their originals.

An overlay holds only texts (notes/i18n-format.md). Which values are texts is read from the
models, not from a list kept here: a field typed `Text` or `Prose` is a text, except the few
that hold a person's name or a code (NOT_TEXT). So a new text field is translatable the day
it is added, and an id, date, URL, number or enum can never be replaced by a translation.

Overlays are applied to the raw documents BEFORE validation, so the translated site passes
every check the original does; a value that came from the overlay carries the overlay's
marks (RawDocument.overlay), so any error in it names the overlay file and line.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import AfterValidator, BaseModel

from ..errors import ContentError, HandbookError, did_you_mean, quote
from ..load.loader import Path_, RawDocument
from .documents import MODEL_OF
from .fields import Text
from .goals import parse_target
from .models import Prose
from .results import question_key

# The checks that make a string a text (Text: one line; Prose: Markdown).
TEXT_CHECKS = [m for m in (*typing.get_args(Text)[1:], *typing.get_args(Prose)[1:])
               if isinstance(m, AfterValidator)]
# Text-typed fields that are not translated: people's names and phone numbers (they are the
# same in every language), the organisation (a name too) and a holiday subdivision code.
NOT_TEXT = {("Person", "name"), ("Person", "phone"), ("Pair", "mentor"), ("Pair", "mentee"),
            ("Signatory", "name"), ("HolidayCalendar", "subdivision"), ("Site", "organisation")}
# ...except where a Person is an office, whose name is a text ("Personalentwicklung").
OFFICE_NAMES = {("site", ("contact", "name"))}
_LIST, _TEXT = "list", "text"

Shape = type[BaseModel] | tuple[str, Any] | str | None


def _shape(annotation: Any, metadata: Iterable[Any] = ()) -> Shape:
    """What a field holds: a model, ("list", item annotation), "text", or None (no text)."""
    found = list(metadata)
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *more = typing.get_args(annotation)
            found += more
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return None
            annotation = rest[0]
        elif origin is list:
            return (_LIST, typing.get_args(annotation)[0])
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        else:
            return _TEXT if annotation is str and any(m in TEXT_CHECKS for m in found) else None


def _field(model: type[BaseModel], key: str, kind: str, path: Path_) -> Shape:
    info = model.model_fields.get(key)
    if info is None:
        return None
    if (model.__name__, key) in NOT_TEXT and (kind, path) not in OFFICE_NAMES:
        return None
    return _shape(info.annotation, info.metadata)


@dataclass(frozen=True)
class Coverage:
    """How much of one original a language translates: its text paths and those missing."""

    file: str  # the original
    language: str
    texts: int
    missing: tuple[Path_, ...]
    overlay: str | None  # the overlay file, None when there is none

    @property
    def complete(self) -> bool:
        return not self.missing


class _Merge:
    def __init__(self, original: RawDocument, overlay: RawDocument) -> None:
        self.original, self.overlay = original, overlay
        self.errors: list[ContentError] = []
        self.supplied: set[Path_] = set()

    def fail(self, path: Path_, message: str, hint: str) -> None:
        self.errors.append(self.overlay.error(path, message, hint))

    def merge(self, ours: Any, theirs: Any, shape: Shape, path: Path_) -> Any:
        """`ours` (the original's value) with `theirs` (the overlay's) laid over it."""
        if theirs is None:  # an empty key or a `- ` item: not translated, falls back
            return ours
        if shape == _TEXT:
            if not isinstance(theirs, str):
                self.fail(path, "a translation of a text must be text",
                          "write the translated sentence, or delete the key to keep the "
                          "original")
                return ours
            self.supplied.add(path)
            return theirs
        if isinstance(shape, tuple):
            if not isinstance(theirs, list) or not isinstance(ours, list) \
                    or len(theirs) != len(ours):
                have = len(ours) if isinstance(ours, list) else 0
                self.fail(path, f"the original has a list of {have} here; a translation "
                          f"lists the same items in the same order" + (
                              f", but this one has {len(theirs)}"
                              if isinstance(theirs, list) else ""),
                          "translate item by item; an object you do not translate is written "
                          "`- {}`")
                return ours
            return [self.merge(o, t, _shape(shape[1]), (*path, i))
                    for i, (o, t) in enumerate(zip(ours, theirs, strict=True))]
        if isinstance(shape, type) and isinstance(theirs, dict) and isinstance(ours, dict):
            merged = dict(ours)
            for key, value in theirs.items():
                here = (*path, key)
                inner = _field(shape, key, self.original.kind, here)
                if key not in ours or inner is None:
                    self._stray(shape, key, here, key in ours)
                    continue
                merged[key] = self.merge(ours[key], value, inner, here)
            return merged
        self._stray(None, str(path[-1]) if path else "", path, True)
        return ours

    def _stray(self, model: type[BaseModel] | None, key: str, path: Path_, known: bool) -> None:
        if known:
            self.fail(path, f"{quote(key)} is not a text: ids, dates, times, numbers, "
                      "addresses, choices and people's names come from the original",
                      f"delete it from the translation; {self.original.file} holds it for "
                      "every language")
            return
        fields = list(model.model_fields) if model else []
        self.fail(path, f"the original {self.original.file} has no {quote(key)} here",
                  "a translation holds only keys of its original, with the same nesting"
                  + (f"; {did_you_mean(key, fields, 'keys')}" if fields else ""))


def text_paths(document: RawDocument) -> list[Path_]:
    """Every translatable text of an original, as paths in its data."""
    found: list[Path_] = []

    def walk(value: Any, shape: Shape, path: Path_) -> None:
        if shape == _TEXT and isinstance(value, str):
            found.append(path)
        elif isinstance(shape, tuple) and isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, _shape(shape[1]), (*path, i))
        elif isinstance(shape, type) and isinstance(value, dict):
            for key, item in value.items():
                walk(item, _field(shape, key, document.kind, (*path, key)), (*path, key))

    walk(document.data, MODEL_OF.get(document.kind), ())
    return found


def translate(documents: list[RawDocument], overlays: list[RawDocument], language: str
              ) -> tuple[list[RawDocument], list[Coverage]]:
    """The documents as read in `language`: each original with its overlay laid over it (or
    as it is), and what each lacks; every shape error of every overlay, or none."""
    mine = {(o.kind, o.program, o.id): o for o in overlays if o.language == language}
    merged: list[RawDocument] = []
    coverage: list[Coverage] = []
    errors: list[ContentError] = []
    for document in documents:
        overlay = mine.get((document.kind, document.program, document.id))
        texts = text_paths(document)
        if overlay is None:
            merged.append(document)
            coverage.append(Coverage(document.file, language, len(texts), tuple(texts), None))
            continue
        merge = _Merge(document, overlay)
        data = merge.merge(document.data, overlay.data, MODEL_OF.get(document.kind), ())
        errors += merge.errors
        # Only the texts it supplied point into the overlay; the rest of a merged object
        # (an id, a pair's names) is the original's, and so are its errors.
        routed = replace(overlay, marks={p: m for p, m in overlay.marks.items()
                                         if p in merge.supplied})
        merged.append(replace(document, data=data, overlay=routed))
        missing = tuple(p for p in texts if p not in merge.supplied)
        coverage.append(Coverage(document.file, language, len(texts), missing, overlay.file))
    if errors:
        raise HandbookError(errors)
    return _results_follow(documents, [_goals_kept(o, d) for o, d
                                             in zip(documents, merged, strict=True)]), coverage


def _goals_kept(original: RawDocument, document: RawDocument) -> RawDocument:
    """A KPI's goal may be read from its English target text (validate/goals.py), which a
    translation replaces: the goal read from the original is written beside it instead."""
    if document.kind != "program" or document.overlay is None \
            or not isinstance(document.data.get("objectives"), list):
        return document
    objectives = []
    for i, objective in enumerate(_list(document.data, "objectives")):
        kpis = []
        for j, kpi in enumerate(_list(objective, "kpis")):
            before = _list(_list(original.data, "objectives")[i], "kpis")[j].get("target")
            translated = ("objectives", i, "kpis", j, "target") in document.overlay.marks
            goal = parse_target(before) if translated and "goal" not in kpi \
                and isinstance(before, str) else None
            kpis.append({**kpi, "goal": goal.model_dump()} if goal else kpi)
        objectives.append({**objective, "kpis": kpis} if "kpis" in objective else objective)
    return replace(document, data={**document.data, "objectives": objectives})


def _results_follow(originals: list[RawDocument], merged: list[RawDocument]
                    ) -> list[RawDocument]:
    """Results files name a survey's questions by their text (validate/results.py): where a
    program's questions are translated, its results name them in the translation too."""
    asked: dict[tuple[str | None, str, str], str] = {}
    for before, after in zip(originals, merged, strict=True):
        if before.kind != "program" or after.overlay is None:
            continue
        for i, survey in enumerate(_list(before.data, "evaluation")):
            now = _list(after.data, "evaluation")[i]
            for j, question in enumerate(_list(survey, "questions")):
                text, translated = question.get("question"), _list(now, "questions")[j]
                if isinstance(text, str) and isinstance(survey.get("id"), str):
                    # by key, as validate/results.py matches them ("how satisfied are you")
                    asked[(before.id, survey["id"], question_key(text))] = \
                        translated.get("question", text)
    if not asked:
        return merged
    found = []
    for doc in merged:
        if doc.kind == "results" and isinstance(doc.data, dict) \
                and isinstance(doc.data.get("surveys"), dict):
            surveys = {sid: _renamed(doc.program, sid, survey, asked)
                       for sid, survey in doc.data["surveys"].items()}
            doc = replace(doc, data={**doc.data, "surveys": surveys})
        found.append(doc)
    return found


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def _renamed(program: str | None, survey_id: str, survey: Any,
             asked: dict[tuple[str | None, str, str], str]) -> Any:
    if not isinstance(survey, dict) or not isinstance(survey.get("questions"), list):
        return survey
    questions = [{**q, "question": asked.get((program, survey_id, question_key(q["question"])),
                                             q["question"])}
                 if isinstance(q, dict) and isinstance(q.get("question"), str) else q
                 for q in survey["questions"]]
    return {**survey, "questions": questions}



def coverage_report(coverage: Iterable[Coverage], languages: list[str]) -> str:
    """What `handbook check` prints for a site in several languages: per language, per
    file, the texts that show in the default language instead. Not an error: they fall back."""
    lines = ["Missing translations (these texts are shown in "
             f"{languages[0]}, the default language):"]
    by_language: dict[str, list[Coverage]] = {}
    for item in coverage:
        if not item.texts:  # a results file: figures only, nothing to translate
            continue
        by_language.setdefault(item.language, []).append(item)
    for language in languages[1:]:
        items = by_language.get(language, [])
        lacking = [c for c in items if not c.complete]
        total = sum(c.texts for c in items)
        missing = sum(len(c.missing) for c in lacking)
        lines.append(f"  {language}: {missing} of {total} texts missing in {len(lacking)} of "
                     f"{len(items)} files" if lacking else f"  {language}: complete")
        for c in lacking:
            what = (f"no translation ({c.texts} texts)" if c.overlay is None
                    else f"{len(c.missing)} of {c.texts} texts missing ({c.overlay})")
            lines.append(f"    {c.file}: {what}")
    return "\n".join(lines)
