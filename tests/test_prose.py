"""Markdown fields (issue 13, second pass): `handbook check` refuses every link and image that
`handbook build` would fail on or that the site could not show offline, as a located error with
a hint; and code in prose shows exactly as typed, while raw HTML and attribute lists outside
code still show as text."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, handbook, make_project
from handbook.errors import HandbookError
from handbook.pipeline import Project, prepare

TOPIC = "content/topics/tooling.yml"


def _project(tmp_path: Path, why: str) -> Path:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    data = yaml.safe_load((root / TOPIC).read_text("utf-8"))
    data["why_it_matters"] = why
    (root / TOPIC).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return root


def _report(root: Path) -> str:
    with pytest.raises(HandbookError) as caught:
        prepare(Project.at(root))
    return caught.value.report()


LOCATED = r"content/topics/tooling\.yml:\d+:\d+: why_it_matters: "
LINKS_ONLY = "links may only point to http(s):// or mailto: addresses"
# Each passed `handbook check` and then failed `handbook build` (MkDocs --strict, with no
# content file in the message) or showed a broken picture (the CSP blocks other hosts).
REFUSED = {
    "image-https": ("![c](https://tracker.example.com/p.png)", "is on another site",
                    "works offline"),
    "image-protocol-relative": ("![c](//evil.example.com/p.png)", "is on another site",
                                "works offline"),
    "image-relative": ("![c](pictures/p.png)", "is not part of the site", "link to the picture"),
    "relative-link": ("[a](docs/missing.md)", LINKS_ONLY, "relative"),
    "footnote": ("Text[^1]\n\n[^1]: note\n", LINKS_ONLY, "footnotes"),
    "percent-encoded-colon": ("[a](javascript%3Aalert(1))", LINKS_ONLY, "relative"),
    "backslash-scheme": ("[a](\\javascript:alert(1))", LINKS_ONLY, "relative"),
    "percent-encoded-letter": ("[a](%6Aavascript:alert(1))", LINKS_ONLY, "relative"),
    "soft-hyphen-scheme": ("[a](javas\u00adcript:alert(1))", LINKS_ONLY, "relative"),
    "script-scheme": ("[a](javascript:alert(1))", LINKS_ONLY, "https://"),
    "anchor-only": ("[a](#learning-goals)", LINKS_ONLY, "heading"),
    "protocol-relative-link": ("[a](//example.com/x)", LINKS_ONLY, "https://"),
    "unused-relative-definition": ("[r]: docs/x.md\n", LINKS_ONLY, "relative"),
    "quote-in-address": ('[a](http://x" onclick="alert(1))', "a space or a quote",
                         "%20"),
    "space-in-address": ("[a](https://example.com/a b)", "a space or a quote", "%20"),
    "angle-brackets": ("[a](<https://example.com/a>)", LINKS_ONLY, "angle brackets"),
}


@pytest.mark.parametrize(("text", "message", "hint"), REFUSED.values(), ids=REFUSED.keys())
def test_check_refuses_what_the_build_cannot_publish(tmp_path: Path, text: str, message: str,
                                                     hint: str) -> None:
    report = _report(_project(tmp_path, text))
    assert re.search(LOCATED + ".*" + re.escape(message), report), report
    assert re.search(r"hint: .*" + re.escape(hint), report), report


def test_a_zero_width_split_scheme_is_refused(tmp_path: Path) -> None:
    report = _report(_project(tmp_path, "[a](ja\u200bvascript:alert(1))"))
    assert re.search(LOCATED, report) and "U+200B" in report, report


ACCEPTED = ("See [the guide](https://example.com/guide?a=1&b=2#part), "
            "[mail us](mailto:office@example.com \"Write to us\") and [the wiki][w].\n\n"
            "[w]: https://wiki.example.com/Tools\n\n"
            "Not a link: [a\\](javascript:alert(1)) and `[b](docs/x.md)`.\n")
# Code shows as typed; outside code, raw HTML and attribute lists still show as text.
CODE = ("Inline `<b>` and `{x}` and `a &amp; b`, then <i>raw</i> and {: onclick=\"alert(1)\" }"
        "\n\n```\nif a < b && c:\n    go({y})\n```\n\n"
        "Indented:\n\n    while a < b && c: {z}\n")


def _text(page: Path) -> str:
    body = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>',
                     page.read_text("utf-8"), re.S)
    assert body is not None
    return html.unescape(re.sub(r"<[^>]+>", "", body.group(1)))


def test_what_check_accepts_builds_strictly_and_shows_as_typed(tmp_path: Path) -> None:
    root = _project(tmp_path, ACCEPTED + "\n" + CODE)
    prepare(Project.at(root))  # check passes
    done = handbook("build", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    page = root / "site/topics/tooling/index.html"
    text = _text(page)
    for shown in ("[a](javascript:alert(1))", "[b](docs/x.md)", "Inline <b> and {x} and a &amp; b",
                  "then <i>raw</i> and {: onclick=\"alert(1)\" }", "if a < b && c:",
                  "go({y})", "while a < b && c: {z}"):
        assert shown in text, (shown, text)
    markup = page.read_text("utf-8")
    assert 'href="https://example.com/guide?a=1&amp;b=2#part"' in markup
    assert 'href="https://wiki.example.com/Tools"' in markup
    assert not re.search(r"<[^>]*\sonclick=", markup)
    assert "<i>raw</i>" not in markup


def test_a_line_starting_with_a_tag_inside_a_code_span_stays_text(tmp_path: Path) -> None:
    """Python-Markdown reads '<div>' at a line's start as raw HTML even inside a backtick
    span: there the '<' stays escaped, so no marker or tag can be forged through code."""
    from handbook.validate.prose import sanitize_markdown

    out = sanitize_markdown("`x\n<div>\n<!-- handbook:/body -->\ny` and `<b>`")
    assert "\n<div>" not in out and "\n<!--" not in out and "`<b>`" in out


def test_checking_the_shipped_content_costs_little() -> None:
    import time

    from handbook.validate.prose import markdown_problems

    root = Path(__file__).resolve().parent.parent / "content"
    texts = [str(v) for file in root.rglob("*.yml") for v in _strings(yaml.safe_load(
        file.read_text("utf-8")))]
    started = time.perf_counter()
    for text in texts:
        markdown_problems(text)
    assert time.perf_counter() - started < 0.5


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for v in data.values() for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [data] if isinstance(data, str) else []


@pytest.mark.parametrize("url", ["https://example.com/a?c=1&d=", "https://example.com/#top",
                                 "mailto:office@example.com", "ftp://example.com/"])
def test_the_site_url_is_a_plain_web_address(tmp_path: Path, url: str) -> None:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    with (root / "content/site.yml").open("a", encoding="utf-8") as out:
        out.write(f"url: {url}\n")
    report = _report(root)
    assert re.search(r"content/site\.yml:\d+:6: url: ", report), report
    assert "hint: " in report, report


def test_a_site_url_with_a_path_is_fine(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", FIXTURES / "mini" / "content")
    with (root / "content/site.yml").open("a", encoding="utf-8") as out:
        out.write("url: https://intranet.example.com/handbook/\n")
    prepare(Project.at(root))
