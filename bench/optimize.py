"""Benchmark of the optimiser: designs per second, and the default search's time.

For each example scenario (or the files given on the command line) this runs
the default search of :func:`advisor.planning.optimize.optimize` (at least 5,000
candidate designs) and, in the same run, a naive baseline: a sample of the
same designs, each built as a scenario with automatic time shares and passed
through the full :func:`advisor.evaluation.evaluate.evaluate` (which water-fills with
exact channel capacities). It prints designs evaluated per second for both and
their ratio; nothing here is a test (wall time is never asserted).

Usage: ``python bench/optimize.py [--sample N] [SCENARIO.json ...]``
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.evaluation.evaluate import evaluate  # noqa: E402
from advisor.planning.optimize import _limits, _Search, format_options, optimize  # noqa: E402
from advisor.scenario.schema import Scenario, example_scenarios, load_scenario_file  # noqa: E402


def naive_designs_per_second(scenario: Scenario, sample: int, seed: int = 0) -> tuple[float, int]:
    """Full evaluations per second on a random sample of the search's designs."""
    search = _Search(scenario, format_options(scenario), _limits(scenario, None, None, None, None), False, None)
    rng = random.Random(seed)
    designs = []
    for _ in range(sample):
        combo = tuple(rng.randrange(len(options)) for options in search.options)
        raters = rng.randint(1, search.limits.max_raters)
        time_index = rng.randrange(len(search.times))
        changes = {"raters.per_item": raters, "campaign.seconds_per_item": float(search.times[time_index])}
        for index, choice in enumerate(combo):
            changes[f"questions.{index}.format"] = search.options[index][choice].model_dump(exclude_none=True)
            changes[f"questions.{index}.time_share"] = None
        designs.append(scenario.with_changes(changes))
    started = time.perf_counter()
    for design in designs:
        evaluate(design, curves=False)
    return len(designs) / (time.perf_counter() - started), len(designs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help="scenario JSON files (default: the shipped examples)")
    parser.add_argument("--sample", type=int, default=12, help="designs in the naive baseline's sample (default 12)")
    args = parser.parse_args(argv)
    scenarios = [load_scenario_file(p) for p in args.scenarios] if args.scenarios else example_scenarios()
    header = (f"{'scenario':<46} {'designs':>8} {'search s':>9} {'designs/s':>10} {'naive/s':>8} "
              f"{'ratio':>7} {'naive est. s':>12}")
    print(header)
    print("-" * len(header))
    worst = 0.0
    for scenario in scenarios:
        started = time.perf_counter()
        result = optimize(scenario)
        seconds = time.perf_counter() - started
        worst = max(worst, seconds)
        rate = result.candidates / seconds
        naive_rate, _ = naive_designs_per_second(scenario, args.sample)
        print(f"{scenario.name[:46]:<46} {result.candidates:>8,} {seconds:>9.2f} {rate:>10,.0f} {naive_rate:>8.1f} "
              f"{rate / naive_rate:>6,.0f}x {result.candidates / naive_rate:>12,.0f}")
    print(f"\nslowest default search: {worst:.2f} s (target: under 2 s); the ratio compares designs per second "
          "with full evaluate() per design, measured in this run.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
