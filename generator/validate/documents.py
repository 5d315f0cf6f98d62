"""Validate stage: raw documents to typed models, then every cross-document check.

Pydantic reports a `loc` path but no line; the loader kept each node's mark, so every error
here names file, line, column and field. All errors are collected before anything stops.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import ContentError, HandbookError, did_you_mean, quote
from ..load.loader import Path_, RawDocument
from .crosscheck import cross_check
from .library import Library
from .models import (
    MAX_ID_LENGTH,
    SLUG_PATTERN,
    ChallengePlaybook,
    Cohort,
    Program,
    Site,
    TopicGuide,
    TrainingModule,
)
from .results import CohortResults, check_results, with_pair_attendance

MODEL_OF: dict[str, type[BaseModel]] = {
    "site": Site,
    "program": Program,
    "cohort": Cohort,
    "topic": TopicGuide,
    "challenge": ChallengePlaybook,
    "module": TrainingModule,
    "results": CohortResults,
}
WHAT = {"topic": "topic guides", "challenge": "challenge playbooks", "module": "training modules"}


def _model_fields_at(model: type[BaseModel], loc: Path_) -> list[str]:
    """Field names of the model found at `loc`, for 'did you mean' on unknown keys."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else None
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] to reach the model or list inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else annotation
            if len(rest) != 1:
                return annotation
        else:
            return annotation


def _date_hint(value: Any) -> str:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(value).strip())
    if match:
        year, month, day = (int(g) for g in match.groups())
        if 1 <= month <= 12:
            last = calendar.monthrange(year, month)[1]
            if day > last:
                return (f"{calendar.month_name[month]} has {last} days in {year}; "
                        f"write a date that exists, like {year}-{month:02d}-{last:02d}")
        else:
            return f"there is no month {month}; write dates as YYYY-MM-DD"
    return "write dates as YYYY-MM-DD, e.g. 2027-03-04"


def _hint_for(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str]:
    """A reader-friendly message and hint for one pydantic error."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    message = error["msg"]
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
    hint = getattr(error.get("ctx", {}).get("error"), "hint", "")  # models.HintedError
    got = f" (got {quote(value)})" if isinstance(value, str | int) and kind != "missing" else ""
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _model_fields_at(model, loc[:-1])
        return f"unknown key {quote(key)}", did_you_mean(key, known, "keys")
    if value is None and kind.endswith("_type"):
        return (f"{loc[-1]!r} has no value",
                "write a value after the colon, or delete the line if the key is optional")
    if kind == "missing":
        return f"required key {loc[-1]!r} is missing", f"add `{loc[-1]}:` here"
    if kind.startswith("date"):
        return f"expected a date like 2027-03-04{got}", _date_hint(value)
    if kind.startswith("time"):
        return f"expected a time like '16:00'{got}", "write times as HH:MM in quotes, e.g. '16:00'"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == SLUG_PATTERN:
        return (f"{quote(value)} is not a valid id",
                "use lowercase letters, digits and single hyphens, e.g. digital-tools")
    if kind in ("list_type", "dict_type", "model_type", "string_type"):
        shape = {"list_type": "a list (each item on its own line starting with '- ')",
                 "string_type": "a piece of text",
                 }.get(kind, "a group of keys (indented under this one)")
        return f"expected {shape}{got}", "check the indentation and the shape in README.md"
    return message + got, hint


def _validate_one(doc: RawDocument) -> tuple[BaseModel | None, list[ContentError]]:
    model = MODEL_OF[doc.kind]
    if not isinstance(doc.data, dict):
        return None, [doc.error((), "expected a group of keys at the top of the file",
                             "see the example in README.md")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = []
        for err in exc.errors(include_url=False):
            message, hint = _hint_for(err, model)
            errors.append(doc.error(tuple(err["loc"]), message, hint))
        return None, errors


def _name_errors(doc: RawDocument, what: str, name: str, example: str) -> list[ContentError]:
    """A file or folder name becomes an id, and the id becomes file and folder names in the
    output, so it must be a valid id and short enough for every name derived from it."""
    if not re.fullmatch(SLUG_PATTERN, name):
        return [ContentError(doc.file, f"the {what} name {quote(name)} is not a valid id",
                             hint=f"rename it with lowercase letters, digits and hyphens, "
                                  f"e.g. {example}")]
    if len(name) > MAX_ID_LENGTH:
        return [ContentError(doc.file, f"the {what} name is {len(name)} characters long; an "
                             f"id may have at most {MAX_ID_LENGTH} characters",
                             hint=f"shorten the {what} name; pages and calendars are named "
                                  "after it")]
    return []


def validate(documents: list[RawDocument]) -> Library:
    """Turn raw documents into a Library, or raise with every error found."""
    errors: list[ContentError] = []
    models: dict[tuple[str, str], BaseModel] = {}
    sources: dict[tuple[str, str], RawDocument] = {}
    for doc in documents:
        key = (doc.kind, f"{doc.program}/{doc.id}" if doc.program else doc.id)
        if doc.kind != "site":
            errors += _name_errors(doc, "file", doc.id, "digital-tools.yml")
        if doc.program:
            errors += _name_errors(doc, "folder", doc.program, "reverse-mentoring")
        if key in sources:
            errors.append(ContentError(doc.file, f"another file already defines {doc.kind} "
                                       f"{doc.id!r}: {sources[key].file}",
                                       hint="keep one of the two files"))
            continue
        sources[key] = doc
        model, found = _validate_one(doc)
        errors.extend(found)
        if model is not None:
            models[key] = model
    if ("site", "site") not in sources:
        errors.append(ContentError("content/site.yml", "the site file is missing",
                                   hint="create content/site.yml (see README.md)"))
    if errors:
        raise HandbookError(errors)

    def of(kind: str) -> dict[str, Any]:
        return {ident: m for (k, ident), m in models.items() if k == kind}

    library = Library(
        site=models[("site", "site")],  # type: ignore[arg-type]
        programs=of("program"),
        cohorts={tuple(ident.split("/", 1)): m  # type: ignore[misc]
                 for ident, m in of("cohort").items()},
        topics=of("topic"), challenges=of("challenge"), modules=of("module"),
        sources=sources,
        results={tuple(ident.split("/", 1)): m  # type: ignore[misc]
                 for ident, m in of("results").items()},
    )
    errors = cross_check(library) + check_results(library.results, library.programs,
                                                  library.cohorts, library.source)
    if errors:
        raise HandbookError(errors)
    return dataclasses.replace(library, results=with_pair_attendance(
        library.results, library.programs, library.cohorts))  # pairs' `held:` as counts
