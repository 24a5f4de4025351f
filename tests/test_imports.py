"""The import graph of our own packages, read with ``ast``: no module waits on itself.

A circle of module-level imports works only in one order, and breaks the day someone imports the
other end first; a function-level import that hides one is the same circle, deferred. Dependencies
point one way: ``dates`` below ``models``, ``models`` below the views.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("guidance", "eidguide")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def module_name(path: Path) -> str:
    """The dotted name Python gives the file at ``path``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def our_modules() -> dict[str, Path]:
    """Every module of our packages, by dotted name."""
    return {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def imports_in(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement in ``tree``, with whether it runs when the module is imported."""

    def walk(node: ast.AST, at_module_level: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, at_module_level
            yield from walk(child, at_module_level and not isinstance(child, FUNCTIONS))

    yield from walk(tree, True)


def imported_modules(
    statement: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: dict
) -> set[str]:
    """The modules of ours that ``statement`` (in module ``importer``) loads by name."""
    if isinstance(statement, ast.Import):
        names = [alias.name for alias in statement.names]
    else:
        base = statement.module or ""
        if statement.level:
            package = importer.split(".")
            package = package if is_package else package[:-1]
            package = package[: len(package) - (statement.level - 1)]
            base = ".".join(part for part in [*package, base] if part)
        # ``from package import name`` loads the submodule ``package.name`` when there is one.
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
            for alias in statement.names
        ]
    found = set()
    for name in names:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        if name and name != importer:
            found.add(name)
    return found


def import_graph(module_level_only: bool) -> dict[str, set[str]]:
    """Which of our modules each of our modules imports (at import time, or anywhere)."""
    modules = our_modules()
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        graph[name] = set()
        for statement, at_module_level in imports_in(tree):
            if at_module_level or not module_level_only:
                is_package = path.name == "__init__.py"
                graph[name] |= imported_modules(statement, name, is_package, modules)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle of imports for each group of modules that import each other (Tarjan's SCCs)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [circle_within(group, graph) for group in groups]


def circle_within(group: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not a circle")


def test_the_graph_sees_the_imports_we_know_of():
    graph = import_graph(module_level_only=True)
    assert "guidance.rules.dates" in graph["guidance.models"]
    assert "guidance.models" in graph["guidance.pages.views"]
    assert "guidance.templatetags.review_admin" in graph
    assert "eidguide.settings" in graph


def test_a_circle_of_imports_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]


def test_no_module_of_ours_imports_itself_through_others_at_import_time():
    found = cycles(import_graph(module_level_only=True))
    assert not found, "import cycles: " + "; ".join(" -> ".join(circle) for circle in found)


def test_no_import_inside_a_function_hides_a_circle():
    found = cycles(import_graph(module_level_only=False))
    assert not found, "import cycles: " + "; ".join(" -> ".join(circle) for circle in found)
