"""JSON Schemas for the content files, generated from the pydantic models.

Why: editors with the YAML language server (VS Code's YAML extension, for instance) complete
keys, show each field's description on hover and flag mistakes while typing, long before
`handbook check` runs. The models stay the single source of truth; the schemas in `schemas/` are
generated output, regenerated with `handbook schema` whenever a model changes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from ..validate.documents import MODEL_OF

SCHEMA_DIR = "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Where each kind of file lives, shown on hover at the top of a file.
WHERE = {
    "site": "content/site.yml: site title, contact and privacy mode.",
    "program": "content/programs/<program>/program.yml: a program handbook and its meeting plan.",
    "cohort": "content/programs/<program>/cohorts/<cohort>.yml: one cohort, its schedule and "
              "pairs.",
    "topic": "content/topics/<topic>.yml: a topic guide referenced from meeting plans.",
    "challenge": "content/challenges/<challenge>.yml: a challenge playbook.",
    "module": "content/training/<module>.yml: a training module referenced from curricula.",
    "results": "content/programs/<program>/results/<cohort>.yml: a cohort's survey results "
               "and attendance, aggregates only.",
}
# Times are written as in the README ("16:00"), which pydantic accepts but JSON Schema's
# `format: time` (RFC 3339, seconds and offset required) would flag in every cohort file.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"


class _HandbookJsonSchema(GenerateJsonSchema):
    """pydantic's generator, with times described the way the content writes them."""

    def time_schema(self, schema: core_schema.TimeSchema) -> JsonSchemaValue:
        return {"type": "string", "pattern": TIME_PATTERN}


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema of one kind of content file (site, program, cohort, topic, ...)."""
    model: type[BaseModel] = MODEL_OF[kind]
    body = model.model_json_schema(schema_generator=_HandbookJsonSchema)
    head = {"$schema": DIALECT, "title": f"handbook {kind} file",
            "description": WHERE[kind]}
    return {**head, **{k: v for k, v in body.items() if k not in head}}


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def render_schemas() -> dict[str, str]:
    """Every schema as file name -> JSON text, in a stable form so diffs stay small."""
    return {schema_file_name(kind): json.dumps(schema_for(kind), indent=2, ensure_ascii=False)
            + "\n" for kind in MODEL_OF}


def write_schemas(root: Path) -> list[Path]:
    """Write schemas/<kind>.schema.json for every kind; returns the paths written."""
    folder = root / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = folder / name
        path.write_text(text, encoding="utf-8", newline="\n")  # the same file on Windows
        written.append(path)
    return written


def schema_comment(kind: str, file: Path, root: Path) -> str:
    """The first-line comment that points the YAML language server at the kind's schema.

    The path is relative to the YAML file, so it works in any clone and any editor.
    """
    target = root.resolve() / SCHEMA_DIR / schema_file_name(kind)
    relative = Path(os.path.relpath(target, file.resolve().parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"
