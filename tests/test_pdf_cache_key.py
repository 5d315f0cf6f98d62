"""The PDF cache key covers what a page's stylesheets load (review of issue 20): a team's extra
CSS may draw a brand font or a background image with url(...); the key hashed the page and the
files its tags name, so replacing that font or image reused the old PDF."""

from __future__ import annotations

from pathlib import Path

from handbook.engine.pdf import PdfJob, cache_key


def _site(root: Path) -> tuple[Path, PdfJob]:
    page = root / "programs/p/c/print"
    page.mkdir(parents=True)
    (page / "index.html").write_text(
        '<html><head><link rel="stylesheet" href="../../../../assets/extra.css"></head>'
        "<body>x</body></html>", encoding="utf-8")
    (root / "assets/fonts").mkdir(parents=True)
    (root / "assets/extra.css").write_text(
        '@font-face { font-family: Brand; src: url("fonts/brand.woff2?v=1") format("woff2"); }\n'
        "body { background: url(bg.png) }\n@import url('more.css');\n", encoding="utf-8")
    (root / "assets/more.css").write_text("h1 { background: url(h1.png) }", encoding="utf-8")
    for name, data in (("fonts/brand.woff2", b"font 1"), ("bg.png", b"png 1"),
                       ("h1.png", b"h1 1")):
        (root / "assets" / name).write_bytes(data)
    return root, PdfJob("programs/p/c/print.md", "programs/p/c/c.pdf", "C", None, 0)


def test_a_font_or_image_a_stylesheet_loads_changes_the_key(tmp_path: Path) -> None:
    site, job = _site(tmp_path)
    before = cache_key(site, job, b"printer")
    assert cache_key(site, job, b"printer") == before
    for name in ("fonts/brand.woff2", "bg.png", "h1.png"):
        (site / "assets" / name).write_bytes(b"changed")
        after = cache_key(site, job, b"printer")
        assert after != before, name
        before = after
