"""Editing a cohort file's `pairs` list with ruamel.yaml's round-trip mode, so the author's
comments, key order and quoting survive an import; only the pairs list (or, for attendance,
each pair's `held:` list) changes.

Why a module of its own: ruamel.yaml hangs comments on neighbouring nodes in ways that need
moving by hand when the list changes (`take_tail`, `take_end`, `put_tail`); that is a job
apart from reading spreadsheets and matching columns (importer.py).
"""

from __future__ import annotations

import io
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from ..errors import ContentError, HandbookError


def round_trip_yaml(text: str) -> YAML:
    """A round-trip YAML that writes back what it read: quotes, long lines, indentation."""
    yaml = YAML()  # round-trip: comments and key order are kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the author wrote on one line
    yaml.allow_unicode = True
    indented = re.search(r"^ +- ", text, re.M) or not re.search(r"^- ", text, re.M)
    if indented:
        yaml.indent(mapping=2, sequence=4, offset=2)  # "  - mentor:", as the shipped files
    else:
        yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def detach_comment(entry: list[Any] | None, position: int) -> str | None:
    """Split the comment at entry[position]: keep its end-of-line part, return the lines after.

    None if there is no comment there.
    """
    token = entry[position] if entry and len(entry) > position else None
    if not isinstance(token, CommentToken):
        return None
    head, _, tail = token.value.partition("\n")
    if head.strip():
        token.value = head + "\n"
    else:
        entry[position] = None  # type: ignore[index]
    return tail


def take_tail(node: Any) -> str:
    """Detach the comment lines that follow a collection's last item and return them.

    ruamel.yaml hangs the comments after a list on its deepest last value; they belong after the
    list (often they introduce the next key), so they must move when the items change.
    """
    while isinstance(node, CommentedSeq | CommentedMap) and len(node):
        if isinstance(node, CommentedSeq):
            key: Any = len(node) - 1
            position = 0
        else:
            key = list(node)[-1]
            position = 2
        tail = detach_comment(node.ca.items.get(key), position)
        if tail is not None:
            return tail
        node = node[key]
    return ""


def take_end(seq: CommentedSeq, data: CommentedMap) -> str:
    """The comment lines after a list that ruamel.yaml does not hang on its last item: after a
    block list of flow-style pairs they are the list's end comments; after a flow-style list
    they hang on the `pairs` key, behind the comment on the list's own line (which stays)."""
    tail = "".join(" " * token.column * bool(token.value.strip()) + token.value.lstrip(" ")
                   for token in seq.ca.end or [] if isinstance(token, CommentToken))
    seq.ca.end = []
    if seq.fa.flow_style():
        tail += detach_comment(data.ca.items.get("pairs"), 2) or ""
    return tail


def put_tail(seq: CommentedSeq, tail: str) -> None:
    """Hang comment lines taken by `take_tail` after the new last item."""
    if not tail.strip() or not len(seq):
        return
    last = seq[-1]
    token = CommentToken("\n" + tail, CommentMark(0), None)
    if isinstance(last, CommentedMap) and not last.fa.flow_style():
        last.ca.items[list(last)[-1]] = [None, None, token, None]
    else:
        seq.ca.items[len(seq) - 1] = [token, None, None, None]


def _new_item(values: dict[str, str], flow: bool) -> CommentedMap:
    item = CommentedMap(values.items())
    if flow:
        item.fa.set_flow_style()
    return item


def with_pairs(text: str, shown: str, pairs: list[dict[str, str]], append: bool) -> str:
    """The cohort file's text with its pairs replaced by (or extended with) `pairs`, each
    written with its keys in the order given; every comment stays where the author put it."""
    yaml = round_trip_yaml(text)
    try:
        data = yaml.load(text)
    except YAMLError as exc:  # parse_yaml accepted it, so this is unlikely
        raise HandbookError([ContentError(shown, f"cannot edit this YAML: {exc}")]) from None
    current = data.get("pairs")
    keep = isinstance(current, CommentedSeq) and append and len(current)
    seq: CommentedSeq = current if keep else CommentedSeq()
    if isinstance(current, CommentedSeq) and len(current):
        tail = take_tail(current)
        if not keep:
            tail += take_end(current, data)
    else:  # `pairs: []  # none yet`: the comments hang on the key
        tail = detach_comment(data.ca.items.get("pairs"), 2) or ""
    flow = bool(keep) and isinstance(seq[-1], CommentedMap) and bool(seq[-1].fa.flow_style())
    seq.extend(_new_item(values, flow) for values in pairs)
    put_tail(seq, tail)
    data["pairs"] = seq
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()




def with_held(text: str, shown: str, held: dict[int, list[int]]) -> str:
    """The cohort file's text with `held: [...]` set on the pairs given (by index): an existing
    list is changed where it stands, a new one goes last in its pair, taking over the comment
    lines that followed the pair's last key (they belong to what comes next)."""
    yaml = round_trip_yaml(text)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise HandbookError([ContentError(shown, f"cannot edit this YAML: {exc}")]) from None
    pairs = data["pairs"]
    for index, numbers in sorted(held.items()):
        pair = pairs[index]
        current = pair.get("held")
        if isinstance(current, CommentedSeq):
            current[:] = numbers  # keeps its style and its comments
            continue
        value = CommentedSeq(numbers)
        value.fa.set_flow_style()
        if "held" in pair or pair.fa.flow_style():
            pair["held"] = value
            continue
        tail = detach_comment(pair.ca.items.get(list(pair)[-1]), 2)
        pair["held"] = value
        if tail:
            pair.ca.items["held"] = [None, None, CommentToken("\n" + tail, CommentMark(0), None),
                                     None]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
