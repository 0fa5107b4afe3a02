"""No import circles between humsec modules (issue 9 §7).

A circle (``a`` imports ``b`` and ``b`` imports ``a``, directly or through others) is counted
even when one side hides its import inside a function: the two modules cannot be understood,
tested or moved apart. Imports under ``if TYPE_CHECKING:`` are annotations only and are not
counted.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def import_graph() -> nx.DiGraph:
    """Edges ``module -> imported humsec module`` over every file under ``src/humsec``."""
    files = sorted((SRC / "humsec").rglob("*.py"))
    modules = {_module_name(p) for p in files}
    graph = nx.DiGraph()
    for path in files:
        source = _module_name(path)
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hidden = _type_checking_lines(tree)
        graph.add_node(source)
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in hidden:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, *([base] if base else [])])
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            for target in targets:
                if target in modules and target != source:
                    graph.add_edge(source, target)
    return graph


def test_the_graph_sees_imports() -> None:
    graph = import_graph()
    assert graph.has_edge("humsec.shocks.engine", "humsec.shocks.blocks")
    assert graph.has_edge("humsec.data.hxl", "humsec.data.readers")


def test_no_import_circles_between_modules() -> None:
    graph = import_graph()
    # A package's __init__ re-exports its modules; a module that imports its own package's
    # face closes a circle through __init__, which is reported like any other.
    circles = sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)
    assert circles == []
