"""Shared test options and fixtures: the golden-file update flag and small workspaces written to disk."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "acme-saas"
BROKEN = ROOT / "examples" / "broken"
SPECS = ROOT.parent / "shared" / "specs"   # ../shared/specs beside the project (see its README)

#: text that must come out inert in every target: HTML, XML, DOT, Markdown tables, CSV, JSON
HOSTILE = 'Demo <script>alert("x")</script> & {braces} | pipe \\ back\'s'
FORMULA = "=cmd|' /C calc'!A0"   # the OWASP CSV-injection example


# Hypothesis profiles (the fuzz tests, tests/test_fuzz.py). `ci`, the default and what CI runs, is bounded and
# reproducible: a fixed seed per test, no example database. `long` is for local campaigns:
# HYPOTHESIS_PROFILE=long pytest tests/test_fuzz.py (fuzz/campaign.py runs far more inputs without pytest).
_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, database=None, print_blob=True,
                          suppress_health_check=_SLOW_OK)
settings.register_profile("long", max_examples=5_000, deadline=None, print_blob=True, suppress_health_check=_SLOW_OK)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ from what the emitters produce now (review the diff)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def _dump(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(dict(data), sort_keys=False), encoding="utf-8")


TEAMS = [
    {"id": "marketing", "name": 'Marketing "Growth" <b>', "function": "marketing"},
    {"id": "sales", "name": "=SUM(A1:A2)", "function": "sales"},
    {"id": "cs", "name": "Customer | Success", "function": "customer-success"},
]


@pytest.fixture
def hostile() -> dict[str, Any]:
    """A journey that checks clean but whose every text field tries to break some output format."""
    return hostile_journey()


def needs_shared(what: str) -> None:
    """A test that needs ../shared skips without it, saying what it needs; under .ci/run
    (JOURNEYC_REQUIRE_SHARED=1) a missing ../shared fails instead, so CI runs every test."""
    message = f"needs {what}: put the shared folder beside the project (../shared)"
    if os.environ.get("JOURNEYC_REQUIRE_SHARED") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def specs() -> Path:
    """../shared/specs: the contracts the outputs must satisfy."""
    if not SPECS.is_dir():
        needs_shared(f"the shared specs ({SPECS})")
    return SPECS


def hostile_journey() -> dict[str, Any]:
    return {
        "apiVersion": "journeyc/v1", "kind": "Journey", "id": "hostile",
        "name": 'Hostile "deal" <b>pipeline</b> & co', "owner": "sales",
        "description": "Line one\nline two | with a pipe ]]> <!-- -->",
        "signals": [{"id": "go", "description": "it moves"}, {"id": "stop", "description": "it stops"},
                    {"id": "sign", "description": "signed"}],
        "stages": [
            {"id": "formula", "term": FORMULA, "owner": "sales", "description": "+1 tab\there", "sla_days": 3,
             "probability": 10, "actions": ["@SUM(1+1)", "-2+3"], "content": ["\tTabbed", "\rCR"],
             "exits": [{"to": "demo", "when": "go"}, {"to": "lost", "when": "stop"}]},
            {"id": "demo", "term": HOSTILE, "owner": "sales", "description": "]]> <!-- --> &amp; \x01 ctrl",
             "sla_days": 5, "probability": 40, "risk": "high", "actions": ["<img src=x onerror=alert(1)>"],
             "exits": [{"to": "won", "when": "sign"}, {"to": "lost", "when": "stop"}]},
            {"id": "won", "term": "Closed won", "owner": "sales", "outcome": "won", "terminal": True},
            {"id": "lost", "term": "Closed lost", "owner": "sales", "outcome": "lost", "terminal": True},
        ],
    }


def terms_for(journeys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict.fromkeys(s["term"] for j in journeys for s in j.get("stages", []) if "term" in s)
    return [{"term": t, "definition": f"What {t} means.", "owner": "sales"} for t in labels]


WorkspaceFactory = Callable[..., Path]


@pytest.fixture
def make_workspace(tmp_path: Path) -> WorkspaceFactory:
    """Write a workspace (config, teams, vocabulary, one file per journey) and return its root."""

    def make(*journeys: dict[str, Any], build: dict[str, Any] | None = None, name: str = "ws") -> Path:
        root = tmp_path / name
        config: dict[str, Any] = {"apiVersion": "journeyc/v1", "kind": "Config"}
        if build is not None:
            config["build"] = build
        _dump(root / "journeyc.yaml", config)
        _dump(root / "teams.yaml", {"apiVersion": "journeyc/v1", "kind": "Teams", "teams": TEAMS})
        _dump(root / "vocabulary.yaml", {"apiVersion": "journeyc/v1", "kind": "Vocabulary",
                                         "terms": terms_for(list(journeys))})
        for journey in journeys:
            _dump(root / "journeys" / f"{journey['id']}.yaml", journey)
        return root

    return make


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The CLI keeps its cache of warm runs where the test session says, never in the user's own cache."""
    saved = os.environ.get("JOURNEYC_CACHE_DIR")
    os.environ["JOURNEYC_CACHE_DIR"] = str(tmp_path_factory.mktemp("journeyc-cache"))
    yield
    if saved is None:
        del os.environ["JOURNEYC_CACHE_DIR"]
    else:
        os.environ["JOURNEYC_CACHE_DIR"] = saved
