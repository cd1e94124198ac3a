"""The import graph a newcomer can trust (issue 22): rules import no web framework, small modules load little."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config import PROJECT_ROOT

SERVICES = sorted(".".join(p.relative_to(PROJECT_ROOT).with_suffix("").parts) for p in Path(PROJECT_ROOT, "api").glob("*/service.py"))
WEB = ("flask", "flask_sqlalchemy", "flask_smorest", "flask_limiter", "flask_migrate", "werkzeug", "webargs.flaskparser")


def _modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter holds after ``statement`` (beyond those it starts with)."""
    code = f"import sys; before = set(sys.modules); {statement}; print('\\n'.join(sorted(set(sys.modules) - before)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_every_domain_has_a_service_module():
    domains = {"auth", "admission", "greencoins", "notify", "pickup"}
    assert {f"api.{domain}.service" for domain in domains} <= set(SERVICES)


@pytest.mark.parametrize("module", SERVICES)
def test_importing_a_service_does_not_import_flask(module):
    loaded = _modules_after(f"import {module}")
    web = sorted(m for m in loaded if m.split(".")[0] in {w.split(".")[0] for w in WEB} or m in WEB)
    assert not web, f"{module} pulls in {web[:8]}"


def test_importing_the_pii_rules_loads_only_themselves():
    loaded = _modules_after("import api.common.pii")
    assert {m for m in loaded if m.startswith("api")} == {"api", "api.common", "api.common.pii", "api.common.digits"}
    assert not any(m.split(".")[0] in {"flask", "sqlalchemy", "marshmallow"} for m in loaded)


def test_the_domain_errors_and_the_login_throttle_are_flask_free():
    for module in ("api.errors", "api.auth.throttle", "api.common.server_errors"):
        assert not any(m.split(".")[0] == "flask" for m in _modules_after(f"import {module}")), module


def test_the_mock_zlb_does_not_import_the_seed_package():
    loaded = _modules_after("import api.auth.mock_zlb")
    assert not any(m.startswith("api.seed") for m in loaded)
