"""The scenario subcommands: each one's happy path, and bad input giving one
line on standard error, exit status 2 and nothing written.

The commands run through ``advisor.cli.main``.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.scenario.schema import examples_dir, load_scenario_file, scenario_from_json
from advisor.storage.store import ScenarioStore

REPO = Path(__file__).resolve().parents[2]
CLI_DIR = REPO / "advisor" / "cli"
RLHF_FILE = examples_dir() / "rlhf_pairwise_preference.json"
RLHF = load_scenario_file(RLHF_FILE).name
EXAMPLE_COUNT = len(list(examples_dir().glob("*.json")))
"""A new database is seeded with every shipped example."""


@pytest.fixture
def run_cli() -> Callable[[list[str]], int]:
    """``run(argv) -> exit status`` through the real command line."""
    import advisor.cli

    return advisor.cli.main


def state(database: Path) -> tuple:
    """Everything a command could write to the database."""
    with ScenarioStore.open(database, seed=False) as store:
        rows = store.list(include_deleted=True, order_by="created", limit=10_000)
        return tuple((s.id, s.name, s.revision, s.deleted, len(store.history(s.id))) for s in rows), len(store.list_exports())


def assert_one_line_error(capsys, *fragments: str) -> str:
    captured = capsys.readouterr()
    assert captured.err.startswith("annotation-advisor: error: ") and captured.err.count("\n") == 1, captured.err
    for fragment in fragments:
        assert fragment in captured.err, captured.err
    return captured.err


def assert_refused_writing_nothing(run_cli, database: Path, capsys, argv: list[str], *fragments: str) -> None:
    """``argv`` exits with status 2 and one error line holding every fragment, and leaves the database as it was."""
    before = state(database)
    assert run_cli(argv) == 2
    assert_one_line_error(capsys, *fragments)
    assert state(database) == before


# ------------------------------------------------------------------- list
def test_list_shows_the_stored_scenarios(run_cli, cli_database, capsys):
    assert run_cli(["list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["id", "name", "rev"]
    assert RLHF in out and "Chest X-ray screening" in out
    assert run_cli(["list", "--tag", "medical", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == ["Chest X-ray screening, normal vs abnormal"]
    assert rows[0]["tags"] == ["binary", "medical", "radiology"] and rows[0]["revision"] == 1
    assert run_cli(["list", "--search", "nothing matches this"]) == 0
    assert "no scenarios found" in capsys.readouterr().out
    assert run_cli(["list", "--limit", "2"]) == 0
    assert f"(2 of {EXAMPLE_COUNT} shown" in capsys.readouterr().out


def test_list_cuts_a_long_name_in_its_table_and_keeps_it_whole_in_json(run_cli, cli_database, capsys):
    """A 191-character name made the table over 300 columns wide."""
    long_name = "A campaign whose name runs on " + "and on " * 23
    assert run_cli(["new", long_name, "--from-example", "medical_xray_binary"]) == 0
    capsys.readouterr()
    assert run_cli(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in lines) < 200
    assert any(long_name[:59] + "…" in line for line in lines)
    assert run_cli(["list", "--json"]) == 0
    assert long_name.strip() in [row["name"] for row in json.loads(capsys.readouterr().out)]


def test_list_with_a_bad_limit_fails_on_one_line(run_cli, cli_database, capsys):
    assert run_cli(["list", "--limit", "-1"]) == 2
    assert_one_line_error(capsys, "--limit must be 1 or more, got -1")


def test_the_db_option_selects_another_database(run_cli, cli_database, tmp_path, capsys):
    other = tmp_path / "other.sqlite"
    assert run_cli(["list", "--db", str(other), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == EXAMPLE_COUNT  # a new database is seeded
    assert run_cli(["--db", str(other), "delete", RLHF]) == 0
    capsys.readouterr()
    assert run_cli(["list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == EXAMPLE_COUNT  # the default one is untouched


# ------------------------------------------------------------------- show
def test_show_a_stored_scenario_and_a_file(run_cli, cli_database, capsys):
    assert run_cli(["show", RLHF]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{RLHF}  (stored scenario ") and "which response is better" in out and "pairwise(3)" in out
    assert run_cli(["show", str(RLHF_FILE), "--json"]) == 0
    assert scenario_from_json(capsys.readouterr().out) == load_scenario_file(RLHF_FILE)


def test_show_an_unknown_name_suggests_close_ones(run_cli, cli_database, capsys):
    assert run_cli(["show", "RLHF pairwise preference"]) == 2
    assert_one_line_error(capsys, "no stored scenario named 'RLHF pairwise preference'", f"did you mean {RLHF!r}")
    assert run_cli(["show", "missing/file.json"]) == 2
    assert_one_line_error(capsys, "missing/file.json: no such file")


def test_an_unknown_number_is_named_as_an_id_and_as_a_name(run_cli, cli_database, capsys):
    """"show 999" answered "no stored scenario named '999'", though a number is read as an id first."""
    assert run_cli(["show", "999"]) == 2
    assert_one_line_error(capsys, "no stored scenario has id 999 or is named '999'", "'annotation-advisor list' shows them")
    # A digit that is not an ASCII number is a name only ("²" read as an id failed with a ValueError).
    assert run_cli(["show", "²"]) == 2
    assert_one_line_error(capsys, "no stored scenario named '²'")
    # A pilot's points to the command that lists pilots.
    assert run_cli(["pilot", "summary", "7"]) == 2
    assert_one_line_error(capsys, "no stored pilot dataset has id 7 or is named '7'", "'annotation-advisor pilot list'")


def test_a_name_with_a_slash_is_found_in_the_database(run_cli, cli_database, capsys):
    assert run_cli(["new", "A/B interface test", "--from-example", "medical_xray_binary"]) == 0
    capsys.readouterr()
    assert run_cli(["show", "A/B interface test", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "A/B interface test"
    assert run_cli(["show", "A/C interface test"]) == 2
    assert_one_line_error(capsys, "A/C interface test: no such file, and no stored scenario named")


# -------------------------------------------------------------------- new
def test_new_from_an_example_and_from_json(run_cli, cli_database, tmp_path, capsys):
    assert run_cli(["new", "my relevance study", "--from-example", "search_relevance_trec"]) == 0
    assert "created scenario 'my relevance study'" in capsys.readouterr().out
    assert run_cli(["new", "by example name", "--from-example", RLHF.upper()]) == 0
    capsys.readouterr()
    with ScenarioStore.open(cli_database) as store:
        created = store.get("my relevance study")
        assert created.scenario.with_changes({"name": "x"}) == load_scenario_file(
            examples_dir() / "search_relevance_trec.json"
        ).with_changes({"name": "x"})
        assert store.history(created.id)[0].summary == "created from example 'search_relevance_trec'"
        assert store.get("by example name").scenario.questions[0].format.kind == "pairwise"
    assert run_cli(["new", "from file", "--from-json", str(RLHF_FILE)]) == 0
    assert "from file rlhf_pairwise_preference.json" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["new", RLHF, "--from-example", "rlhf_pairwise_preference"], ["name: a scenario named", "already exists"]),
        (["new", "x", "--from-example", "no such example"], ["no example named 'no such example'", "medical_xray_binary"]),
        (["new", "   ", "--from-example", "medical_xray_binary"], ["name"]),
        (["new", "x", "--from-json", "missing.json"], ["missing.json: cannot read"]),
    ],
    ids=["duplicate name", "unknown example", "blank name", "missing file"],
)
def test_new_with_bad_input_writes_nothing(run_cli, cli_database, capsys, argv, fragments):
    assert_refused_writing_nothing(run_cli, cli_database, capsys, argv, *fragments)


# --------------------------------------------------------------- evaluate
def test_evaluate_prints_a_table_in_bits_or_nats_and_json(run_cli, cli_database, capsys):
    assert run_cli(["evaluate", RLHF, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("capacity_nats", "capacity_bits", "floor", "floor_paper", "ceiling", "capacity_needed_nats", "cost", "contexts"):
        assert key in data
    assert math.isclose(data["capacity_bits"], data["capacity_nats"] / math.log(2))
    question = data["contexts"][0]["questions"][0]
    for key in ("cognitive_nats", "articulation_nats", "paper_nats", "cascade_nats", "panel_nats", "binding_stage"):
        assert key in question

    assert run_cli(["evaluate", RLHF]) == 0
    bits_table = capsys.readouterr().out
    assert "in bits" in bits_table and "helpfulness" in bits_table and "risk floor" in bits_table
    assert f"{data['capacity_bits']:.3f} bits per item" in bits_table
    assert run_cli(["evaluate", str(RLHF_FILE), "--nats"]) == 0
    nats_table = capsys.readouterr().out
    assert f"{data['capacity_nats']:.3f} nats per item" in nats_table


def test_evaluate_bad_input_fails_on_one_line(run_cli, cli_database, tmp_path, capsys):
    assert run_cli(["evaluate", "no such scenario"]) == 2
    assert_one_line_error(capsys, "no stored scenario named 'no such scenario'")
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "b", "questions": [{"name": "q", "format": {"kind": "ordinal", "k": 1}}]}', encoding="utf-8")
    assert run_cli(["evaluate", str(broken)]) == 2
    assert_one_line_error(capsys, "questions.0.format: k for ordinal must be an integer from 2 to 50, got 1")


# ------------------------------------------------- history, restore, delete
def _edit(database: Path, name: str, **changes) -> None:
    with ScenarioStore.open(database) as store:
        stored = store.get(name)
        store.save(stored.scenario.with_changes(changes), stored_id=stored.id, base_revision=stored.revision)


def test_history_and_restore(run_cli, cli_database, capsys):
    _edit(cli_database, RLHF, **{"raters.per_item": 4})
    assert run_cli(["history", RLHF]) == 0
    out = capsys.readouterr().out
    assert "2 revision(s), current 2" in out and "raters.per_item 2 → 4" in out
    assert run_cli(["restore", RLHF, "1"]) == 0
    assert f"restored revision 1 of {RLHF!r} as revision 3" in capsys.readouterr().out
    assert run_cli(["history", RLHF, "--json"]) == 0
    revisions = json.loads(capsys.readouterr().out)
    assert [r["revision"] for r in revisions] == [1, 2, 3]
    assert revisions[2]["content_hash"] == revisions[0]["content_hash"]
    assert run_cli(["restore", RLHF, "3"]) == 0
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["restore", RLHF, "7"], ["revision 7 does not exist: the revisions are 1 to 1"]),
        (["restore", "nobody", "1"], ["no stored scenario named 'nobody'"]),
        (["history", "nobody"], ["no stored scenario named 'nobody'"]),
        (["delete", "nobody"], ["no stored scenario named 'nobody'"]),
        (["undelete", "999"], ["no stored scenario has id 999"]),
    ],
    ids=["restore missing revision", "restore unknown", "history unknown", "delete unknown", "undelete unknown"],
)
def test_revision_commands_with_bad_input_write_nothing(run_cli, cli_database, capsys, argv, fragments):
    assert_refused_writing_nothing(run_cli, cli_database, capsys, argv, *fragments)


def test_delete_and_undelete(run_cli, cli_database, capsys):
    assert run_cli(["delete", RLHF]) == 0
    out = capsys.readouterr().out
    stored_id = int(out.split("(id ")[1].split(")")[0])
    assert f"undo with: annotation-advisor undelete {stored_id}" in out
    assert run_cli(["list", "--json"]) == 0
    assert RLHF not in {r["name"] for r in json.loads(capsys.readouterr().out)}
    assert run_cli(["list", "--deleted"]) == 0
    assert f"{RLHF} (deleted)" in capsys.readouterr().out
    assert run_cli(["undelete", str(stored_id)]) == 0
    assert f"restored {RLHF!r}" in capsys.readouterr().out
    assert run_cli(["show", RLHF, "--json"]) == 0


# ------------------------------------------------------- export and import
def test_export_to_stdout_and_to_a_file_then_import(run_cli, cli_database, tmp_path, capsys):
    assert run_cli(["export", RLHF]) == 0
    printed = capsys.readouterr().out
    assert scenario_from_json(printed) == load_scenario_file(RLHF_FILE)
    target = tmp_path / "exported.json"
    assert run_cli(["export", RLHF, "-o", str(target)]) == 0
    capsys.readouterr()
    assert target.read_text(encoding="utf-8") == printed
    assert run_cli(["import", str(target), "--name", "imported copy"]) == 0
    assert "imported 'imported copy'" in capsys.readouterr().out
    with ScenarioStore.open(cli_database) as store:
        copy = store.get("imported copy")
        assert copy.scenario == load_scenario_file(RLHF_FILE).with_changes({"name": "imported copy"})
        assert store.history(copy.id)[0].summary == "imported from exported.json"


def test_export_into_a_missing_folder_writes_nothing(run_cli, cli_database, tmp_path, capsys):
    target = tmp_path / "no" / "such" / "folder" / "x.json"
    assert run_cli(["export", RLHF, "-o", str(target)]) == 2
    assert_one_line_error(capsys, "does not exist")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ('{"name": "x", "questions": [{"name": "q", "format": {"kind": "binary"}}], "raters": {"per_item": 0}}',
         ["raters.per_item: must be at least 1, got 0"]),
        ('{"name": "x", "questions": []}', ["questions: "]),
        ('{"name": "x", "questions": [', ["not valid JSON"]),
        ('[1, 2]', ["expected a JSON object"]),
    ],
    ids=["bad field", "no questions", "broken JSON", "not an object"],
)
def test_import_of_a_bad_file_writes_nothing(run_cli, cli_database, tmp_path, capsys, content, fragments):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    assert_refused_writing_nothing(run_cli, cli_database, capsys, ["import", str(bad)], "bad.json", *fragments)


def test_import_of_a_taken_name_writes_nothing(run_cli, cli_database, capsys):
    assert_refused_writing_nothing(run_cli, cli_database, capsys, ["import", str(RLHF_FILE)],
                                   f"name: a scenario named {RLHF!r} already exists")


# ----------------------------------------------------------- db and schema
def test_db_check_reports_health_and_problems(run_cli, cli_database, capsys):
    assert run_cli(["db", "check"]) == 0
    out = capsys.readouterr().out
    assert "schema revision: 0002" in out and f"scenarios: {EXAMPLE_COUNT} (0 deleted)" in out and "no problems found" in out
    connection = sqlite3.connect(cli_database)
    connection.execute("UPDATE scenario_revisions SET content_hash = 'tampered' WHERE id = 1")
    connection.commit()
    connection.close()
    assert run_cli(["db", "check"]) == 1
    assert "content does not match its SHA-256" in capsys.readouterr().out


def test_db_check_on_a_corrupt_file_fails_on_one_line_and_changes_nothing(run_cli, tmp_path, capsys):
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(b"\x00garbage" * 512)
    before = corrupt.read_bytes()
    assert run_cli(["db", "check", "--db", str(corrupt)]) == 2
    assert_one_line_error(capsys, "is not an SQLite database", "left unchanged")
    assert corrupt.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["corrupt.sqlite"]


def test_db_backup(run_cli, cli_database, tmp_path, capsys):
    target = tmp_path / "backup.sqlite"
    assert run_cli(["db", "backup", "-o", str(target)]) == 0
    assert f"backed up to {target}" in capsys.readouterr().out
    with ScenarioStore.open(target) as copy:
        assert copy.count() == EXAMPLE_COUNT
    before = target.read_bytes()
    assert run_cli(["db", "backup", "-o", str(target)]) == 2
    assert_one_line_error(capsys, "already exists")
    assert target.read_bytes() == before
    assert run_cli(["db", "backup"]) == 0
    assert ".backup-" in capsys.readouterr().out
    # The copy may be named as the other commands name a file, without -o ("unrecognized arguments").
    plain = tmp_path / "plain.sqlite"
    assert run_cli(["db", "backup", str(plain)]) == 0
    assert f"backed up to {plain}" in capsys.readouterr().out
    assert run_cli(["db", "backup", str(tmp_path / "a.sqlite"), "-o", str(tmp_path / "b.sqlite")]) == 2
    assert_one_line_error(capsys, "two copies named")


def test_db_without_an_action_prints_help(run_cli, cli_database, capsys):
    assert run_cli(["db"]) == 2
    assert "check" in capsys.readouterr().err


def test_schema_prints_the_json_schema(run_cli, capsys):
    assert run_cli(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Annotation Advisor scenario" and "questions" in schema["properties"]


def test_the_full_command_line_registers_every_scenario_command():
    from advisor.cli import build_parser

    choices = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    expected = {"list", "show", "new", "evaluate", "history", "restore", "delete", "undelete", "export", "import", "db", "schema"}
    assert expected <= set(choices)


def test_slow_work_shows_progress_and_errors_pass_through(run_cli, capsys, monkeypatch):
    import threading
    from types import SimpleNamespace

    from advisor.cli import common
    from advisor.cli.scenarios import _with_progress

    # The progress line's clock reads 1.3 s after its start from the first
    # progress call on; the work lasts until that call has happened.
    readings: list[float] = []
    progressed = threading.Event()

    def clock() -> float:
        readings.append(1000.0 if not readings else 1001.3)
        if len(readings) > 1:
            progressed.set()
        return readings[-1]

    def slow_work() -> int:
        if not progressed.wait(30):
            raise RuntimeError("no progress call while the work ran")
        return 42

    with monkeypatch.context() as patched:
        patched.setattr(common, "time", SimpleNamespace(monotonic=clock))
        assert _with_progress("working slowly", slow_work) == 42
    assert "working slowly: 1, 1.3 s" in capsys.readouterr().err
    assert _with_progress("quick", lambda: 7) == 7
    assert capsys.readouterr().err == ""  # nothing under a second

    def failing() -> None:
        raise ValueError("bad input inside the worker")

    with pytest.raises(ValueError, match="bad input inside the worker"):
        _with_progress("failing", failing)


def test_a_folder_and_a_limit_of_zero_are_refused_with_what_they_are(run_cli, cli_database, tmp_path, capsys):
    # A folder was "no such file"; --limit 0 listed nothing and said "no scenarios found".
    assert run_cli(["evaluate", str(tmp_path)]) == 2
    assert_one_line_error(capsys, f"{tmp_path}: a folder, not a scenario file")
    assert run_cli(["list", "--limit", "0"]) == 2
    assert_one_line_error(capsys, "--limit must be 1 or more, got 0")


def test_progress_lines_end_by_saying_the_work_is_done():
    # The steps' total is often an upper bound: the last count stopped short of it
    # ("building the report: 166/220 (75 %)") and nothing said the work had finished.
    import io

    from advisor.cli.common import Progress

    stream = io.StringIO()
    with Progress("building", 220, stream=stream) as progress:
        progress.started -= 2.0  # past the first second, when lines start
        progress(166)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("building: 166/220 (75 %)") and lines[-1].startswith("building: done, ")
    quiet = io.StringIO()
    with Progress("quick", 10, stream=quiet) as progress:
        progress(10)
    assert quiet.getvalue() == ""  # under a second: nothing at all
    failed = io.StringIO()
    with pytest.raises(RuntimeError), Progress("failing", 10, stream=failed) as progress:
        progress.started -= 2.0
        progress(3)
        raise RuntimeError("stopped")
    assert "done" not in failed.getvalue()


def test_a_deleted_scenario_is_named_as_deleted_with_the_command_that_restores_it(run_cli, cli_database, capsys):
    # It was answered like an unknown name, with live names that looked like it.
    assert run_cli(["delete", RLHF]) == 0
    deleted_id = int(capsys.readouterr().out.split("(id ")[1].split(")")[0])
    assert run_cli(["evaluate", RLHF]) == 2
    assert_one_line_error(capsys, f"was deleted (id {deleted_id})", f"annotation-advisor undelete {deleted_id}")
    assert run_cli(["undelete", str(deleted_id)]) == 0
    capsys.readouterr()
    assert run_cli(["evaluate", RLHF]) == 0


def test_numbers_beside_a_long_list_stay_near_their_labels():
    """pilot apply's "after" column held lists 76 characters wide: its numbers were right-aligned
    to that width, far from their fields. Numbers align among themselves; a column of numbers only
    still aligns to its header's width."""
    import io

    from advisor.cli.common import print_table

    stream = io.StringIO()
    print_table(["field", "after", "n"], [["bias", "-0.1333", "12"], ["slip", "0.02273", "3"],
                                          ["types", "[(0.295, 2.612, 0.3831), (0.2925, 0.7027, 0.3091)]", "100"],
                                          ["rho", "0", "7"]], stream)
    lines = stream.getvalue().splitlines()
    start = lines[0].index("after")
    rows = {line.split()[0]: line for line in lines[2:]}
    # The numbers end together, at the widest number's width from the column's start.
    assert {rows[k].index(v) + len(v) for k, v in (("bias", "-0.1333"), ("slip", "0.02273"), ("rho", "0"))} == {start + 7}
    assert rows["types"].index("[") == start
    n_end = lines[1].rindex("-") + 1
    assert all(line.rstrip().endswith(value) and len(line.rstrip()) == n_end
               for line, value in zip(lines[2:], ("12", "3", "100", "7")))
