"""Results in a translated site: a results file names its questions by their text, matched
without case and punctuation (validate/results.question_key), so a translation must follow
them the same way, and no two questions of a survey may read the same (in any language),
or one question's answers would be shown under the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, make_project
from handbook.errors import HandbookError
from handbook.load.loader import load_content
from handbook.load.overlays import load_overlays
from handbook.validate.documents import validate
from handbook.validate.overlays import translate

PROGRAM = "content/programs/pilot/program.yml"
QUESTIONS = ["How satisfied are you?", "Mentors only. How confident are you?",
             "Mentees only. How confident are you?"]
RESULTS = """\
surveys:
  final:
    responses: 9
    questions:
      - {question: "how satisfied are you", n: 9, counts: {3: 1, 4: 4, 5: 4}}
      - {question: "Mentors only. How confident are you?", n: 6, counts: {1: 6}}
"""


def _project(tmp_path: Path, german: list[str] | None, english: list[str] = QUESTIONS
             ) -> Path:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    program = yaml.safe_load((root / PROGRAM).read_text("utf-8"))
    program["evaluation"][0]["questions"] = [{"question": q} for q in english]
    program["evaluation"][0]["questions"][0]["kpi"] = "satisfaction"
    (root / PROGRAM).write_text(yaml.safe_dump(program, sort_keys=False), "utf-8")
    if german is not None:
        overlay = {"evaluation": [{"questions": [{"question": q} for q in german]}]}
        (root / "content/programs/pilot/program.de.yml").write_text(
            yaml.safe_dump(overlay, allow_unicode=True), "utf-8")
    (root / "content/programs/pilot/results").mkdir()
    (root / "content/programs/pilot/results/first.yml").write_text(RESULTS, "utf-8")
    return root


def _library(root: Path, language: str):
    documents = load_content(root / "content", root)
    merged, _ = translate(documents, load_overlays(root / "content", root), language)
    return validate(merged)


def test_results_follow_a_translation_whatever_their_case_and_punctuation(
        tmp_path: Path) -> None:
    root = _project(tmp_path, ["Wie zufrieden sind Sie?", "Wie sicher sind Mentoren?",
                               "Wie sicher sind Mentees?"])
    _library(root, "en")  # valid in English: the question is matched without case or '?'
    library = _library(root, "de")  # ... and so in German
    entry = library.results[("pilot", "first")].surveys["final"].questions[0]
    assert entry.question == "Wie zufrieden sind Sie?"


def test_two_questions_translated_alike_are_located_in_the_translation(
        tmp_path: Path) -> None:
    root = _project(tmp_path, ["Wie zufrieden sind Sie?", "Wie sicher sind Sie?",
                               "Wie sicher sind Sie?"])
    _library(root, "en")
    with pytest.raises(HandbookError) as caught:
        _library(root, "de")
    found = [e for e in caught.value.errors if "already asks this question" in e.message]
    assert found and found[0].file == "content/programs/pilot/program.de.yml"
    assert found[0].field == "evaluation[0].questions[2].question"


def test_two_questions_that_read_the_same_are_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, None, [QUESTIONS[0], QUESTIONS[1],
                                     "Mentors only - how confident are you"])
    with pytest.raises(HandbookError) as caught:
        _library(root, "en")
    (error,) = caught.value.errors
    assert error.file == PROGRAM and "already asks this question (question 2)" in error.message
