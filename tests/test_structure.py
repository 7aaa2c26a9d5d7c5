"""The shape of the code base: the product never imports its test double, the emulator ships
as its own distribution, and no folder's modules import each other in a circle.

Imports are read from the source (``ast``), every one of them: at module level, inside
functions (deferred imports) and under ``TYPE_CHECKING`` — a cycle hidden behind a deferred
import is still a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("integration", "crm_mapping", "detection", "plays", "workers", "webhooks",
           "field_specs", "service")
DEMO_MODULES = ("service/demo.py", "service/demo_org.py", "service/demo_scan.py",
                "service/demo_report.py")  # the demo runs the emulator on purpose
FOLDERS = (*PRODUCT, "emulator", "bench")


def _modules(folder: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "build" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imported(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``name`` imports (``from pkg import mod`` counts as the
    submodule when there is one, else as the package)."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join([*parts[:keep], *([base] if base else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in known else base)
    return {m for m in out if m in known and m != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_given_the_product_folders_when_their_imports_are_read_then_none_is_the_emulator() -> None:
    offenders = []
    for folder in PRODUCT:
        for name, path in _modules(folder).items():
            if str(path.relative_to(ROOT)) in DEMO_MODULES:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level \
                    else []
                offenders += [f"{name}:{node.lineno} {n}" for n in names
                              if n == "emulator" or n.startswith("emulator.")]
    assert offenders == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_given_a_folder_when_its_imports_are_walked_then_there_is_no_cycle(folder: str) -> None:
    modules = _modules(folder)
    known = set(modules)
    graph = {name: _imported(name, path, known) for name, path in modules.items()}
    assert _cycles(graph) == []


def test_given_a_planted_cycle_when_walked_then_it_is_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.slow
def test_given_the_sources_when_built_then_the_product_wheel_has_no_emulator_and_its_own_has_it(
        tmp_path: Path) -> None:
    for source in (ROOT, ROOT / "emulator"):
        subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                        str(tmp_path), str(source)], check=True, capture_output=True,
                       timeout=300)
    (product,) = tmp_path.glob("expansion_radar-*.whl")
    (emulator,) = tmp_path.glob("radar_emulator-*.whl")
    product_files = zipfile.ZipFile(product).namelist()
    emulator_files = zipfile.ZipFile(emulator).namelist()
    assert "integration/ids.py" in product_files and "service/cli.py" in product_files
    assert not [f for f in product_files if f.startswith("emulator/")]
    assert {"emulator/server.py", "emulator/soql/soql.lark", "emulator/generator/plan.py"} \
        <= set(emulator_files)
    assert not [f for f in emulator_files if "/tests/" in f or f.startswith("tests/")]
    entry_points = next(f for f in emulator_files if f.endswith("entry_points.txt"))
    assert "sfemu = emulator.cli:emulator" in zipfile.ZipFile(emulator).read(entry_points).decode()
