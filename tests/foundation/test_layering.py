"""The layering the README promises: routes parse, call a service and serialise; they never query the database."""

from __future__ import annotations

import ast
from pathlib import Path

from config import PROJECT_ROOT

ROUTE_MODULES = sorted((PROJECT_ROOT / "api").glob("*/routes.py"))
SESSION_CALLS = {"get", "get_one", "execute", "scalar", "scalars", "add", "add_all", "delete", "commit", "rollback", "flush", "query"}


def _database_calls(path: Path) -> list[str]:
    """``db.session.<call>(...)`` and ``sqlalchemy`` imports in one module, as ``line: text``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found.append(f"{node.lineno}: from {node.module} import ...")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SESSION_CALLS
            and ast.unparse(node.func.value).endswith("db.session")
        ):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}(...)")
    return found


def test_every_domain_has_a_routes_module_to_check():
    assert {path.parent.name for path in ROUTE_MODULES} >= {"admission", "auth", "greencoins", "notify", "pickup"}


def test_no_route_queries_the_database_itself():
    offenders = {path.relative_to(PROJECT_ROOT).as_posix(): calls for path in ROUTE_MODULES if (calls := _database_calls(path))}
    assert offenders == {}
