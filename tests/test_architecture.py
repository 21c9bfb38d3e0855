"""The layout of the code: no import cycles, packages by concept, small files.

The import graph is read from the source (every `import`, lazy ones inside functions included),
so a cycle is caught even where Python would only hit it at run time.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("cnnapp", "ui")
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 12


def _modules(packages=PACKAGES) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _owner(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that an imported name lives in (`a.b.c` -> `a.b` if `c` is a name)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports. A module's own parent packages do not count:
    Python runs a package's `__init__` before any of its modules, wherever they are imported."""
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from . import x
                    here = module.split(".") if is_package else module.split(".")[:-1]
                    here = here[: len(here) - node.level + 1]
                    base = ".".join([*here, base] if base else here)
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                owner = _owner(name, modules)
                if owner and owner != module and not module.startswith(owner + "."):
                    targets.add(owner)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

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
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_lazy_import(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from pkg import a\n")
    (package / "c.py").write_text("import pkg.a\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    graph = import_graph(_modules(("pkg",)))
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_import_cycles_in_cnnapp_or_ui():
    found = cycles(import_graph(_modules()))
    assert found == [], "import cycles (lazy imports included): " + "; ".join(
        " <-> ".join(cycle) for cycle in found
    )


def test_the_layer_registry_imports_none_of_its_entries():
    graph = import_graph(_modules())
    # Only leaf utilities (its error's wording); never a layer module of cnnapp.nets.
    assert {m for m in graph["cnnapp.nets.registry"] if m.startswith("cnnapp.nets")} == set()
    assert graph["cnnapp.nets.registry"] <= {"cnnapp.messages"}
    from cnnapp.nets.registry import LAYER_TYPES

    assert {"conv2d", "dense", "backbone"} <= set(LAYER_TYPES)  # entries registered themselves


@pytest.mark.parametrize("package", ["cnnapp", "ui", "pages"])
def test_no_file_over_400_lines(package):
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / package).rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these by concept (at most {MAX_LINES} lines): {long}"


def test_the_engine_is_laid_out_in_packages_that_say_what_they_own():
    top = [p.name for p in (ROOT / "cnnapp").glob("*.py") if p.stem not in ("__init__", "__main__")]
    assert len(top) <= MAX_TOP_LEVEL_MODULES, sorted(top)
    for package in (ROOT / "cnnapp").iterdir():
        if (package / "__init__.py").exists():
            doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text()))
            assert doc and len(doc) > 40, f"cnnapp/{package.name}/__init__.py needs a docstring"
