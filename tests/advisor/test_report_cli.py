"""The ``report`` and ``protocol`` commands."""

from __future__ import annotations

import hashlib
import json

import pytest

from advisor.cli import main
from advisor.scenario.schema import Scenario, save_scenario_file


@pytest.fixture()
def database(tmp_path):
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


@pytest.fixture()
def scenario_file(tmp_path):
    scenario = Scenario(
        name="cli scenario",
        questions=[{"name": "ok", "format": {"kind": "binary"}}],
        campaign={"items": 1000, "seconds_per_item": 20},
    )
    path = tmp_path / "cli_scenario.json"
    save_scenario_file(scenario, path)
    return path


def test_report_writes_the_file_and_records_it(database, scenario_file, tmp_path, capsys):
    output = tmp_path / "out.html"
    status = main(["--db", database, "report", str(scenario_file), "-o", str(output), "--no-optimizer"])
    assert status == 0
    printed = capsys.readouterr().out
    digest = hashlib.sha256(output.read_bytes()).hexdigest()
    assert f"sha256 {digest}" in printed
    assert main(["--db", database, "protocol", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert len(entries) == 1
    assert entries[0]["format"] == "html" and entries[0]["sha256"] == digest
    assert entries[0]["scenarios"] == ["cli scenario"]
    assert entries[0]["detail"]["sources"][0]["source"] == "file"


def test_report_takes_the_format_from_the_suffix_and_sections(database, scenario_file, tmp_path, capsys):
    output = tmp_path / "out.json"
    status = main(["--db", database, "report", str(scenario_file), "-o", str(output), "--sections", "verdict,protocol"])
    assert status == 0
    document = json.loads(output.read_text())
    assert [s["key"] for s in document["sections"]] == ["verdict", "protocol"]


def test_report_without_a_known_format_fails_with_status_2(database, scenario_file, tmp_path, capsys):
    status = main(["--db", database, "report", str(scenario_file), "-o", str(tmp_path / "out.docx")])
    assert status == 2
    assert "--format" in capsys.readouterr().err
    assert not (tmp_path / "out.docx").exists()


def test_a_format_that_contradicts_the_file_name_is_refused(database, scenario_file, tmp_path, capsys):
    # "-f md -o x.pdf" wrote Markdown into a file that opens as a broken PDF.
    status = main(["--db", database, "report", str(scenario_file), "-f", "md", "-o", str(tmp_path / "x.pdf")])
    assert status == 2
    assert "the file name says pdf, --format says md" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    # A name without a report suffix takes --format as it is.
    status = main(["--db", database, "report", str(scenario_file), "-f", "json", "-o", str(tmp_path / "x.out"),
                   "--sections", "verdict", "--no-optimizer"])
    assert status == 0 and json.loads((tmp_path / "x.out").read_text())["sections"][0]["key"] == "verdict"


def test_report_with_an_unknown_section_fails_with_status_2(database, scenario_file, tmp_path, capsys):
    status = main(["--db", database, "report", str(scenario_file), "-o", str(tmp_path / "r.md"), "--sections", "intro"])
    assert status == 2
    assert "choose from" in capsys.readouterr().err


def test_protocol_verify_notices_a_changed_file(database, scenario_file, tmp_path, capsys):
    output = tmp_path / "out.csv"
    assert main(["--db", database, "report", str(scenario_file), "-o", str(output), "--no-optimizer"]) == 0
    capsys.readouterr()
    assert main(["--db", database, "protocol", "--verify"]) == 0
    assert " ok" in capsys.readouterr().out
    output.write_text("edited by hand\n")
    assert main(["--db", database, "protocol", "--verify"]) == 1
    assert "changed" in capsys.readouterr().out
