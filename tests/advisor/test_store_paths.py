"""Where the store keeps its data: environment overrides and URL handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.files import locations as paths
from advisor.storage.store import ScenarioStore


def test_the_environment_overrides_every_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "data"))
    monkeypatch.setenv(paths.ENV_CONFIG_DIR, str(tmp_path / "config"))
    monkeypatch.delenv(paths.ENV_DATABASE, raising=False)
    assert paths.user_data_dir() == tmp_path / "data"
    assert paths.user_config_dir() == tmp_path / "config"
    assert paths.default_database_url() == f"sqlite:///{tmp_path / 'data' / 'scenarios.sqlite'}"
    monkeypatch.setenv(paths.ENV_DATABASE, str(tmp_path / "team.sqlite"))
    assert paths.default_database_url() == f"sqlite:///{tmp_path / 'team.sqlite'}"
    monkeypatch.setenv(paths.ENV_DATABASE, "postgresql://u@db.example/advisor")
    assert paths.default_database_url() == "postgresql+psycopg://u@db.example/advisor"


def test_without_overrides_the_platform_folders_are_used(monkeypatch):
    for variable in (paths.ENV_DATA_DIR, paths.ENV_CONFIG_DIR, paths.ENV_DATABASE):
        monkeypatch.delenv(variable, raising=False)
    assert paths.user_data_dir().name == paths.APP_NAME
    assert paths.user_config_dir().name == paths.APP_NAME


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql+psycopg://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("mysql+pymysql://u@h/db", "mysql+pymysql://u@h/db"),
    ],
)
def test_urls_pass_through_with_the_psycopg_driver_for_postgresql(given, expected):
    assert paths.database_url(given) == expected


def test_a_path_becomes_an_absolute_sqlite_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert paths.database_url("relative.sqlite") == f"sqlite:///{tmp_path / 'relative.sqlite'}"
    assert paths.database_url(Path("a") / "b.db") == f"sqlite:///{tmp_path / 'a' / 'b.db'}"
    with pytest.raises(ValueError, match="database: expected"):
        paths.database_url("  ")


def test_the_default_database_is_created_in_the_data_folder_and_seeded(monkeypatch, tmp_path):
    monkeypatch.delenv(paths.ENV_DATABASE, raising=False)
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "new" / "data"))
    with ScenarioStore.open() as store:
        assert store.database_path == tmp_path / "new" / "data" / "scenarios.sqlite"
        assert store.created_now and store.seeded >= 6 and store.count() == store.seeded


def test_the_database_variable_selects_the_store(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.ENV_DATABASE, str(tmp_path / "chosen.sqlite"))
    with ScenarioStore.open(seed=False) as store:
        assert store.database_path == tmp_path / "chosen.sqlite"
