"""The names of the engine's files beside the docs folder (engine_config.py writes them).

Apart from engine_config so that the MkDocs plugin can find them without importing the
generator: the plugin is loaded by every engine run, and the generator's import is most of
a small rebuild's start-up.
"""

CONFIG_NAME = "mkdocs.yml"  # beside the docs folder: build/mkdocs.yml
THEME_FOLDER = "theme"  # the merged theme overrides: build/theme
