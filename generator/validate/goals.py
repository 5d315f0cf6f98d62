"""A KPI's goal: the structured `goal:` a KPI may carry, and the reading of its `target` text.

Why both: authors write targets as people do ("80% or more", "Average of 4.2 or higher out of
5"), and most of them can be read reliably, so nobody has to restate them. Text that cannot be
read (a ratio, a comparison with another group) gets a message saying how to write it, or the
author adds `goal: {op: at-least, value: 50, unit: percent}` and the text stays as it is.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Op = Literal["at-least", "at-most"]
Unit = Literal["percent", "mean"]
Measure = Literal["answers", "attendance"]


class Goal(BaseModel):
    """What a KPI's measured value is compared with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    op: Op = Field("at-least", description="at-least: the value must reach the goal; at-most: "
                                           "it must not exceed it.")
    value: float = Field(ge=0, description="The goal, e.g. 80 (with unit percent) or 4.2.")
    unit: Unit = Field(description="percent: the share of favourable answers (4 or 5 on a "
                                   "scale, yes on a yes-no question) or of planned meetings "
                                   "held; mean: the average answer (scale or number).")
    measure: Measure = Field("answers", description="answers: from the survey questions that "
                                                    "name this KPI; attendance: the share of "
                                                    "planned meetings held (results file).")


GOAL_EXAMPLE = "goal: {op: at-least, value: 80, unit: percent}"
HOW_TO_WRITE = ("write the target like '80% or more', 'at least 4.2 out of 5' or '8 or fewer on "
                f"average', or keep the text and add `{GOAL_EXAMPLE}` to the KPI")
WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
         "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(WORDS) + r")"
_AT_MOST = re.compile(r"or (?:less|fewer|lower|below)|at most|no more than|not more than|"
                      r"maximum|under|below|≤|<=", re.I)
_AT_LEAST = re.compile(r"or (?:more|higher|above|better)|at least|no less than|minimum|"
                       r"above|over|≥|>=", re.I)
# Scale wording that holds numbers which are not the goal: "4 or 5", "out of 5", "of 5".
_SCALE_WORDS = re.compile(r"\b\d\s+or\s+\d\b|\bout\s+of\s+\d+\b|(?<=\d)\s+of\s+\d+\b", re.I)


def _number(text: str) -> float:
    word = text.casefold()
    return float(WORDS[word]) if word in WORDS else float(text.replace(",", "."))


def parse_target(text: str) -> Goal | None:
    """The goal a target text states, or None if it cannot be read with confidence.

    A percentage makes a percent goal; otherwise the first number that is not scale wording
    ("out of 5", "4 or 5") makes a mean goal. "or fewer", "at most", "≤" make at-most; anything
    else is at-least, as targets are usually minimums. Two goal numbers, or a comparison
    word such as "every" or "per two", make the text ambiguous: None.
    """
    percent = re.findall(r"(\d+(?:[.,]\d+)?)\s*%", text)
    op: Op = "at-most" if _AT_MOST.search(text) and not _AT_LEAST.search(text) else "at-least"
    if len(percent) == 1:
        return Goal(op=op, value=_number(percent[0]), unit="percent", measure="answers")
    if percent:
        return None
    rest = _SCALE_WORDS.sub(" ", text)
    if re.search(r"\bevery\b|\bfor each\b|\bper (?:two|three|\d)", rest, re.I):
        return None  # a ratio ("one for every two pairs") needs a goal: of its own
    numbers = re.findall(rf"\b{_NUMBER}\b", rest, re.I)
    if len(numbers) != 1:
        return None
    return Goal(op=op, value=_number(numbers[0]), unit="mean", measure="answers")


def met(goal: Goal, measured: float) -> bool:
    """Whether the measured value reaches the goal (a value exactly on the goal does)."""
    return measured >= goal.value if goal.op == "at-least" else measured <= goal.value
