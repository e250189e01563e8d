"""Fixtures shared by the tests of the Qt-free core."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.storage.store import ScenarioStore


@pytest.fixture
def cli_database(monkeypatch, tmp_path) -> Path:
    """A seeded database of the examples, selected through ANNOTATION_ADVISOR_DB
    (the database a command line without ``--db`` opens)."""
    path = tmp_path / "cli.sqlite"
    ScenarioStore.open(path).close()
    monkeypatch.setenv("ANNOTATION_ADVISOR_DB", str(path))
    return path
