"""The layers of docs/architecture.md hold: a pure stage imports no store, engine, web app or
CLI; the store imports no stage runner or view; SQL is written only inside store/."""

import ast
import re

import pytest

from conftest import ROOT

SOURCE = ROOT / "src" / "newstrace"

# What each layer may not import (docs/architecture.md).
PURE = ("model", "errors", "settings", "normalize", "align", "candidates", "significance", "provenance", "credits",
        "dates", "evidence", "quotes", "ingest", "stories")
OUTER = ("store", "pipeline", "engines", "web", "cli", "browse", "report", "render", "pan")
FORBIDDEN = {**{layer: OUTER for layer in PURE},
             "store": ("pipeline", "engines", "web", "cli", "browse", "report", "render", "pan"),
             "pipeline": ("web", "cli", "browse", "report", "render", "pan"),
             "engines": ("web", "cli", "browse", "report", "render", "pan"),
             "report": ("pipeline", "engines", "web", "cli", "browse", "render"),
             "render": ("store", "pipeline", "engines", "web", "cli", "browse"),
             "browse": ("pipeline", "engines", "web", "cli")}


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE).with_suffix("").parts
        yield path, parts[0], ".".join(("newstrace",) + tuple(p for p in parts if p != "__init__"))


def _imported(path, module: str) -> set[str]:
    """Every newstrace module ``path`` imports, at its top or inside a function."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{a.name}" for a in node.names)
    return {n for n in found if n.startswith("newstrace")}


@pytest.mark.parametrize("path,layer,module", list(_modules()), ids=lambda v: getattr(v, "name", None))
def test_no_module_imports_a_layer_above_its_own(path, layer, module):
    layer = layer.removesuffix(".py")
    banned = FORBIDDEN.get(layer, ())
    bad = sorted(n for n in _imported(path, module) if n.split(".")[1:2] and n.split(".")[1] in banned)
    assert not bad, f"{module} ({layer}) imports {bad}: see docs/architecture.md"


def test_the_two_databases_do_not_import_each_other():
    for name, other in (("sqlite", "postgres"), ("postgres", "sqlite")):
        path = SOURCE / "store" / f"{name}.py"
        assert f"newstrace.store.{other}" not in _imported(path, f"newstrace.store.{name}")


def test_sql_is_written_only_inside_the_store():
    statement = re.compile(r"\.execute(many)?\(|\.conn\b|\bSELECT\s+\w|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b")
    for path, layer, module in _modules():
        if layer != "store":
            hits = [line for line in path.read_text("utf-8").splitlines() if statement.search(line)]
            assert not hits, f"{module} holds SQL or reaches into a store's connection: {hits[:3]}"


def test_importing_a_stage_loads_no_engine_store_web_or_quotes_code():
    import subprocess
    import sys

    code = ("import sys, newstrace.normalize, newstrace.align, newstrace.candidates, newstrace.provenance;"
            "print(' '.join(m for m in sys.modules if m.startswith('newstrace.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert not [m for m in loaded if m.split(".")[1] in ("store", "engines", "pipeline", "web", "cli")], loaded
    # Of the quotation code, provenance needs only the mark finder.
    assert [m for m in loaded if m.startswith("newstrace.quotes.")] == ["newstrace.quotes.marks"], loaded
