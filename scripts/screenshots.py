"""Screenshots of the built site for the README, in headless Chromium.

    .venv/bin/python scripts/screenshots.py              # build site/ first, then shoot
    .venv/bin/python scripts/screenshots.py --site site  # shoot an existing built site

Writes screenshots/<page>-<scheme>.png (1280x900) for the home page, a cohort handbook and an
agenda, in the light and the dark scheme. Needs the Debian package `chromium`.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import FLAGS, serve  # noqa: E402  (the same Chromium flags and server as the tests)

PAGES = {
    "home": "",
    "cohort": "programs/reverse-mentoring/2027-spring-london/",
    "agenda": "programs/reverse-mentoring/2027-spring-london/02-digital-toolkit/",
}
SCHEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}


def build() -> Path:
    """Build the shipped content into site/, as `make site` does."""
    done = subprocess.run([sys.executable, "-m", "handbook", "build"], cwd=REPO, check=False)
    if done.returncode != 0:
        sys.exit("the build failed")
    return REPO / "site"


def shoot(site: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Chromium is not installed (Debian package `chromium`)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            for scheme in SCHEMES:
                # A fresh context per scheme: Material follows prefers-color-scheme on a first
                # visit (the palette toggle's choice lives in the context's localStorage).
                context = browser.new_context(viewport=VIEWPORT, color_scheme=scheme,
                                              reduced_motion="reduce", device_scale_factor=1)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path, wait_until="networkidle")
                    page.wait_for_timeout(300)  # let the tabs and header settle
                    target = out / f"{name}-{scheme}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="an existing built site (default: build)")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots")
    args = parser.parse_args()
    site = args.site if args.site else build()
    for path in shoot(site.resolve(), args.out):
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)


if __name__ == "__main__":
    main()
