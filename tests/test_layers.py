"""Imports point one way: cli -> reports -> series -> store -> model (errors at the bottom)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "dispstats"
ORDER = ["errors", "output", "runtime", "model", "store", "series", "reports", "cli"]


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "dispstats" and len(parts) > 1 else None


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_imports_from_a_layer_above_it(path):
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    if own not in ORDER:
        return  # __init__ and __main__ of the package itself
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            target = layer_of(name)
            if target in ORDER:
                assert ORDER.index(target) <= ORDER.index(own), (
                    f"{path.relative_to(PACKAGE)} ({own}) imports {name} ({target})"
                )
