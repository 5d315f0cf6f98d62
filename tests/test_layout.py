"""The package layout is the pipeline: each stage is a subpackage and imports only downwards.

load -> validate -> resolve -> plan -> render -> write, then `pipeline` over them; the engine
glue (`engine/`) and the authoring commands (`authoring/`) stand beside the core and may use
it, never the other way round; the CLI sits on top. Every import counts, including those
under `TYPE_CHECKING` and inside functions: a cycle hidden from the interpreter is still a
cycle for the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
MAX_LINES = 400

# Lower number = lower layer. A module may import its own stage or any lower one.
RANK = {
    "errors": 0, "resources": 0, "fork": 0, "i18n": 0, "digests": 0,
    "load": 1, "validate": 2, "resolve": 3, "plan": 4, "render": 5, "write": 6,
    "pipeline": 7,
    "engine": 8, "authoring": 8,
    "cli": 9, "__main__": 10, "__init__": 0,
}
STAGES = ("load", "validate", "resolve", "plan", "render", "write", "engine", "authoring")


def _modules() -> dict[str, Path]:
    """Dotted name inside the package (`plan.site`) -> file."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every handbook module `name` imports, anywhere in the file."""
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    if name == "__init__":
        here = []
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                stem = [*base, *(node.module.split(".") if node.module else [])]
            elif node.module and node.module.split(".")[0] == "handbook":
                stem = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                candidate = ".".join([*stem, alias.name])
                targets.add(candidate if candidate in modules else ".".join(stem))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "handbook":
                    targets.add(".".join(alias.name.split(".")[1:]))
    return {t for t in targets if t and t != name}


def _layer(name: str) -> str:
    return name.split(".")[0]


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_every_module_belongs_to_a_known_layer() -> None:
    unknown = sorted(n for n in _modules() if _layer(n) not in RANK)
    assert not unknown, f"modules outside the layout (add them to a stage): {unknown}"


def test_stages_are_subpackages() -> None:
    missing = [s for s in STAGES if not (PACKAGE / s / "__init__.py").is_file()]
    assert not missing, missing


def test_imports_only_go_downwards() -> None:
    upward = []
    for name, targets in sorted(_graph().items()):
        for target in sorted(targets):
            mine, theirs = _layer(name), _layer(target)
            if mine == theirs:
                continue
            low, high = RANK.get(theirs, 99), RANK.get(mine, -1)
            if low > high or (low == high and low != 0):  # the base modules share a layer
                upward.append(f"{name} -> {target}")
    assert not upward, "imports that go up or sideways:\n" + "\n".join(upward)


def test_no_import_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt in graph and not state.get(nxt):
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("name", sorted(_modules()))
def test_module_is_short(name: str) -> None:
    lines = len(_modules()[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines (at most {MAX_LINES})"
