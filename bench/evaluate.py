"""Benchmark: evaluations per second over the examples, and the time to list the
first page of 10,000 stored scenarios.

Each timing is printed beside a baseline measured in the same run on the same
data, so the ratios mean something on any machine:

- an evaluation against validating the same scenario (``scenario_from_dict``),
- the planner's interval (method §8: MAP accuracy, codebooks, items a value model needs and the
  achievable error along the curves) as a share of the same ``evaluate()`` calls, with the caches
  of :mod:`models` cleared before each call (cold) and kept (warm),
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

from advisor.scenario.schema import example_scenarios, scenario_from_dict  # noqa: E402
from advisor.storage.store import ScenarioStore  # noqa: E402


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
    from advisor.evaluation.evaluate import evaluate

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


#: The functions of :mod:`advisor.evaluation.evaluate` that compute the planner's interval (method §8). Only
#: the outermost of nested calls is timed.
PLANNER_FUNCTIONS = ("_design_planner", "_item_decoding", "_planner", "_items_needed", "_achievable_at",
                     "_joint_part_capacity", "codebook_error", "learning_error_curves")


def clear_model_caches() -> int:
    """Clear every ``functools`` cache of the :mod:`models` package; returns how many were cleared."""
    import importlib
    import pkgutil

    import models

    cleared = 0
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"models.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type):
                continue  # a cache class, not a cache
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == module.__name__:
                value.cache_clear()
                cleared += 1
    return cleared


class PlannerTimer:
    """Wraps :data:`PLANNER_FUNCTIONS` in :mod:`advisor.evaluation.evaluate` and adds up their outermost time."""

    def __init__(self) -> None:
        import advisor.evaluation.evaluate as evaluate_module

        self.module = evaluate_module
        self.seconds = 0.0
        self._depth = 0
        self._originals = {name: getattr(evaluate_module, name) for name in PLANNER_FUNCTIONS
                           if hasattr(evaluate_module, name)}

    def __enter__(self) -> PlannerTimer:
        for name, original in self._originals.items():
            setattr(self.module, name, self._timed(original))
        return self

    def __exit__(self, *_: object) -> None:
        for name, original in self._originals.items():
            setattr(self.module, name, original)

    def _timed(self, function: Callable[..., object]) -> Callable[..., object]:
        def timed(*args: object, **kwargs: object) -> object:
            if self._depth:
                return function(*args, **kwargs)
            self._depth += 1
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self._depth -= 1

        return timed


def bench_planner_share(*, repeats: int = 3) -> None:
    """Print the planner's share of ``evaluate()``, cold and warm, per example, and of the headline
    numbers alone (``curves=False``, warm)."""
    from advisor.evaluation.evaluate import evaluate

    examples = example_scenarios()
    print(f"Planner's interval (method §8) as a share of evaluate(), best of {repeats}")
    print(f"{'example':48} {'cold ms':>8} {'§8 cold':>8} {'warm ms':>8} {'§8 warm':>8} {'no curves':>10} {'§8':>6}")
    shares_cold, shares_warm, shares_headline = [], [], []
    for scenario in examples:
        rows = {}
        for mode in ("cold", "warm", "headline"):
            best_total, best_planner = float("inf"), 0.0
            if mode != "cold":
                evaluate(scenario)
            for _ in range(repeats):
                if mode == "cold":
                    clear_model_caches()
                with PlannerTimer() as timer:
                    started = time.perf_counter()
                    evaluate(scenario, curves=mode != "headline")
                    total = time.perf_counter() - started
                if total < best_total:
                    best_total, best_planner = total, timer.seconds
            rows[mode] = (best_total, best_planner / best_total)
        shares_cold.append(rows["cold"][1])
        shares_warm.append(rows["warm"][1])
        shares_headline.append(rows["headline"][1])
        print(f"{scenario.name[:48]:48} {1000 * rows['cold'][0]:8.1f} {100 * rows['cold'][1]:7.1f}% "
              f"{1000 * rows['warm'][0]:8.1f} {100 * rows['warm'][1]:7.1f}% {1000 * rows['headline'][0]:8.2f}ms "
              f"{100 * rows['headline'][1]:5.1f}%")
    print(f"{'mean share':48} {'':8} {100 * statistics.mean(shares_cold):7.1f}% {'':8} "
          f"{100 * statistics.mean(shares_warm):7.1f}% {'':10} {100 * statistics.mean(shares_headline):5.1f}%"
          "   (goal: under 30 %)\n")


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
        bench_planner_share()
    bench_listing(args.scenarios)
    return 0


if __name__ == "__main__":
    sys.exit(main())
