"""SQLite files: damaged or foreign files are never modified, old schemas
migrate (after a backup), backups open, and the connection settings hold."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from advisor.storage import migrations
from advisor.errors import DatabaseError
from advisor.scenario.schema import scenario_from_dict
from advisor.storage.lock_wait import BUSY_TIMEOUT_MS
from advisor.storage.store import ScenarioStore

DATA = Path(__file__).resolve().parents[1] / "data"
SCHEMA_0001 = DATA / "schema_0001.sqlite"
SCHEMA_0001_EXPECTED = json.loads((DATA / "schema_0001.expected.json").read_text(encoding="utf-8"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir())}


@pytest.fixture
def our_database(tmp_path: Path, new_database_file) -> Path:
    """A database of ours at the newest schema, with the examples, closed."""
    return new_database_file(tmp_path / "ours.sqlite")


# ------------------------------------------------- files that are not ours
def _garbage(folder: Path, ours: Path) -> Path:
    path = folder / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    return path


def _damaged_pages(folder: Path, ours: Path) -> Path:
    data = bytearray(ours.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[2 * page_size : 2 * page_size + 1500] = b"\xa5" * 1500
    path = folder / "damaged.sqlite"
    path.write_bytes(bytes(data))
    return path


def _truncated(folder: Path, ours: Path) -> Path:
    path = folder / "truncated.sqlite"
    path.write_bytes(ours.read_bytes()[:6000])
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (_garbage, "is not an SQLite database"),
        (_damaged_pages, "is damaged (SQLite quick_check"),
        (_truncated, "cannot be read as SQLite"),
    ],
    ids=["not sqlite", "damaged pages", "truncated"],
)
def test_a_corrupt_file_gives_a_clear_error_and_stays_byte_for_byte_unchanged(tmp_path, our_database, make_file, message):
    folder = tmp_path / "corrupt"
    folder.mkdir()
    corrupt = make_file(folder, our_database)
    before = folder_listing(folder)
    with pytest.raises(DatabaseError) as caught:
        ScenarioStore.open(corrupt)
    assert message in str(caught.value) and "left unchanged" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert folder_listing(folder) == before  # same bytes, no backup, no -wal/-shm left behind


def test_a_foreign_sqlite_file_is_refused_and_unchanged(tmp_path):
    foreign = tmp_path / "addresses.sqlite"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO people (name) VALUES ('Ada')")
    connection.commit()
    connection.close()
    before = folder_listing(tmp_path)
    with pytest.raises(DatabaseError, match=r"another application \(tables: people\)"):
        ScenarioStore.open(foreign)
    assert folder_listing(tmp_path) == before


def test_a_file_from_a_newer_version_is_refused_and_unchanged(tmp_path, our_database):
    connection = sqlite3.connect(our_database)
    connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.commit()
    connection.close()
    before = folder_listing(tmp_path)
    with pytest.raises(DatabaseError, match="schema revision 0099, which this version of Annotation Advisor does not know"):
        ScenarioStore.open(our_database)
    assert folder_listing(tmp_path) == before


def test_an_empty_file_becomes_a_new_database(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with ScenarioStore.open(empty, seed=False) as store:
        assert store.created_now and store.schema_revision == migrations.head_revision()


# ---------------------------------------------------------------- migration
def test_the_committed_schema_0001_database_migrates_with_its_scenarios_intact(tmp_path):
    committed = digest(SCHEMA_0001)
    old = tmp_path / "old.sqlite"
    shutil.copyfile(SCHEMA_0001, old)
    with ScenarioStore.open(old) as store:
        assert not store.created_now and store.seeded == 0  # an existing database is never seeded
        assert store.schema_revision == migrations.head_revision()
        expected = {data["name"]: scenario_from_dict(data) for data in SCHEMA_0001_EXPECTED["current"]}
        assert {s.name for s in store.list()} == set(expected)
        for name, scenario in expected.items():
            assert store.get(name).scenario.to_dict() == scenario.to_dict()
            assert [r.content_hash for r in store.history(name)] == SCHEMA_0001_EXPECTED["hashes"][name]
        likert = "Legacy Likert rubric"
        old_revisions = [scenario_from_dict(d) for d in SCHEMA_0001_EXPECTED["history"][likert]]
        assert [store.get_revision(likert, n) for n in (1, 2)] == old_revisions
        assert store.tags() == ["binary", "edited", "legacy", "likert"]
        assert store.check() == []
        # What 0002 added works on the migrated data.
        deleted_id = store.delete(likert)
        assert store.undelete(deleted_id).name == likert
        assert store.add_pilot("p", source="s", content=b"x", summary={}) > 0
    assert digest(SCHEMA_0001) == committed

    backups = sorted(tmp_path.glob("old.backup-*-schema0001.sqlite"))
    assert len(backups) == 1, "a backup is made before the migration"
    backup = sqlite3.connect(f"{backups[0].as_uri()}?mode=ro", uri=True)
    try:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert backup.execute("SELECT count(*) FROM scenario_revisions").fetchone() == (3,)
    finally:
        backup.close()


def test_reopening_a_migrated_database_makes_no_more_backups(tmp_path):
    old = tmp_path / "old.sqlite"
    shutil.copyfile(SCHEMA_0001, old)
    ScenarioStore.open(old).close()
    ScenarioStore.open(old).close()
    assert len(list(tmp_path.glob("*.backup-*"))) == 1


def test_migrations_go_down_and_up_again(tmp_path):
    path = tmp_path / "cycle.sqlite"
    with ScenarioStore.open(path) as store:
        names = sorted(s.name for s in store.list())
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            migrations.downgrade(connection, "0001")
            assert migrations.current_revision(connection) == "0001"
            migrations.upgrade(connection)
    finally:
        engine.dispose()
    with ScenarioStore.open(path) as store:
        assert sorted(s.name for s in store.list()) == names and store.check() == []


def test_the_migrations_are_numbered():
    assert migrations.known_revisions()[:2] == ["0001", "0002"]
    assert migrations.head_revision() == migrations.known_revisions()[-1]


def test_the_revisions_read_without_alembic_are_alembics():
    scripts = migrations.script_directory()
    assert migrations.known_revisions() == [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert migrations.head_revision() == scripts.get_current_head()


def test_a_chain_with_a_gap_or_a_branch_is_refused(tmp_path, monkeypatch):
    versions = tmp_path / "versions"
    versions.mkdir()
    for script in (migrations.MIGRATIONS_DIR / "versions").glob("*.py"):
        shutil.copy(script, versions / script.name)
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", tmp_path)
    migrations._revision_chain.cache_clear()
    try:
        assert migrations.known_revisions() == [script.revision for script in
                                                reversed(list(migrations.script_directory().walk_revisions()))]
        # A second child of 0001: two heads.
        (versions / "0003_c.py").write_text('revision: str = "0003"\ndown_revision: str | None = "0001"\n')
        migrations._revision_chain.cache_clear()
        with pytest.raises(RuntimeError, match="do not form one chain"):
            migrations.known_revisions()
        # A script whose parent is missing.
        (versions / "0003_c.py").write_text('revision: str = "0003"\ndown_revision: str | None = "0009"\n')
        migrations._revision_chain.cache_clear()
        with pytest.raises(RuntimeError, match="do not form one chain"):
            migrations.known_revisions()
    finally:
        migrations._revision_chain.cache_clear()


def test_opening_a_database_at_the_newest_schema_imports_no_alembic(tmp_path):
    ScenarioStore.open(tmp_path / "ours.sqlite").close()
    code = ("import sys; from advisor.storage.store import ScenarioStore; "
            f"ScenarioStore.open({str(tmp_path / 'ours.sqlite')!r}).close(); print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------- backups, settings
def test_backup_copies_a_database_that_opens(tmp_path, our_database):
    with ScenarioStore.open(our_database) as store:
        names = sorted(s.name for s in store.list())
        copy = store.backup(tmp_path / "copy.sqlite")
        default_copy = store.backup()
        with pytest.raises(DatabaseError, match="already exists"):
            store.backup(copy)
    assert default_copy.parent == our_database.parent and ".backup-" in default_copy.name
    for path in (copy, default_copy):
        with ScenarioStore.open(path) as restored:
            assert sorted(s.name for s in restored.list()) == names and restored.check() == []


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(our_database):
    with ScenarioStore.open(our_database) as store:
        with store._engine.connect() as connection:  # the pragmas are per connection
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == BUSY_TIMEOUT_MS


def test_an_in_memory_database_works(monkeypatch):
    with ScenarioStore.open("sqlite://", seed=False) as store:
        store.create({"name": "m", "questions": [{"name": "q", "format": {"kind": "binary"}}]})
        assert store.database_path is None and store.count() == 1
        with pytest.raises(DatabaseError, match="not an SQLite file"):
            store.backup()


def test_an_unreachable_server_gives_a_clear_error():
    with pytest.raises(DatabaseError, match="cannot be opened") as caught:
        ScenarioStore.open("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "secret" not in str(caught.value)


def test_an_unknown_dialect_gives_a_clear_error():
    with pytest.raises(DatabaseError, match="unsupported URL or missing driver"):
        ScenarioStore.open("nosuchdb://host/x")
