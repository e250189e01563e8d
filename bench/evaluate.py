"""Benchmark: evaluations per second over the examples, and the time to list the
first page of 10,000 stored scenarios.

Each timing is printed beside a baseline measured in the same run on the same
data, so the ratios mean something on any machine:

- an evaluation against validating the same scenario (``scenario_from_dict``),
- ``ScenarioStore.list()`` (first page, newest first, with tags) against a raw
  ``sqlite3`` SELECT of the same columns in the same order on the same file,
- a search (``list(search=...)``) against the raw ``LIKE`` query,
- ``count()`` against a raw ``SELECT count(*)``.

Run with ``make bench`` or ``python bench/evaluate.py [--scenarios N]``.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.scenario import example_scenarios, scenario_from_dict  # noqa: E402
from advisor.store import ScenarioStore  # noqa: E402


def seconds_per_call(work: Callable[[], object], *, minimum_seconds: float = 0.5, repeats: int = 5) -> float:
    """The best of ``repeats`` timings, each over enough calls to last ``minimum_seconds / repeats``."""
    calls = 1
    while True:
        started = time.perf_counter()
        for _ in range(calls):
            work()
        elapsed = time.perf_counter() - started
        if elapsed >= minimum_seconds / repeats:
            break
        calls *= 2
    timings = [elapsed / calls]
    for _ in range(repeats - 1):
        started = time.perf_counter()
        for _ in range(calls):
            work()
        timings.append((time.perf_counter() - started) / calls)
    return min(timings)


def bench_evaluations() -> None:
    from advisor.evaluate import evaluate

    examples = example_scenarios()
    print(f"Evaluations over {len(examples)} examples (best of 5)")
    print(f"{'example':48} {'eval/s':>9} {'no curves/s':>12} {'validate/s':>11} {'eval ÷ validate':>16}")
    rates, rates_plain = [], []
    for scenario in examples:
        data = scenario.to_dict()
        full = seconds_per_call(lambda: evaluate(scenario))
        plain = seconds_per_call(lambda: evaluate(scenario, curves=False))
        validate = seconds_per_call(lambda: scenario_from_dict(data))
        rates.append(1 / full)
        rates_plain.append(1 / plain)
        print(f"{scenario.name[:48]:48} {1 / full:9.1f} {1 / plain:12.1f} {1 / validate:11.0f} {full / validate:15.0f}×")
    print(
        f"{'harmonic mean':48} {statistics.harmonic_mean(rates):9.1f} {statistics.harmonic_mean(rates_plain):12.1f}\n"
    )


def bench_listing(count: int) -> None:
    examples = example_scenarios()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite"
        store = ScenarioStore.open(path, seed=False)
        started = time.perf_counter()
        batch = 1_000
        for start in range(0, count, batch):
            chunk = [
                examples[i % len(examples)].with_changes(
                    {"name": f"{examples[i % len(examples)].name} #{i}", "tags": [*examples[i % len(examples)].tags, f"batch {i // batch}"]}
                )
                for i in range(start, min(start + batch, count))
            ]
            store.create_many(chunk)
        inserted = time.perf_counter() - started
        print(f"Stored {count:,} scenarios in {inserted:.1f} s ({count / inserted:,.0f} per second, {batch:,} per transaction)")

        raw = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        page = 100
        raw_page_sql = (
            "SELECT id, name, substr(notes, 1, 640), revision, created, updated, deleted_at FROM scenarios "
            "WHERE deleted_at IS NULL ORDER BY updated DESC, id DESC LIMIT ?"
        )
        raw_search_sql = (
            "SELECT id, name FROM scenarios WHERE deleted_at IS NULL AND (lower(name) LIKE ? OR lower(notes) LIKE ?) "
            "ORDER BY updated DESC, id DESC LIMIT ?"
        )
        measurements = [
            (f"first page ({page}), newest first", lambda: store.list(limit=page), lambda: raw.execute(raw_page_sql, (page,)).fetchall()),
            (
                "search 'radiologists' (first page)",
                lambda: store.list(search="radiologists", limit=page),
                lambda: raw.execute(raw_search_sql, ("%radiologists%", "%radiologists%", page)).fetchall(),
            ),
            ("count", store.count, lambda: raw.execute("SELECT count(*) FROM scenarios WHERE deleted_at IS NULL").fetchone()),
        ]
        print(f"{'listing ' + format(count, ',') + ' stored scenarios':40} {'store ms':>9} {'raw SQL ms':>11} {'ratio':>7}")
        for label, ours, baseline in measurements:
            ours_seconds = seconds_per_call(ours)
            raw_seconds = seconds_per_call(baseline)
            print(f"{label:40} {1000 * ours_seconds:9.2f} {1000 * raw_seconds:11.2f} {ours_seconds / raw_seconds:6.1f}×")
        raw.close()
        store.close()

        started = time.perf_counter()
        with ScenarioStore.open(path) as reopened:
            first_page = reopened.list(limit=page)
        cold = time.perf_counter() - started
        print(f"{'open the database + first page (cold)':40} {1000 * cold:9.1f}   ({len(first_page)} rows, includes the integrity check)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=10_000, help="how many scenarios to store (default 10000)")
    parser.add_argument("--skip-evaluate", action="store_true", help="only the storage part")
    args = parser.parse_args(argv)
    if not args.skip_evaluate:
        bench_evaluations()
    bench_listing(args.scenarios)
    return 0


if __name__ == "__main__":
    sys.exit(main())
