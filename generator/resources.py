"""Where the defaults that ship with handbook are: templates, theme overrides, example content.

One copy of each lives in the repository (`templates/`, `site_overrides/`, `content/`). An
installed wheel carries them inside the package (`handbook/templates/`, ...: setuptools maps
the folders there, see pyproject.toml); an editable install of the repository reads them where
they stand. Nothing else in the code knows either layout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPOSITORY = _PACKAGE.parent  # an editable install: generator/ sits beside the defaults

# Name inside the installed package -> name in the repository.
_LAYOUT = {"templates": "templates", "site_overrides": "site_overrides", "example": "content"}


def _shipped(name: str) -> Path:
    for candidate in (_PACKAGE / name, _REPOSITORY / _LAYOUT[name]):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"handbook is installed without its {name!r} folder: reinstall it")


def default_templates() -> Path:
    """The Jinja templates of every page kind."""
    return _shipped("templates")


def default_overrides() -> Path:
    """The Material theme overrides: main.html, partials, stylesheet, scripts, logo."""
    return _shipped("site_overrides")


def project_files() -> Path:
    """The mkdocs.yml, gitignore and README.md of a new project (`handbook init`); its
    mkdocs.yml is also the settings of a project that has none of its own."""
    return default_templates() / "project"


def example_content() -> Path:
    """The shipped reverse-mentoring and buddy programs, for `handbook init --example`."""
    return _shipped("example")
