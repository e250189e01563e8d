"""Output paths: ``-o`` and the save dialogs never destroy the database, a link, a pipe or a device.

The database is compared byte for byte before and after each refused write;
FIFOs and symbolic links are checked to still be what they were.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.errors import DatabaseError, OutputPathError
from advisor.files.output_paths import (
    check_output_path,
    database_file,
    write_output_atomically,
)
from advisor.scenario.schema import load_scenario_file, save_scenario_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def database(tmp_path):
    """A seeded SQLite database, closed again (the command line opens it itself)."""
    path = tmp_path / "x.sqlite"
    assert main(["--db", str(path), "list"]) == 0
    return path


def _one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize("fmt", ["html", "json", "md"])
def test_report_onto_the_open_database_is_refused_and_the_database_is_unchanged(database, capsys, fmt):
    before = _digest(database)
    capsys.readouterr()
    status = main(["--db", str(database), "report", "1", "--format", fmt, "--no-optimizer", "-o", str(database)])
    assert status == 2
    line = _one_error_line(capsys)
    assert "open database" in line
    assert _digest(database) == before
    # The database still opens and still holds its scenarios.
    assert main(["--db", str(database), "show", "1", "--json"]) == 0
    assert not (database.parent / "x_figures").exists()


def test_export_onto_the_open_database_is_refused_and_the_database_is_unchanged(database, capsys):
    before = _digest(database)
    capsys.readouterr()
    status = main(["--db", str(database), "export", "1", "-o", str(database)])
    assert status == 2
    assert "open database" in _one_error_line(capsys)
    assert _digest(database) == before


def test_the_database_is_refused_under_another_spelling_and_when_it_is_the_default(database, capsys, monkeypatch):
    before = _digest(database)
    monkeypatch.chdir(database.parent)
    spelled = os.path.join(".", "sub", "..", database.name)
    (database.parent / "sub").mkdir()
    assert main(["--db", str(database), "export", "1", "-o", spelled]) == 2
    capsys.readouterr()
    # Without --db the database comes from ANNOTATION_ADVISOR_DB.
    monkeypatch.setenv("ANNOTATION_ADVISOR_DB", str(database))
    assert main(["export", "1", "-o", str(database)]) == 2
    assert "open database" in _one_error_line(capsys)
    hard_link = database.parent / "hard.sqlite"
    os.link(database, hard_link)
    assert main(["export", "1", "-o", str(hard_link)]) == 2
    assert "under another name" in _one_error_line(capsys)
    assert _digest(database) == before


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
def test_sqlite_sidecars_of_the_database_are_refused(database, suffix):
    with pytest.raises(OutputPathError, match="working file of the open database"):
        check_output_path(database.with_name(database.name + suffix), database_path=database)


def test_a_backup_of_the_database_is_refused(database, tmp_path, capsys):
    target = tmp_path / "x.backup-20260101-000000-manual.sqlite"
    target.write_bytes(b"keep me")
    status = main(["--db", str(database), "export", "1", "-o", str(target)])
    assert status == 2
    assert "backup of the open database" in _one_error_line(capsys)
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("command", [
    ["export", "1"],
    ["report", "1", "--format", "csv", "--no-optimizer"],
    ["pilot", "simulate", "1", "--items", "5", "--seed", "1"],
])
def test_a_dash_given_to_o_is_refused_rather_than_written_as_a_file_named_dash(database, tmp_path, capsys, monkeypatch,
                                                                              command):
    """``report 1 --format csv -o -`` wrote a file named "-" in the current folder."""
    monkeypatch.chdir(tmp_path)
    status = main(["--db", str(database), *command, "-o", "-"])
    assert status == 2
    assert "'-' is not a file name" in _one_error_line(capsys)
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("command", [
    ["export", "1"],
    ["report", "1", "--format", "html", "--no-optimizer"],
    ["pilot", "simulate", "1", "--items", "5", "--seed", "1"],
])
def test_a_fifo_given_to_o_is_refused_and_stays_a_fifo(database, tmp_path, capsys, command):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    status = main(["--db", str(database), *command, "-o", str(fifo)])
    assert status == 2
    assert "named pipe" in _one_error_line(capsys)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("command", [
    ["export", "1"],
    ["report", "1", "--format", "html", "--no-optimizer"],
])
def test_a_symlink_given_to_o_is_refused_and_stays_a_symlink(database, tmp_path, capsys, command):
    pointee = tmp_path / "elsewhere.txt"
    pointee.write_text("original")
    link = tmp_path / "link.html"
    link.symlink_to(pointee)
    status = main(["--db", str(database), *command, "-o", str(link)])
    assert status == 2
    assert "symbolic link" in _one_error_line(capsys)
    assert link.is_symlink() and os.readlink(link) == str(pointee)
    assert pointee.read_text() == "original"


def test_a_dangling_symlink_and_a_folder_are_refused(tmp_path):
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(OutputPathError, match="symbolic link"):
        check_output_path(dangling)
    assert dangling.is_symlink() and not (tmp_path / "nowhere").exists()
    with pytest.raises(OutputPathError, match="folder"):
        check_output_path(tmp_path)
    with pytest.raises(OutputPathError, match="does not exist"):
        check_output_path(tmp_path / "missing" / "a.json")


def test_a_device_is_refused():
    with pytest.raises(OutputPathError, match="device"):
        check_output_path("/dev/null")


def test_pilot_apply_output_onto_the_database_is_refused(database, capsys):
    before = _digest(database)
    pilot = Path(__file__).resolve().parents[2] / "resources" / "pilots" / "simulated_medical_xray.csv"
    scenario = Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "medical_xray_binary.json"
    status = main(["--db", str(database), "pilot", "apply", str(pilot), "--scenario", str(scenario),
                   "--boot", "0", "-o", str(database)])
    assert status == 2
    assert "open database" in capsys.readouterr().err
    assert _digest(database) == before


def test_an_existing_regular_file_is_replaced_atomically_keeping_its_mode(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    written = write_output_atomically(target, "new text")
    assert written == target.resolve()
    assert target.read_text() == "new text"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_failed_write_leaves_no_temporary_file_and_the_old_content(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old")

    def failing_replace(source, destination):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputPathError, match="No space left"):
        write_output_atomically(target, b"new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_target_swapped_for_a_fifo_after_the_check_is_not_replaced(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    real_fsync = os.fsync

    def fsync_then_swap(descriptor):
        real_fsync(descriptor)
        if not target.exists():
            os.mkfifo(target)

    monkeypatch.setattr(os, "fsync", fsync_then_swap)
    with pytest.raises(OutputPathError, match="named pipe"):
        write_output_atomically(target, b"data")
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_save_scenario_file_refuses_the_database_and_writes_elsewhere(database, tmp_path):
    scenario = load_scenario_file(Path(__file__).resolve().parents[2] / "resources" / "scenarios" / "medical_xray_binary.json")
    before = _digest(database)
    with pytest.raises(OutputPathError, match="open database"):
        save_scenario_file(scenario, database, database_path=database)
    assert _digest(database) == before
    # The GUI reports OSError from a save; the refusal is one.
    with pytest.raises(OSError):
        save_scenario_file(scenario, database, database_path=database)
    written = save_scenario_file(scenario, tmp_path / "copy.json", database_path=database)
    assert load_scenario_file(written) == scenario


def test_database_file_names_the_sqlite_file_of_a_url_or_path(tmp_path):
    assert database_file(str(tmp_path / "a.sqlite")) == (tmp_path / "a.sqlite").resolve()
    assert database_file(f"sqlite:///{tmp_path / 'b.sqlite'}") == (tmp_path / "b.sqlite").resolve()
    assert database_file("postgresql://user@host/db") is None
    assert database_file("sqlite://") is None


# ------------------------------------------------------------------ db backup -o
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_db_backup_onto_the_database_or_a_working_file_is_refused(database, capsys, suffix):
    before = _digest(database)
    target = database.with_name(database.name + suffix)
    existed = target.exists()
    capsys.readouterr()
    assert main(["--db", str(database), "db", "backup", "-o", str(target)]) == 2
    line = _one_error_line(capsys)
    assert "database" in line or "already exists" in line
    assert _digest(database) == before
    # A working file that did not exist is not created (SQLite would read it as a hot journal).
    assert target.exists() == existed
    assert main(["--db", str(database), "show", "1", "--json"]) == 0


def test_db_backup_onto_a_fifo_a_symlink_or_a_folder_is_refused_and_leaves_them_as_they_were(database, tmp_path,
                                                                                              capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling.sqlite"
    dangling.symlink_to(tmp_path / "nowhere.sqlite")
    linked = tmp_path / "linked.sqlite"
    linked.symlink_to(database)
    folder = tmp_path / "folder"
    folder.mkdir()
    before = _digest(database)
    for target in (fifo, dangling, linked, folder, tmp_path / "missing" / "copy.sqlite"):
        capsys.readouterr()
        assert main(["--db", str(database), "db", "backup", "-o", str(target)]) == 2, target
        _one_error_line(capsys)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert dangling.is_symlink() and not (tmp_path / "nowhere.sqlite").exists()
    assert linked.is_symlink() and os.readlink(linked) == str(database)
    assert folder.is_dir() and not any(folder.iterdir())
    assert _digest(database) == before
    assert not list(tmp_path.glob("*.partial*"))


def test_db_backup_to_a_new_file_is_a_copy_that_opens(database, tmp_path, capsys):
    target = tmp_path / "copy.sqlite"
    assert main(["--db", str(database), "db", "backup", "-o", str(target)]) == 0
    assert "backed up to" in capsys.readouterr().out
    assert main(["--db", str(target), "show", "1", "--json"]) == 0
    # A second backup onto the copy is refused: backups never replace a file.
    before = _digest(target)
    assert main(["--db", str(database), "db", "backup", "-o", str(target)]) == 2
    assert _digest(target) == before


def test_a_backup_target_that_appears_during_the_copy_is_not_replaced(database, tmp_path, monkeypatch):
    from advisor.storage import backups

    target = tmp_path / "raced.sqlite"
    real_cleanup = backups.remove_stale_partials

    def cleanup_then_a_rival_appears(folder):
        removed = real_cleanup(folder)
        os.symlink(tmp_path / "elsewhere", target)
        return removed

    monkeypatch.setattr(backups, "remove_stale_partials", cleanup_then_a_rival_appears)
    with pytest.raises(DatabaseError, match="appeared"):
        backups.backup_sqlite_file(database, target)
    assert target.is_symlink() and not (tmp_path / "elsewhere").exists()
    assert not list(tmp_path.glob("raced.sqlite.*"))
