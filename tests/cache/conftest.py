"""Fixtures of the cache tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyc.cache import location


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache of this test: a directory of its own (JOURNEYC_CACHE_DIR), the cache on."""
    where = tmp_path / "cache"
    monkeypatch.setenv(location.ENV_DIR, str(where))
    monkeypatch.delenv(location.ENV_OFF, raising=False)
    return where
