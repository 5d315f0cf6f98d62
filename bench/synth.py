"""Synthetic enterprise content for the benchmark: many programs, cohorts and meetings.

The text is pseudo-random but deterministic (fixed seed), so two runs of the benchmark build
byte-identical sites and timings compare like with like. Words are drawn from a large invented
vocabulary with a Zipf-like frequency, so page sizes and the search index grow the way real
prose makes them grow (a tiny repeated vocabulary would flatter the search index).

Every file is written with `yaml.safe_dump` and must pass the generator's validation: the
shapes follow `generator/models.py` and the shipped `content/`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEED = 20270324
AUDIENCES = ("mentor", "mentee", "coordinator")
INDEX_PAGES = 5  # home, programs, training, topics and challenges section pages
PROGRAM_PAGES = 1 + 3  # the handbook and one curriculum per audience
COHORT_PAGES = 1 + 1 + 3  # the cohort page, its print-everything page and one pack per audience

FUNCTION_WORDS = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "with", "be", "on",
    "by", "this", "are", "or", "from", "at", "an", "not", "have", "their", "they", "will", "can",
    "more", "which", "our", "each", "when", "what", "your", "about", "how", "who", "we",
]
SYLLABLES = [c + v for c in "bcdfgklmnprstvz" for v in "aeiou"] + [
    "an", "en", "in", "on", "ar", "er", "or", "al", "el", "il", "ol", "st", "tr", "pl", "gr", "br",
]
SEASONS = ("Spring", "Summer", "Autumn", "Winter")
CITIES = ("London", "Berlin", "Madrid", "Warsaw", "Dublin", "Lisbon", "Toronto", "Austin",
          "Singapore", "Manchester", "Remote", "Lyon")
ZONES = ("Europe/London", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw", "Europe/Dublin",
         "Europe/Lisbon", "America/Toronto", "America/Chicago", "Asia/Singapore",
         "Europe/London", "Europe/Berlin", "Europe/Paris")
HOLIDAYS = ({"country": "GB", "subdivision": "ENG"}, {"country": "DE", "subdivision": "BE"},
            {"country": "ES"}, {"country": "PL"}, {"country": "IE"}, {"country": "PT"},
            {"country": "CA", "subdivision": "ON"}, {"country": "US", "subdivision": "TX"},
            {"country": "SG"}, {"country": "GB", "subdivision": "ENG"},
            {"country": "DE", "subdivision": "BE"}, {"country": "FR"})
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


@dataclass(frozen=True)
class Size:
    """How big a content set is; `pages` is what the generator must produce for it."""

    programs: int = 20
    cohorts_per_program: int = 10
    sessions: int = 12
    topics: int = 30
    challenges: int = 10
    modules: int = 15

    @property
    def cohorts(self) -> int:
        return self.programs * self.cohorts_per_program

    @property
    def pages(self) -> int:
        """Index pages, the pages of each program, those of each cohort plus one agenda per
        meeting, and one page per topic, challenge and module."""
        return (INDEX_PAGES + self.programs * PROGRAM_PAGES
                + self.cohorts * (COHORT_PAGES + self.sessions)
                + self.topics + self.challenges + self.modules)

    def scaled(self, factor: int) -> Size:
        """More programs with the same shape: the library stays shared and fixed."""
        return Size(self.programs * factor, self.cohorts_per_program, self.sessions,
                    self.topics, self.challenges, self.modules)


class Words:
    """Deterministic pseudo-English: a Zipf-weighted invented vocabulary."""

    def __init__(self, seed: int = SEED, vocabulary: int = 6000) -> None:
        self.rng = random.Random(seed)
        invented: set[str] = set()
        while len(invented) < vocabulary:
            word = "".join(self.rng.choices(SYLLABLES, k=self.rng.choice((1, 2, 2, 3, 3, 4))))
            if len(word) > 2 and word not in FUNCTION_WORDS:
                invented.add(word)
        self.vocabulary = FUNCTION_WORDS + sorted(invented)
        self.rng.shuffle(self.vocabulary)
        self.weights = list(itertools.accumulate(1 / rank for rank in
                                                 range(1, len(self.vocabulary) + 1)))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.weights, k=count)

    def sentence(self, count: int) -> str:
        """A single-line sentence of about `count` words."""
        count = max(2, count + self.rng.randint(-2, 2))
        text = " ".join(self.words(count))
        return text[0].upper() + text[1:] + "."

    def phrase(self, count: int) -> str:
        """A few capitalised words, for titles."""
        return " ".join(w.capitalize() for w in self.words(count))

    def name(self) -> str:
        return f"{self.phrase(1)} {self.phrase(1)}"

    def slug(self, count: int = 2) -> str:
        return "-".join(self.words(count))

    def paragraphs(self, words: int, paragraphs: int = 2) -> str:
        """Markdown prose: sentences of 8-20 words, the odd word in bold."""
        out = []
        for _ in range(paragraphs):
            sentences, total = [], 0
            while total < words // paragraphs:
                n = self.rng.randint(8, 20)
                sentence = self.sentence(n)
                if self.rng.random() < 0.15:
                    first, _, rest = sentence.partition(" ")
                    sentence = f"**{first}** {rest}" if rest else sentence
                sentences.append(sentence)
                total += n
            out.append(" ".join(sentences))
        return "\n\n".join(out) + "\n"

    def lines(self, count: int, words: int) -> list[str]:
        return [self.sentence(words) for _ in range(count)]

    def split_minutes(self, total: int, parts: int) -> list[int]:
        """`parts` positive integers adding up to `total` (agenda and outline items)."""
        cuts = sorted(self.rng.sample(range(1, total), parts - 1))
        return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    "utf-8")


def _topic(w: Words) -> dict[str, Any]:
    return {
        "title": w.phrase(3),
        "summary": w.sentence(20),
        "why_it_matters": w.paragraphs(130),
        "learning_goals": w.lines(5, 12),
        "prompts": {"mentor": w.lines(4, 12), "mentee": w.lines(4, 12)},
        "activity": {"title": w.phrase(3), "minutes": w.rng.choice((20, 30, 35, 45)),
                     "steps": w.lines(5, 13)},
        "signs_of_progress": w.lines(4, 12),
    }


def _challenge(w: Words) -> dict[str, Any]:
    return {
        "title": w.phrase(2),
        "summary": w.sentence(22),
        "warning_signs": w.lines(5, 15),
        "likely_causes": w.lines(4, 14),
        "actions": {"mentor": w.lines(4, 14), "mentee": w.lines(4, 14),
                    "coordinator": w.lines(3, 14)},
        "escalate_when": w.lines(2, 14),
        "rematch_when": w.lines(2, 14),
    }


def _audience_of(index: int) -> list[str]:
    """A mix that gives every audience at least a third of the modules."""
    return [["mentor", "mentee"], ["mentor", "mentee", "coordinator"], ["coordinator"]][index % 3]


def _module(w: Words, index: int) -> dict[str, Any]:
    minutes = w.rng.choice((45, 60, 90, 120))
    exercise = w.rng.choice((15, 20, 30))
    return {
        "title": w.phrase(3),
        "summary": w.sentence(22),
        "audience": _audience_of(index),
        "minutes": minutes,
        "objectives": w.lines(4, 14),
        "outline": [{"minutes": m, "item": w.sentence(10)}
                    for m in w.split_minutes(minutes, 5)],
        "exercise": {"title": w.phrase(2), "minutes": exercise,
                     "instructions": w.paragraphs(120)},
        "materials": w.lines(4, 6),
    }


def _session(w: Words, number: int, topics: list[str], challenges: list[str]) -> dict[str, Any]:
    minutes = w.rng.choice((45, 60, 75, 90))
    return {
        "id": f"s{number:02d}-{w.slug(2)}",
        "title": w.phrase(4),
        "objective": w.sentence(22),
        "minutes": minutes,
        "topics": w.rng.sample(topics, min(2, len(topics))),
        "challenges": w.rng.sample(challenges, min(1, len(challenges))),
        "agenda": [{"minutes": m, "item": w.sentence(9)} for m in w.split_minutes(minutes, 4)],
        "prompts": w.lines(3, 13),
        "preparation": w.lines(3, 11),
        "follow_up": w.lines(3, 11),
    }


def _program(w: Words, size: Size, topics: list[str], challenges: list[str],
             modules: list[str]) -> dict[str, Any]:
    plan = [_session(w, n, topics, challenges) for n in range(1, size.sessions + 1)]
    objectives = [{"title": w.phrase(3), "description": w.paragraphs(50, 1),
                   "kpis": [{"id": f"kpi-{o}-{k}", "name": w.phrase(3), "target": w.sentence(4),
                             "measured_by": w.sentence(8)} for k in range(1, 3)]}
                  for o in range(1, 4)]
    roles = [{"id": role, "name": role.capitalize(), "description": w.paragraphs(40, 1),
              "responsibilities": w.lines(3, 10), "time_commitment": w.sentence(5)}
             for role in ("mentor", "mentee", "coordinator", "sponsor")]
    curricula = {a: w.rng.sample([m for i, m in enumerate(modules) if a in _audience_of(i)],
                                 min(3, len(modules) // 3))
                 for a in AUDIENCES}
    program: dict[str, Any] = {
        "title": f"{w.phrase(2)} Program",
        "summary": w.sentence(20),
        "purpose": w.paragraphs(150),
    }
    if w.rng.random() < 0.5:
        program["comparison"] = {
            "title": w.phrase(4), "other_label": w.phrase(2), "this_label": w.phrase(2),
            "rows": [{"aspect": w.phrase(2), "other": w.sentence(10), "this": w.sentence(10)}
                     for _ in range(5)]}
    program.update({
        "objectives": objectives,
        "duration": w.sentence(3),
        "cadence": w.sentence(4),
        "format": w.sentence(4),
        "roles": roles,
        "enrolment": {"mode": w.rng.choice(("open", "invite-only")),
                      "description": w.paragraphs(60, 1), "channels": w.lines(3, 4),
                      "selection_criteria": w.lines(3, 10)},
        "matching": {"description": w.paragraphs(60, 1), "criteria": w.lines(3, 5),
                     "trial_period": w.sentence(12), "rematching": w.sentence(14)},
        "launch_steps": [{"title": w.phrase(3), "description": w.sentence(14)}
                         for _ in range(5)],
        "evaluation": [
            {"id": survey, "title": w.phrase(2), "after_session": session["id"],
             "audience": ["mentor", "mentee"],
             "questions": [{"question": w.sentence(10).rstrip(".") + "?",
                            "kpi": f"kpi-{q}-1"} for q in range(1, 4)]}
            for survey, session in (("mid-point", plan[len(plan) // 2]), ("final", plan[-1]))],
        "recognition": w.lines(2, 10),
        "curricula": curricula,
        "challenges": w.rng.sample(challenges, min(3, len(challenges))),
        "meeting_plan": plan,
    })
    return program


def _cohort(w: Words, index: int, title: str) -> dict[str, Any]:
    """Cohorts vary cadence, zone, holidays and blackouts, as real ones do."""
    place = index % len(CITIES)
    fmt = ("virtual", "in-person", "hybrid")[index % 3]
    start = dt.date(2027, 1, 4) + dt.timedelta(days=(index * 17) % 540)
    cadence = ("weekly", "every 2 weeks", "every 3 weeks", "monthly", "monthly")[index % 5]
    schedule: dict[str, Any] = {"start": start.isoformat(), "cadence": cadence}
    if cadence == "monthly" and index % 2:
        schedule["day_of_month"] = 1 + index % 28
    elif cadence == "monthly":
        schedule["week"] = ("first", "second", "third", "fourth", "last")[index % 5]
        schedule["weekday"] = WEEKDAYS[index % 5]
    else:
        schedule["weekday"] = WEEKDAYS[index % 5]
    schedule["time"] = f"{9 + index % 8:02d}:{(0, 15, 30, 45)[index % 4]:02d}"
    schedule["time_zone"] = ZONES[place]
    if index % 2 == 0:
        schedule["holidays"] = HOLIDAYS[place]
    if index % 4 == 1:
        schedule["blackouts"] = [{"start": f"{start.year}-12-20", "end": f"{start.year + 1}-01-03",
                                  "reason": "Year-end shutdown"}]
    if index % 3 == 2:
        schedule["when_blocked"] = "skip"
    cohort: dict[str, Any] = {
        "title": title,
        "summary": w.paragraphs(170),
        "coordinator": {"name": w.name(), "email": f"coordinator{index}@example.com"},
        "format": fmt,
    }
    if fmt != "virtual":
        cohort["place"] = f"{w.phrase(2)} Room, {CITIES[place]} office"
    if fmt != "in-person":
        cohort["video_link"] = f"https://meet.example.com/cohort-{index}"
    cohort["schedule"] = schedule
    cohort["pairs"] = [{"mentor": w.name(), "mentee": w.name(), "department": w.phrase(2)}
                       for _ in range(6 + index % 5)]
    return cohort


def write_content(folder: Path, size: Size, seed: int = SEED) -> None:
    """Write a complete content/ tree of the given size."""
    w = Words(seed)
    _dump(folder / "site.yml", {
        "title": "Enterprise Mentoring Handbook", "organisation": "Benchmark Group",
        "description": w.sentence(18),
        "contact": {"name": "People Development Office", "email": "mentoring@example.com",
                    "phone": "Ext. 4410"},
        "url": "https://intranet.example.com/mentoring", "privacy": "internal"})
    topics = [f"t{i:02d}-{w.slug(2)}" for i in range(size.topics)]
    challenges = [f"c{i:02d}-{w.slug(2)}" for i in range(size.challenges)]
    modules = [f"m{i:02d}-{w.slug(2)}" for i in range(size.modules)]
    for ident in topics:
        _dump(folder / "topics" / f"{ident}.yml", _topic(w))
    for ident in challenges:
        _dump(folder / "challenges" / f"{ident}.yml", _challenge(w))
    for i, ident in enumerate(modules):
        _dump(folder / "training" / f"{ident}.yml", _module(w, i))
    index = 0
    for p in range(size.programs):
        pid = f"p{p:03d}-{w.slug(1)}"
        _dump(folder / "programs" / pid / "program.yml",
              _program(w, size, topics, challenges, modules))
        for c in range(size.cohorts_per_program):
            season = SEASONS[(p + c) % 4]
            city = CITIES[index % len(CITIES)]
            cid = f"{2027 + c // 4}-{season.lower()}-{city.lower()}-{c:02d}"
            title = f"{season} {2027 + c // 4} – {city} {c + 1}"
            _dump(folder / "programs" / pid / "cohorts" / f"{cid}.yml", _cohort(w, index, title))
            index += 1
