"""SQLite files that must not hang or lose anything: pipes, devices and folders
as the database, locks held by other processes, schemas missing a part, backups
interrupted or killed, and several processes migrating one old file at once.

Commands that could hang run in a subprocess with a timeout, so a hang fails
the test instead of stopping the suite.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from advisor.storage import migrations
from advisor.cli import main as cli_main
from advisor.errors import DatabaseError
from advisor.storage.backups import PARTIAL_PATTERN, backup_sqlite_file, partial_path, remove_stale_partials
from advisor.storage.lock_wait import ENV_BUSY_TIMEOUT
from advisor.storage.store import ScenarioStore

REPO = Path(__file__).resolve().parents[2]
SCHEMA_0001 = REPO / "tests" / "data" / "schema_0001.sqlite"
HANG_GUARD_S = 60  # a command still running after this is hanging
CLI = "import sys; from advisor.cli import main; sys.exit(main())"
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}


def run_cli(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """The command line in a child process (stdin closed), killed if it hangs."""
    return subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=HANG_GUARD_S, env={**CHILD_ENV, **env}, cwd=REPO,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_listing(folder: Path) -> dict[str, str]:
    return {p.name: digest(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def our_database(tmp_path: Path, new_database_file) -> Path:
    """A database of ours at the newest schema, with the examples, closed."""
    return new_database_file(tmp_path / "ours.sqlite")


def test_the_command_line_module_runs():
    assert run_cli(["--version"]).returncode == 0


# --------------------------------------------------- only regular files
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
@pytest.mark.parametrize("command", [["list"], ["new", "x", "--from-example", "medical_xray_binary"], ["db", "check"]])
@pytest.mark.parametrize("spelling", ["path", "url"])
def test_a_named_pipe_as_the_database_is_refused_at_once(tmp_path, command, spelling):
    pipe = tmp_path / "scenarios.sqlite"
    os.mkfifo(pipe)
    db = str(pipe) if spelling == "path" else f"sqlite:///{pipe}"
    result = run_cli(["--db", db, *command])
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "is a named pipe (FIFO), not a regular file" in lines[0], result.stderr
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.sqlite"]


def test_a_folder_as_the_database_is_refused_and_left_alone(tmp_path):
    folder = tmp_path / "scenarios.sqlite"
    folder.mkdir()
    with pytest.raises(DatabaseError, match="is a folder, not a regular file") as caught:
        ScenarioStore.open(folder)
    assert "\n" not in str(caught.value) and list(folder.iterdir()) == []
    result = run_cli(["--db", f"sqlite:///{folder}", "list"])
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "a folder" in result.stderr


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_as_the_database_is_refused():
    with pytest.raises(DatabaseError, match="/dev/null is a device, not a regular file"):
        ScenarioStore.open("/dev/null")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_pipe_where_sqlite_keeps_its_log_is_refused(our_database):
    wal = our_database.with_name(our_database.name + "-wal")
    wal.unlink(missing_ok=True)
    os.mkfifo(wal)
    result = run_cli(["--db", str(our_database), "list"])
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "-wal is a named pipe (FIFO)" in result.stderr


def test_a_symlink_to_a_database_file_opens(tmp_path, our_database):
    link = tmp_path / "link.sqlite"
    link.symlink_to(our_database)
    with ScenarioStore.open(link) as store:
        assert store.count() > 0 and store.check() == []


# ------------------------------------------------------ another's lock
@contextmanager
def held_lock(path: Path, begin: str, journal_mode: str | None = None) -> Iterator[None]:
    """Another connection holds a lock on ``path`` (a write begun, not committed) while the block runs."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        if journal_mode is not None:
            assert connection.execute(f"PRAGMA journal_mode = {journal_mode}").fetchone()[0] == journal_mode.lower()
        connection.execute(begin)
        connection.execute("UPDATE scenarios SET notes = notes WHERE id = (SELECT min(id) FROM scenarios)")
        yield
    finally:
        connection.rollback()
        connection.close()


def test_a_write_lock_held_elsewhere_is_waited_for_with_a_message_then_refused(our_database):
    before = digest(our_database)
    with held_lock(our_database, "BEGIN IMMEDIATE"):
        result = run_cli(["--db", str(our_database), "new", "blocked", "--from-example", "medical_xray_binary"], **{ENV_BUSY_TIMEOUT: "0.4"})
        reader = run_cli(["--db", str(our_database), "list"], **{ENV_BUSY_TIMEOUT: "0.4"})
    assert result.returncode == 2 and result.stdout == ""
    waiting, refusal = result.stderr.splitlines()
    assert waiting.startswith("waiting up to 0.4 s for another process to release its lock on ") and str(our_database) in waiting
    assert "is locked by another process: gave up after waiting 0.4 s" in refusal and ENV_BUSY_TIMEOUT in refusal
    assert "Traceback" not in result.stderr
    with ScenarioStore.open(our_database) as store:
        names = [s.name for s in store.list()]
        assert "blocked" not in names and store.check() == []
    assert reader.returncode == 0 and all(name in reader.stdout for name in names)  # a writer does not block readers (WAL)
    assert before == digest(our_database)


def test_an_exclusive_lock_on_a_rollback_journal_file_blocks_even_reading_and_is_refused(our_database):
    with held_lock(our_database, "BEGIN EXCLUSIVE", journal_mode="DELETE"):
        result = run_cli(["--db", str(our_database), "list"], **{ENV_BUSY_TIMEOUT: "0.4"})
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and lines[0].startswith("waiting up to 0.4 s"), result.stderr
    assert "locked by another process: gave up after waiting 0.4 s" in lines[1]
    assert run_cli(["--db", str(our_database), "list"]).returncode == 0  # once released, it opens


@pytest.mark.parametrize(("timeout", "messages"), [("0.2", 1), ("0", 0)], ids=["waits", "zero: refuses at once"])
def test_the_store_reports_the_wait_to_its_caller_and_refuses_the_write(our_database, monkeypatch, timeout, messages):
    monkeypatch.setenv(ENV_BUSY_TIMEOUT, timeout)
    heard: list[str] = []
    with ScenarioStore.open(our_database, on_lock_wait=heard.append) as store:
        stored = store.list()[0]
        with held_lock(our_database, "BEGIN IMMEDIATE"):
            with pytest.raises(DatabaseError, match=f"locked by another process: gave up after waiting {timeout} s"):
                store.delete(stored.id)
            assert len(heard) == messages and all(m.startswith(f"waiting up to {timeout} s") for m in heard)
            assert store.count() > 0  # reading goes on meanwhile
        assert store.delete(stored.id) == stored.id  # the lock is gone: the same write succeeds
        assert len(heard) == messages


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "4000"])
def test_a_bad_busy_timeout_is_refused_by_name(our_database, monkeypatch, value):
    monkeypatch.setenv(ENV_BUSY_TIMEOUT, value)
    with pytest.raises(DatabaseError, match=f"{ENV_BUSY_TIMEOUT}: expected a number of seconds from 0 to 3600"):
        ScenarioStore.open(our_database)


# ------------------------------------------------------- schema shape
def _alter(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("statements", "problems"),
    [
        (["DROP TABLE exports"],
         ["schema: table exports is missing", "schema: index ix_exports_created on exports (created) is missing"]),
        (["DROP TABLE pilots", "DROP INDEX ix_scenarios_updated"],
         ["schema: table pilots is missing", "schema: index ix_scenarios_updated on scenarios (updated) is missing"]),
        (["DROP INDEX uq_scenarios_live_name"], ["schema: unique index uq_scenarios_live_name on scenarios (name) is missing"]),
        (["ALTER TABLE scenario_revisions DROP COLUMN summary"],
         ["schema: column scenario_revisions.summary is missing",
          "the scenarios were not checked: a table or column they are read from is missing"]),
    ],
    ids=["table", "table and index", "unique index", "column"],
)
def test_db_check_reports_a_missing_part_of_the_schema(our_database, capsys, statements, problems):
    _alter(our_database, *statements)
    assert cli_main(["--db", str(our_database), "db", "check"]) == 1
    out = capsys.readouterr().out
    assert f"{len(problems)} problem(s):" in out and "no problems" not in out
    assert [line.strip() for line in out.splitlines()[-len(problems):]] == problems
    with ScenarioStore.open(our_database) as store:
        assert [p for p in store.check() if p.startswith("schema") or "not checked" in p] == problems


def test_a_missing_scenario_table_is_a_damaged_database_not_a_foreign_one(our_database, capsys):
    _alter(our_database, "DROP TABLE scenario_tags")
    before = folder_listing(our_database.parent)
    assert cli_main(["--db", str(our_database), "db", "check"]) == 1
    out = capsys.readouterr().out
    assert "1 problem(s)" in out and out.splitlines()[-1].strip() == "schema: table scenario_tags is missing"
    assert cli_main(["--db", str(our_database), "list"]) == 2
    err = capsys.readouterr().err
    assert "is damaged: it lacks the table(s) scenario_tags" in err and len(err.splitlines()) == 1
    assert folder_listing(our_database.parent) == before


# ------------------------------------------------------ partial files
KILLED_BACKUP = textwrap.dedent(
    """
    import os, pathlib, signal, sys
    from advisor.storage.store import ScenarioStore

    def die(self, target):  # killed after the copy is written, before it is moved into place
        os.kill(os.getpid(), signal.SIGKILL)

    store = ScenarioStore.open(sys.argv[1])
    pathlib.Path.replace = die
    store.backup(sys.argv[2])
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_partial_backup_of_a_killed_process_is_removed_at_the_next_open(tmp_path, our_database):
    target = tmp_path / "copy.sqlite"
    child = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(our_database), str(target)], env=CHILD_ENV,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    _, err = child.communicate(timeout=HANG_GUARD_S)
    assert child.returncode == -signal.SIGKILL, err
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert len(left) == 1 and PARTIAL_PATTERN.match(left[0].name)["pid"] == str(child.pid)
    assert not target.exists()
    # Files that are not stale stay: this live process's, and another machine's.
    live = partial_path(tmp_path / "live.sqlite")
    live.write_bytes(b"being written")
    other_host = tmp_path / f"x.sqlite.{_another_host()}.1.0123abcd.partial"
    other_host.write_bytes(b"not ours to judge")
    with ScenarioStore.open(our_database) as store:
        assert store.count() > 0
    assert not left[0].exists()
    assert live.exists() and other_host.exists()


def _this_host() -> str:
    match = PARTIAL_PATTERN.match(partial_path(Path("a.sqlite")).name)
    assert match is not None and match["pid"] == str(os.getpid())
    return match["host"]


def _another_host() -> str:
    return "other-machine" if _this_host() != "other-machine" else "another-machine"


def test_remove_stale_partials_takes_the_journal_of_a_dead_process_too(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, timeout=HANG_GUARD_S)
    dead_pid = int(finished.stdout)
    stale = tmp_path / f"a.sqlite.{_this_host()}.{dead_pid}.0123abcd.partial"
    journal = stale.with_name(stale.name + "-journal")
    unrelated = tmp_path / "notes.partial"
    for path in (stale, journal, unrelated):
        path.write_bytes(b"x")
    assert sorted(p.name for p in remove_stale_partials(tmp_path)) == sorted([stale.name, journal.name])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.partial"]


def test_an_interrupted_backup_leaves_no_partial_file(tmp_path, our_database, monkeypatch):
    def interrupted(self: Path, target: Path) -> Path:
        raise KeyboardInterrupt

    target = tmp_path / "copy.sqlite"
    monkeypatch.setattr(Path, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backup_sqlite_file(our_database, target)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("ours.sqlite")] == []


# ---------------------------------------- one backup for one migration
OPEN_OLD = textwrap.dedent(
    """
    import sys
    from advisor.storage.store import ScenarioStore

    with ScenarioStore.open(sys.argv[1]) as store:
        print(store.schema_revision, store.count())
    """
)


def test_processes_opening_one_old_database_at_once_make_one_backup(tmp_path):
    """Three processes open a schema-0001 file while a fourth connection holds its
    write lock; each reports that it waits. Once the lock goes, one backs up and
    migrates, and the others find the new schema."""
    old = tmp_path / "old.sqlite"
    shutil.copyfile(SCHEMA_0001, old)
    holder = sqlite3.connect(old, isolation_level=None)
    assert holder.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
    holder.execute("BEGIN IMMEDIATE")
    children = [
        subprocess.Popen([sys.executable, "-c", OPEN_OLD, str(old)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.DEVNULL, text=True, env={**CHILD_ENV, ENV_BUSY_TIMEOUT: "30"})
        for _ in range(3)
    ]
    try:
        for child in children:  # each has reached the lock before it is released
            line = child.stderr.readline()
            assert line.startswith("waiting up to 30 s for another process to release its lock"), line
        assert list(tmp_path.glob("*.backup-*")) == []
    finally:
        holder.rollback()
        holder.close()
    outputs = [child.communicate(timeout=HANG_GUARD_S) for child in children]
    assert [child.returncode for child in children] == [0, 0, 0], outputs
    assert {out.split()[0] for out, _ in outputs} == {migrations.head_revision()}
    backups = sorted(tmp_path.glob("old.backup-*-schema0001.sqlite"))
    assert len(backups) == 1, [p.name for p in tmp_path.iterdir()]
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]
    copy = sqlite3.connect(f"{backups[0].as_uri()}?mode=ro", uri=True)
    try:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
    finally:
        copy.close()
    with ScenarioStore.open(old) as store:
        assert store.check() == []

