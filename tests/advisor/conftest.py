"""Fixtures shared by the tests of the Qt-free core."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cli_database(monkeypatch, tmp_path, new_database_file) -> Path:
    """A seeded database of the examples, selected through ANNOTATION_ADVISOR_DB
    (the database a command line without ``--db`` opens)."""
    path = new_database_file(tmp_path / "cli.sqlite")
    monkeypatch.setenv("ANNOTATION_ADVISOR_DB", str(path))
    return path
