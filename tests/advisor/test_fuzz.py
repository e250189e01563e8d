"""Fuzzing the command line: no traceback, one error line, no accepted non-finite number.

A few hundred seeded mutations of the example scenarios, interface configs and
pilots (the generator of ``bench/fuzz.py``, which runs 2,000 and prints the
counts) go through :func:`advisor.cli.main` in a forked worker with standard
output and error captured; a small sample also runs as a real process. Run
times are not asserted (the evaluation time budget is its own subject).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_fuzz_module():
    spec = importlib.util.spec_from_file_location("bench_fuzz", ROOT / "bench" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_fuzz"] = module  # outcomes are pickled between processes by module name
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz_module()

SUITE_CASES = 300
SUITE_SEED = 20261203


def test_the_generator_is_deterministic_and_covers_every_input_kind():
    first = [(case.kind, case.payload) for case in fuzz.generate_cases(60, 5, bench=False)]
    again = [(case.kind, case.payload) for case in fuzz.generate_cases(60, 5, bench=False)]
    assert first == again
    kinds = {case.kind for case in fuzz.generate_cases(SUITE_CASES, SUITE_SEED, bench=False)}
    assert kinds == {"scenario", "scenario-import", "label-studio", "argilla", "sagemaker", "pilot"}


def test_non_finite_tokens_are_written_as_json_constants():
    cases = [case for case in fuzz.generate_cases(400, 11, bench=False) if case.non_finite and case.kind == "scenario"]
    assert cases
    texts = [case.payload.decode("utf-8", errors="replace") for case in cases]
    assert any("Infinity" in text or "NaN" in text or "1e400" in text for text in texts)


@pytest.fixture(scope="module")
def tally(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    runner = fuzz.Runner(timeout=20.0)
    try:
        yield fuzz.run_cases(fuzz.generate_cases(SUITE_CASES, SUITE_SEED, bench=False), runner, folder)
    finally:
        runner.close()


def test_no_case_prints_a_traceback(tally):
    assert tally.counts["traceback"] == 0, tally.examples.get("traceback")


def test_every_refusal_is_exit_2_with_one_error_line(tally):
    assert tally.counts["malformed error"] == 0, tally.examples.get("malformed error")
    others = {key: value for key, value in tally.counts.items()
              if key.startswith("exit ") and key not in ("exit 0", "exit 2")}
    assert not others, tally.examples


def test_no_non_finite_number_is_accepted(tally):
    assert tally.counts["non-finite accepted"] == 0, tally.examples.get("non-finite accepted")


def test_no_error_message_echoes_a_long_input(tally):
    key = f"error over {fuzz.LONG_MESSAGE_CHARS:,} characters"
    assert tally.counts[key] == 0, tally.examples.get(key)


def test_the_cases_exercise_both_acceptance_and_refusal(tally):
    assert tally.counts["cases"] == SUITE_CASES
    assert tally.counts["exit 0"] >= 30
    assert tally.counts["exit 2"] >= 150
    for kind, counts in tally.by_kind.items():
        assert counts["exit 2"] > 0, kind
    # Enough cases carry a non-finite number for "none accepted" to mean something.
    assert tally.counts["non-finite given"] >= 20


def test_a_sample_run_as_real_processes_prints_one_line_and_exits_2(tmp_path):
    executable = Path(sys.executable).with_name("annotation-advisor")
    if not executable.exists():
        pytest.skip("the annotation-advisor script is not installed beside this Python")
    picked: dict[str, object] = {}
    for case in fuzz.generate_cases(200, 3, bench=False):
        wanted = (case.kind == "scenario" and case.non_finite) or case.kind in ("label-studio", "pilot")
        if wanted and case.kind not in picked:
            picked[case.kind] = case
    assert set(picked) == {"scenario", "label-studio", "pilot"}
    running = []
    for kind, case in picked.items():
        path = tmp_path / f"{kind}{case.suffix}"
        path.write_bytes(case.payload)
        command = {"scenario": ["evaluate", str(path)], "label-studio": ["import-interface", str(path)],
                   "pilot": ["pilot", "summary", str(path), "--boot", "5"]}[kind]
        # The processes run side by side; each is checked on its own.
        running.append(subprocess.Popen([str(executable), *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True))
    refused = 0
    for process in running:
        try:
            _, stderr = process.communicate(timeout=120)
        finally:
            process.kill()
        done = subprocess.CompletedProcess(process.args, process.returncode, "", stderr)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 2), done.stderr
        if done.returncode == 2:
            refused += 1
            errors = [line for line in done.stderr.splitlines() if line.startswith("annotation-advisor: error:")]
            assert len(errors) == 1, done.stderr
    # The scenario case carries a non-finite number, so at least it is refused.
    assert refused >= 1


def test_random_valid_designs_go_through_the_levers(capsys):
    """bench/fuzz_designs.py on a few drawn designs: each is refused by the schema or analysed (the
    counts add up), none crashes, and the same seed draws the same designs."""
    spec = importlib.util.spec_from_file_location("bench_fuzz_designs", ROOT / "bench" / "fuzz_designs.py")
    designs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(designs)
    assert designs.main(["--cases", "6", "--seed", "3"]) == 0
    counts = {line[:28].strip(): line[28:].split() for line in capsys.readouterr().out.splitlines() if len(line) > 28}
    refused, analysed = int(counts["refused by the schema"][0]), int(counts["analysed"][0])
    assert refused + analysed + int(counts["refused by an analysis"][0]) == 6 and analysed >= 3
    assert int(counts["crashed"][0]) == 0 and int(counts["derived design refused"][0]) == 0
    import random

    examples = [{"questions": [{"format": {}}], "raters": {}, "campaign": {}}]
    assert designs.random_design(random.Random(1), examples) == designs.random_design(random.Random(1), examples)
