"""Fuzz the command line with mutated scenarios, interface configs and pilot files.

Seeds are the six example scenarios (``resources/scenarios``), the Label Studio
templates (the shared data folder beside the checkout, plus one built-in
config), the Argilla and SageMaker configs of ``tests/data/interfaces`` and the
first rows of the two pilots in ``resources/pilots``. Each case applies one to
three seeded mutations — wrong types; huge, negative and non-finite numbers
(``NaN``, ``Infinity``, ``1e400``, ``"inf"``); deep nesting; long strings;
missing and extra keys; grown lists; cut, spliced and re-encoded text — and
runs the real entry point, :func:`advisor.cli.main`, on the file:

* scenarios: ``evaluate FILE`` (and, for one case in five, ``import FILE``
  into a fresh database);
* interface configs: ``import-interface FILE --json``;
* pilots: ``pilot summary FILE --boot 10 --json``.

The commands run in a worker process forked once (so each case costs what
the command costs, not an interpreter start) with standard output and error
captured; a case that runs past ``--timeout`` seconds is stopped by killing
the worker, which is then forked again.

Counted: cases, exit 0, exit 2, other exits, tracebacks (an exception escaping
``main`` or "Traceback" on standard error), exit-2 runs whose error is not
exactly one line, error lines over 1,000 characters (input echoed), accepted
non-finite numbers (exit 0 on a file into whose numeric field a non-finite
number was written), ``evaluate`` runs over 2 s (goal 0: the evaluation's work
budget, ``docs/performance.md``), runs stopped at the timeout, and the slowest
``evaluate``.

``--slow-cases`` runs instead the designs known to be slow without the budget
(the X-ray example with one question changed to pairwise(50), ordinal(50),
categorical(50) or ranking(6); categorical(50) and ordinal(50) questions over
50 contexts; 50 mixed questions over 50 contexts), each with and without
curves, budgeted and then unbudgeted (every budget set to infinity), each run
in a fresh process (cold caches), the unbudgeted one stopped after
``--timeout`` seconds, and prints both times and their ratio, measured in the
same run.

Run with ``python bench/fuzz.py [--cases 2000] [--seed 0] [--timeout 60] [--keep DIR]``
or ``python bench/fuzz.py --slow-cases [--timeout 120]``.
The exit status is 1 when there was any traceback, malformed error or accepted
non-finite number. ``tests/advisor/test_fuzz.py`` runs a few hundred cases.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIOS = ROOT / "resources" / "scenarios"
PILOTS = ROOT / "resources" / "pilots"
INTERFACES = ROOT / "tests" / "data" / "interfaces"
SHARED_LABEL_STUDIO = ROOT.parent / "shared" / "data" / "interfaces" / "label-studio"

SLOW_EVALUATE_SECONDS = 2.0
LONG_MESSAGE_CHARS = 1000
PILOT_SEED_ROWS = 150

BUILT_IN_LABEL_STUDIO = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="positive"/><Choice value="negative"/><Choice value="neutral"/>
  </Choices>
  <Rating name="quality" toName="text" maxRating="5"/>
  <Number name="score" toName="text" min="0" max="10" step="1"/>
  <TextArea name="why" toName="text" rows="3"/>
</View>
"""

NON_FINITE_TOKENS = ("NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" + "0" * 400)
NON_FINITE_STRINGS = ("inf", "Infinity", "-inf", "nan", "1e999")
ODD_VALUES: tuple[Any, ...] = (0, -1, -1e9, 1e9, 1e308, -1e308, 2**63, 10**30, 0.5, 1e-320, True, False, None,
                               "", "x", "3", [], {}, [1, 2], {"a": 1})
ODD_COUNTS = (-1, 0, 1, 2, 3, 7, 10, 11, 30, 31, 50, 51, 1000, 10**12)
ODD_ATTRIBUTES = ("1e308", "-1e308", "1e-320", "inf", "nan", "-5", "0", "1", "9" * 5000, "x" * 200_000, "", "10",
                  "2.5", "$options", "true", "&amp;", "1e9")
FORMAT_KINDS = ("binary", "categorical", "ordinal", "pairwise", "ranking", "multi_select", "free_text", "slider", 7)


# ---------------------------------------------------------------- cases
@dataclass
class Case:
    """One fuzz input and the command to run on it."""

    kind: str  # "scenario", "scenario-import", "label-studio", "argilla", "sagemaker", "pilot"
    label: str  # where it came from and what was done to it
    payload: bytes
    suffix: str
    non_finite: bool = False  # a non-finite number was written where a number goes


def _load_seeds() -> dict[str, list[tuple[str, Any]]]:
    seeds: dict[str, list[tuple[str, Any]]] = {}
    seeds["scenario"] = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(SCENARIOS.glob("*.json"))]
    xml = [("built-in", BUILT_IN_LABEL_STUDIO)]
    if SHARED_LABEL_STUDIO.is_dir():
        xml += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SHARED_LABEL_STUDIO.glob("*.xml"))]
    seeds["label-studio"] = xml
    seeds["argilla"] = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted((INTERFACES / "argilla").glob("*.json"))]
    seeds["sagemaker"] = [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in sorted((INTERFACES / "sagemaker").glob("*.json"))]
    pilots = []
    for path in sorted(PILOTS.glob("*.csv")):
        lines = path.read_text(encoding="utf-8").splitlines()[: PILOT_SEED_ROWS + 1]
        pilots.append((path.stem, lines))
    seeds["pilot"] = pilots
    return seeds


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) in nested dicts and lists, the root included."""
    found = [(prefix, data)]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, prefix + (index,))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


def _delete(data: Any, path: tuple[Any, ...]) -> None:
    node = data
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Json:
    """Mutations of a JSON document; non-finite tokens go in as placeholders replaced after dumping."""

    def __init__(self, rng: random.Random, data: Any):
        self.rng = rng
        self.data = copy.deepcopy(data)
        self.tokens: dict[str, str] = {}
        self.non_finite = False
        self.notes: list[str] = []

    def _placeholder(self, token: str) -> str:
        key = f"__TOKEN_{len(self.tokens)}__"
        self.tokens[key] = token
        return key

    def mutate(self) -> None:
        rng = self.rng
        entries = _paths(self.data)
        numbers = [(p, v) for p, v in entries if p and _is_number(v)]
        leaves = [(p, v) for p, v in entries if p and not isinstance(v, (dict, list))]
        containers = [(p, v) for p, v in entries if isinstance(v, (dict, list))]
        lists = [(p, v) for p, v in entries if p and isinstance(v, list) and v]
        operation = rng.choice(("number", "number", "non-finite", "non-finite-string", "type", "string", "delete",
                                "extra", "nest", "grow", "format", "count"))
        if operation in ("number", "non-finite", "non-finite-string") and numbers:
            path, _ = rng.choice(numbers)
            if operation == "number":
                value: Any = rng.choice(ODD_VALUES)
            elif operation == "non-finite":
                value = self._placeholder(rng.choice(NON_FINITE_TOKENS))
                self.non_finite = True
            else:
                value = rng.choice(NON_FINITE_STRINGS)
                self.non_finite = True
            _set(self.data, path, value)
            self.notes.append(f"{operation} at {'.'.join(map(str, path))}")
        elif operation == "type" and leaves:
            path, _ = rng.choice(leaves + containers[1:] if len(containers) > 1 else leaves)
            _set(self.data, path, rng.choice(ODD_VALUES))
            self.notes.append(f"type at {'.'.join(map(str, path))}")
        elif operation == "string" and leaves:
            path, _ = rng.choice(leaves)
            _set(self.data, path, "s" * rng.choice((201, 5_001, 20_001, 150_000, 1_200_000)))
            self.notes.append(f"long string at {'.'.join(map(str, path))}")
        elif operation == "delete" and len(entries) > 1:
            path, _ = rng.choice(entries[1:])
            _delete(self.data, path)
            self.notes.append(f"deleted {'.'.join(map(str, path))}")
        elif operation == "extra" and containers:
            path, node = rng.choice(containers)
            if isinstance(node, dict):
                node[rng.choice(("zzz_unknown", "Name", "k", "questions"))] = rng.choice(ODD_VALUES)
            else:
                node.append(rng.choice(ODD_VALUES))
            self.notes.append(f"extra in {'.'.join(map(str, path)) or 'root'}")
        elif operation == "nest" and leaves:
            path, value = rng.choice(leaves)
            depth = rng.choice((5, 20, 200, 5_000, 100_000))
            key = self._placeholder("[" * depth + json.dumps(value) + "]" * depth)
            _set(self.data, path, key)
            self.notes.append(f"nested {depth} deep at {'.'.join(map(str, path))}")
        elif operation == "grow" and lists:
            path, node = rng.choice(lists)
            size = rng.choice((51, 60, 300, 3_000))
            grown = [copy.deepcopy(node[i % len(node)]) for i in range(size)]
            if rng.random() < 0.7:
                for index, entry in enumerate(grown):
                    if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                        entry["name"] = f"{entry['name']} {index}"
            _set(self.data, path, grown)
            self.notes.append(f"grew {'.'.join(map(str, path))} to {size}")
        elif operation == "format" and isinstance(self.data, dict) and isinstance(self.data.get("questions"), list) and self.data["questions"]:
            question = rng.choice(self.data["questions"])
            if isinstance(question, dict):
                question["format"] = {"kind": rng.choice(FORMAT_KINDS), "k": rng.choice(ODD_COUNTS)}
                if rng.random() < 0.3:
                    question["format"].pop("k")
                self.notes.append(f"format {question['format']}")
        elif operation == "count" and isinstance(self.data, dict):
            group = rng.choice(("raters", "campaign"))
            key = {"raters": "per_item", "campaign": "items"}[group]
            if isinstance(self.data.get(group), dict):
                self.data[group][key] = rng.choice(ODD_COUNTS)
                self.notes.append(f"{group}.{key} = {self.data[group][key]}")
        else:
            self.notes.append(f"{operation}: nothing to do")

    def text(self) -> str:
        text = json.dumps(self.data, ensure_ascii=False)
        for key, token in self.tokens.items():
            text = text.replace(f'"{key}"', token)
        return text


def _text_damage(rng: random.Random, payload: bytes, notes: list[str]) -> bytes:
    """Cut, splice or re-encode the bytes of a file."""
    operation = rng.choice(("cut", "byte", "bom", "utf16", "latin"))
    if operation == "cut" and payload:
        notes.append("cut")
        return payload[: rng.randrange(len(payload))]
    if operation == "byte" and payload:
        position = rng.randrange(len(payload))
        notes.append(f"byte at {position}")
        return payload[:position] + bytes([rng.randrange(256)]) + payload[position + 1:]
    if operation == "bom":
        notes.append("BOM")
        return b"\xef\xbb\xbf" + payload
    if operation == "utf16":
        notes.append("UTF-16")
        return payload.decode("utf-8", errors="replace").encode("utf-16")
    notes.append("Latin-1 bytes")
    return payload.replace(b"e", b"\xe9", 3)


def _xml_case(rng: random.Random, name: str, text: str) -> tuple[bytes, list[str]]:
    notes: list[str] = []
    for _ in range(rng.randint(1, 3)):
        operation = rng.choice(("attribute", "attribute", "nest", "repeat", "doctype", "comment", "unclose", "bytes"))
        attributes = list(re.finditer(r'(\w+)="([^"]*)"', text))
        if operation == "attribute" and attributes:
            match = rng.choice(attributes)
            value = rng.choice(ODD_ATTRIBUTES)
            text = text[: match.start(2)] + value + text[match.end(2):]
            notes.append(f"{match.group(1)}={value[:20]!r}")
        elif operation == "nest":
            depth = rng.choice((20, 99, 150, 600, 5_000))
            body_start = text.find(">", text.find("<View")) + 1
            closing = text.rfind("</View>")
            if body_start > 0 and closing > body_start:
                text = text[:body_start] + "<View>" * depth + text[body_start:closing] + "</View>" * depth + text[closing:]
                notes.append(f"{depth} nested Views")
        elif operation == "repeat":
            controls = list(re.finditer(r"<(Choices|Rating|Number|TextArea|Pairwise|Ranker|Labels)\b[^>]*/>", text))
            if controls:
                match = rng.choice(controls)
                count = rng.choice((60, 500, 3_000))
                copies = "".join(match.group(0).replace('name="', f'name="c{i}_', 1) for i in range(count))
                text = text[: match.end()] + copies + text[match.end():]
                notes.append(f"{count} copies of {match.group(1)}")
        elif operation == "doctype":
            text = '<?xml version="1.0"?><!DOCTYPE View [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + text
            notes.append("DOCTYPE")
        elif operation == "comment":
            depth = rng.choice((3, 10_000))
            text += '<!-- {"data": {"options": ' + "[" * depth + '"a"' + "]" * depth + "}} -->"
            notes.append(f"example data nested {depth}")
        elif operation == "unclose":
            text = text.replace("</View>", "", 1)
            notes.append("unclosed View")
        else:
            payload = _text_damage(rng, text.encode("utf-8"), notes)
            return payload, notes
    return text.encode("utf-8"), notes


def _pilot_case(rng: random.Random, name: str, lines: list[str], *, bench: bool) -> tuple[bytes, list[str]]:
    header, rows = lines[0], list(lines[1:])
    notes: list[str] = []
    columns = header.split(",")
    label_at = columns.index("label")
    for _ in range(rng.randint(1, 2)):
        operation = rng.choice(("cell", "labels", "seconds", "drop", "fields", "duplicate", "empty", "quote", "bytes"))
        if operation == "cell" and rows:
            index = rng.randrange(len(rows))
            cells = rows[index].split(",")
            cells[rng.randrange(len(cells))] = "c" * rng.choice((1_000, 131_073, 300_000))
            rows[index] = ",".join(cells)
            notes.append(f"long cell on row {index}")
        elif operation == "labels":
            count = rng.choice((3, 60, 101, 2_000, 10_000) if bench else (3, 101, 2_000, 10_000))
            rows = []
            for index in range(max(count, 20)):
                cells = [""] * len(columns)
                for position, column in enumerate(columns):
                    cells[position] = {"item": f"i{index // 2}", "rater": f"r{index % 2}", "label": f"L{index % count}",
                                       "gold": "", "seconds": "3.5", "question": "q", "context": "c"}.get(column, "x")
                rows.append(",".join(cells))
            notes.append(f"{count} distinct labels")
        elif operation == "seconds":
            value = rng.choice(("-1", "nan", "inf", "1e400", "abc", "", "1e308"))
            if "seconds" not in columns:
                columns.append("seconds")
                header = ",".join(columns)
                rows = [row + "," + value for row in rows]
            else:
                at = columns.index("seconds")
                rows = [",".join(value if i == at else c for i, c in enumerate(row.split(","))) for row in rows]
            notes.append(f"seconds={value!r}")
        elif operation == "drop":
            header = ",".join(c for i, c in enumerate(columns) if i != label_at)
            notes.append("no label column")
        elif operation == "fields" and rows:
            index = rng.randrange(len(rows))
            rows[index] += rng.choice((",extra", ",,,,", ""))
            notes.append(f"field count on row {index}")
        elif operation == "duplicate" and rows:
            rows.append(rows[0])
            notes.append("duplicate label")
        elif operation == "empty" and rows:
            index = rng.randrange(len(rows))
            cells = rows[index].split(",")
            cells[label_at] = " "
            rows[index] = ",".join(cells)
            notes.append(f"empty label on row {index}")
        elif operation == "quote" and rows:
            index = rng.randrange(len(rows))
            rows[index] = '"' + rows[index]
            notes.append(f"open quote on row {index}")
        else:
            payload = _text_damage(rng, ("\n".join([header] + rows) + "\n").encode("utf-8"), notes)
            return payload, notes
    return ("\n".join([header] + rows) + "\n").encode("utf-8"), notes


def generate_cases(count: int, seed: int, *, bench: bool = True) -> Iterator[Case]:
    """``count`` cases from ``seed``: the same arguments give the same cases.

    Parameters
    ----------
    count
        How many cases, >= 0.
    seed
        Random seed.
    bench
        Include the slower pilot shapes (60 distinct labels, summarised).
    """
    rng = random.Random(seed)
    seeds = _load_seeds()
    kinds = ("scenario",) * 9 + ("label-studio",) * 4 + ("argilla",) * 2 + ("sagemaker",) * 2 + ("pilot",) * 3
    for index in range(count):
        kind = rng.choice(kinds)
        if kind == "pilot":
            name, lines = rng.choice(seeds["pilot"])
            payload, notes = _pilot_case(rng, name, lines, bench=bench)
            yield Case("pilot", f"{index}: pilot {name}: {', '.join(notes)}", payload, ".csv")
            continue
        if kind == "label-studio":
            name, text = rng.choice(seeds["label-studio"])
            payload, notes = _xml_case(rng, name, text)
            yield Case("label-studio", f"{index}: label-studio {name}: {', '.join(notes)}", payload, ".xml")
            continue
        name, data = rng.choice(seeds[kind])
        mutator = _Json(rng, data)
        for _ in range(rng.choices((1, 2, 3), weights=(5, 3, 2))[0]):
            mutator.mutate()
        payload = mutator.text().encode("utf-8")
        if rng.random() < 0.08:
            payload = _text_damage(rng, payload, mutator.notes)
        if kind == "scenario" and rng.random() < 0.2:
            kind = "scenario-import"
        # A scenario has no field where a non-finite number may stand. Importers skip fields they do not
        # read, so there only a non-finite JSON token (refused wherever it is) counts.
        if kind.startswith("scenario"):
            non_finite = mutator.non_finite
        else:
            non_finite = any(token in NON_FINITE_TOKENS for token in mutator.tokens.values())
        yield Case(kind, f"{index}: {kind} {name}: {'; '.join(mutator.notes)}", payload, ".json", non_finite)


# ---------------------------------------------------------------- running
@dataclass
class Outcome:
    """What one command did."""

    status: int | None
    stderr: str
    traceback: str | None
    seconds: float
    timed_out: bool = False


def _run_in_process(argv: list[str]) -> Outcome:
    from advisor.cli import main

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    trace = None
    status: int | None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:
            status = stop.code if isinstance(stop.code, int) else 2
        except BaseException:  # the point: nothing may escape main
            status = None
            trace = traceback.format_exc(limit=8)
    return Outcome(status, err.getvalue()[:20_000], trace, time.perf_counter() - started)


def _worker(connection: Any) -> None:
    while True:
        try:
            argv = connection.recv()
        except EOFError:
            return
        if argv is None:
            return
        connection.send(_run_in_process(argv))


class Runner:
    """Runs commands in a forked worker; a command past ``timeout`` seconds kills the worker."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self._context = multiprocessing.get_context("fork")
        self._process: Any = None
        self._connection: Any = None

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_worker, args=(child,), daemon=True)
        self._process.start()
        child.close()
        self._connection = parent

    def run(self, argv: list[str]) -> Outcome:
        if self._process is None or not self._process.is_alive():
            self._start()
        self._connection.send(argv)
        if self._connection.poll(self.timeout):
            try:
                return self._connection.recv()
            except EOFError:
                self._stop()
                return Outcome(None, "", "the worker process died", self.timeout)
        self._stop()
        return Outcome(None, "", None, self.timeout, timed_out=True)

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join()
        self._process = None

    def close(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._connection.send(None)
            self._process.join(5)
        self._stop()


@dataclass
class Tally:
    """Counts over the cases run, and the first few examples of each kind of failure."""

    counts: Counter = field(default_factory=Counter)
    by_kind: dict[str, Counter] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    slowest_evaluate: float = 0.0
    slowest_label: str = ""

    def note(self, what: str, case: Case, detail: str = "") -> None:
        self.counts[what] += 1
        self.by_kind.setdefault(case.kind, Counter())[what] += 1
        samples = self.examples.setdefault(what, [])
        if len(samples) < 5:
            samples.append(f"{case.label[:200]}{' — ' + detail[:600] if detail else ''}")

    @property
    def failures(self) -> int:
        """Tracebacks, malformed errors and accepted non-finite numbers (what must be 0)."""
        return self.counts["traceback"] + self.counts["malformed error"] + self.counts["non-finite accepted"]


def _commands(case: Case, path: Path, database: Path) -> list[tuple[str, list[str]]]:
    if case.kind == "scenario":
        return [("evaluate", ["evaluate", str(path)])]
    if case.kind == "scenario-import":
        return [("import", ["--db", str(database), "import", str(path), "--name", f"fuzz {path.stem}"])]
    if case.kind == "pilot":
        return [("pilot", ["pilot", "summary", str(path), "--boot", "10", "--json"])]
    return [("import-interface", ["import-interface", str(path), "--json"])]


def run_cases(cases: Iterator[Case], runner: Runner, folder: Path, *, keep: Path | None = None) -> Tally:
    """Run every case and tally what happened (see the module docstring)."""
    tally = Tally()
    for number, case in enumerate(cases):
        path = folder / f"case{number}{case.suffix}"
        path.write_bytes(case.payload)
        database = folder / f"case{number}.sqlite"
        for command, argv in _commands(case, path, database):
            outcome = runner.run(argv)
            tally.note("runs", case)
            failed = _judge(case, command, outcome, tally)
            if failed and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / path.name).write_bytes(case.payload)
        tally.note("cases", case)
        if case.non_finite:
            tally.note("non-finite given", case)
        path.unlink()
        for leftover in folder.glob(f"case{number}.sqlite*"):
            leftover.unlink()
    return tally


def _judge(case: Case, command: str, outcome: Outcome, tally: Tally) -> bool:
    failed = False
    if command == "evaluate" and not outcome.timed_out and outcome.traceback is None:
        tally.note("evaluate runs", case)
        if outcome.seconds > SLOW_EVALUATE_SECONDS:
            tally.note(f"evaluate over {SLOW_EVALUATE_SECONDS:g} s", case, f"{outcome.seconds:.1f} s")
        if outcome.seconds > tally.slowest_evaluate:
            tally.slowest_evaluate, tally.slowest_label = outcome.seconds, case.label
    if outcome.timed_out:
        tally.note("stopped at the timeout", case, command)
        if command == "evaluate":
            tally.note(f"evaluate over {SLOW_EVALUATE_SECONDS:g} s", case, "timeout")
            tally.slowest_evaluate, tally.slowest_label = max(tally.slowest_evaluate, outcome.seconds), case.label
        return True
    if outcome.traceback is not None or "Traceback (most recent call last)" in outcome.stderr:
        tally.note("traceback", case, (outcome.traceback or outcome.stderr).strip().splitlines()[-1])
        return True
    errors = [line for line in outcome.stderr.splitlines() if line.startswith("annotation-advisor: error:")]
    if outcome.status == 0:
        tally.note("exit 0", case)
        if case.non_finite:
            tally.note("non-finite accepted", case, command)
            failed = True
    elif outcome.status == 2:
        tally.note("exit 2", case)
        if len(errors) != 1:
            tally.note("malformed error", case, outcome.stderr[:600])
            failed = True
    else:
        tally.note(f"exit {outcome.status}", case, outcome.stderr[:300])
    if any(len(line) > LONG_MESSAGE_CHARS for line in errors):
        tally.note(f"error over {LONG_MESSAGE_CHARS:,} characters", case, f"{max(map(len, errors)):,} characters")
    return failed


def report(tally: Tally, seconds: float, stream: Any = sys.stdout) -> None:
    """Print the counts, per input kind, and a few examples of each failure."""
    counts = tally.counts
    rows = [
        ("cases", counts["cases"]),
        ("commands run", counts["runs"]),
        ("exit 0", counts["exit 0"]),
        ("exit 2", counts["exit 2"]),
        ("other exit status", sum(v for k, v in counts.items() if k.startswith("exit ") and k not in ("exit 0", "exit 2"))),
        ("tracebacks", counts["traceback"]),
        ("exit 2 without exactly one error line", counts["malformed error"]),
        (f"error lines over {LONG_MESSAGE_CHARS:,} characters", counts[f"error over {LONG_MESSAGE_CHARS:,} characters"]),
        ("cases with a non-finite number", counts["non-finite given"]),
        ("non-finite numbers accepted", counts["non-finite accepted"]),
        ("evaluate runs", counts["evaluate runs"]),
        (f"evaluate runs over {SLOW_EVALUATE_SECONDS:g} s", counts[f"evaluate over {SLOW_EVALUATE_SECONDS:g} s"]),
        ("runs stopped at the timeout", counts["stopped at the timeout"]),
        ("slowest evaluate, s", f"{tally.slowest_evaluate:.2f}"),
        ("wall time, s", f"{seconds:.1f}"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}", file=stream)
    if tally.slowest_label:
        print(f"slowest evaluate: {tally.slowest_label[:200]}", file=stream)
    print("\nper input kind (cases / exit 0 / exit 2 / tracebacks / non-finite accepted):", file=stream)
    for kind, kind_counts in sorted(tally.by_kind.items()):
        print(f"  {kind:16} {kind_counts['cases']:5} {kind_counts['exit 0']:5} {kind_counts['exit 2']:5} "
              f"{kind_counts['traceback']:5} {kind_counts['non-finite accepted']:5}", file=stream)
    for what in ("traceback", "malformed error", "non-finite accepted", f"error over {LONG_MESSAGE_CHARS:,} characters",
                 f"evaluate over {SLOW_EVALUATE_SECONDS:g} s", "stopped at the timeout"):
        if tally.examples.get(what):
            print(f"\n{what}, first examples:", file=stream)
            for sample in tally.examples[what]:
                print(f"  {sample}", file=stream)


# ------------------------------------------------------------------ slow designs
def _xray() -> dict[str, Any]:
    return json.loads((SCENARIOS / "medical_xray_binary.json").read_text())


def _xray_with(fmt: dict[str, Any]) -> dict[str, Any]:
    data = _xray()
    data["questions"][0]["format"] = fmt
    return data


def _over_contexts(formats: list[dict[str, Any]], contexts: int = 50) -> dict[str, Any]:
    data = _xray()
    data["contexts"] = [{"name": f"c{i}", "weight": 1.0 + i, "difficulty": 0.2 + 0.17 * i, "reading_words": 3 * i}
                        for i in range(contexts)]
    data["questions"] = [{"name": f"q{i}", "format": fmt} for i, fmt in enumerate(formats)]
    return data


MIXED = [{"kind": "ordinal", "k": 50}, {"kind": "pairwise", "k": 50}, {"kind": "categorical", "k": 50},
         {"kind": "ranking", "k": 6}, {"kind": "multi_select", "k": 30}, {"kind": "ranking", "k": 5},
         {"kind": "ordinal", "k": 7}]

SLOW_CASES: dict[str, Any] = {
    "x-ray, pairwise(50)": lambda: _xray_with({"kind": "pairwise", "k": 50}),
    "x-ray, ordinal(50)": lambda: _xray_with({"kind": "ordinal", "k": 50}),
    "x-ray, categorical(50)": lambda: _xray_with({"kind": "categorical", "k": 50}),
    "x-ray, ranking(6)": lambda: _xray_with({"kind": "ranking", "k": 6}),
    "categorical(50) + ordinal(50), 50 contexts": lambda: _over_contexts(
        [{"kind": "categorical", "k": 50}, {"kind": "ordinal", "k": 50}]),
    "50 mixed questions, 50 contexts": lambda: _over_contexts([MIXED[i % len(MIXED)] for i in range(50)]),
}

_TIMED_EVALUATE = """
import json, math, sys, time
sys.path.insert(0, sys.argv[1])
import advisor.evaluation.evaluate as evaluation
from advisor.scenario.schema import Scenario
scenario = Scenario.model_validate(json.loads(sys.argv[2]))
if sys.argv[3] == "unbudgeted":
    evaluation.EVALUATE_WORK_BUDGET = evaluation.CURVES_WORK_BUDGET = math.inf
started = time.perf_counter()
result = evaluation.evaluate(scenario, curves=sys.argv[4] == "curves")
print(json.dumps({"seconds": time.perf_counter() - started, "floor": result.floor,
                  "achievable": result.achievable, "limited": result.budget_limited}))
"""


def _timed(data: dict[str, Any], mode: str, curves: bool, timeout: float) -> dict[str, Any] | None:
    """One evaluate in a fresh process (cold caches); None when it ran past ``timeout``."""
    import subprocess

    argv = [sys.executable, "-c", _TIMED_EVALUATE, str(ROOT), json.dumps(data), mode, "curves" if curves else "-"]
    try:
        finished = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(finished.stdout.strip().splitlines()[-1])


def slow_cases(timeout: float, stream: Any = sys.stdout) -> int:
    """Time each slow design budgeted and unbudgeted; returns how many budgeted runs took over 2 s."""
    print(f"slow designs, budgeted vs unbudgeted (fresh process each, unbudgeted stopped at {timeout:g} s)\n",
          file=stream, flush=True)
    print(f"{'design':44} {'curves':6} {'budgeted s':>10} {'unbudgeted s':>13} {'ratio':>7}  "
          f"{'floor b / u':>17}  approx", file=stream, flush=True)
    over = 0
    for name, build in SLOW_CASES.items():
        for curves in (False, True):
            budgeted = _timed(build(), "budgeted", curves, timeout)
            if budgeted is None:
                print(f"{name:44} {'yes' if curves else 'no':6} budgeted run over {timeout:g} s", file=stream)
                over += 1
                continue
            unbudgeted = _timed(build(), "unbudgeted", curves, timeout)
            over += budgeted["seconds"] > SLOW_EVALUATE_SECONDS
            if unbudgeted is None:
                plain, ratio = f"> {timeout:g}", f"> {timeout / budgeted['seconds']:.0f}"
                floors = f"{budgeted['floor']:.4f} / -"
            else:
                plain = f"{unbudgeted['seconds']:.2f}"
                ratio = f"{unbudgeted['seconds'] / budgeted['seconds']:.1f}"
                floors = f"{budgeted['floor']:.4f} / {unbudgeted['floor']:.4f}"
            print(f"{name:44} {'yes' if curves else 'no':6} {budgeted['seconds']:10.2f} {plain:>13} {ratio:>7}  "
                  f"{floors:>17}  {'yes' if budgeted['limited'] else 'no'}", file=stream, flush=True)
    print(f"\nbudgeted runs over {SLOW_EVALUATE_SECONDS:g} s: {over}", file=stream)
    return over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="how many cases (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run is stopped (default 60)")
    parser.add_argument("--keep", type=Path, help="copy the input of every failing case into this folder")
    parser.add_argument("--slow-cases", action="store_true",
                        help="time the known slow designs budgeted and unbudgeted instead of fuzzing")
    args = parser.parse_args(argv)
    if args.slow_cases:
        slow_cases(args.timeout)
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="advisor-fuzz-") as folder:
        os.environ["ANNOTATION_ADVISOR_DATA_DIR"] = str(Path(folder) / "data")
        os.environ["ANNOTATION_ADVISOR_CONFIG_DIR"] = str(Path(folder) / "config")
        os.environ["ANNOTATION_ADVISOR_DB"] = str(Path(folder) / "default.sqlite")
        import advisor.cli  # noqa: F401  (loaded before the worker forks, so each case starts warm)
        import advisor.evaluation.evaluate  # noqa: F401

        runner = Runner(args.timeout)
        try:
            tally = run_cases(generate_cases(args.cases, args.seed), runner, Path(folder), keep=args.keep)
        finally:
            runner.close()
    print(f"fuzz: {args.cases} cases from seed {args.seed}, timeout {args.timeout:g} s\n")
    report(tally, time.perf_counter() - started)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
