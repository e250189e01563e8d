"""Benchmark: our Dawid–Skene against crowd-kit's, and the import of a million-row pilot.

Two datasets, each aggregated by ``models.aggregation.dawid_skene`` and by
``crowdkit.aggregation.DawidSkene`` (both from majority-vote initialisation,
crowd-kit with its defaults: 100 iterations, tol 1e-5):

- RTE (Snow et al. 2008; the shared pilots folder beside the checkout), 8,000 labels;
- a pilot of 1,000,000 labels simulated from a scenario (200,000 items x 5 raters,
  categorical(4), ρ = 0.1), with gold for every item.

For each: accuracy against gold of both (they must agree to 0.005) and the ratio of the
best wall-clock times (the goal is ours at least 5x faster). Both timings exclude parsing: crowd-kit gets a
ready DataFrame, ours ready code arrays. Also timed: ``read_pilot`` on the million-row
CSV (written once to a temporary folder) against ``pandas.read_csv`` of the same file,
and ``summarize`` on it.

Run with ``make bench`` or ``python bench/pilot.py [--repeats N]`` (needs crowd-kit and
pandas: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.pilot.dataset import PilotDataset  # noqa: E402
from advisor.pilot.reading import read_pilot  # noqa: E402
from advisor.pilot.simulation import simulate_pilot  # noqa: E402
from advisor.pilot.summary import summarize  # noqa: E402
from advisor.scenario.schema import scenario_from_dict  # noqa: E402
from models.aggregation import Annotations, dawid_skene  # noqa: E402

RTE = Path(__file__).resolve().parents[2] / "shared" / "data" / "pilots" / "snow2008_rte.csv"
ACCURACY_TOLERANCE = 0.005
GOAL_SPEEDUP = 5.0


def best_time(work: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Shortest of ``repeats`` wall-clock timings, and the last result."""
    timings = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return min(timings), result


def compare(name: str, dataset: PilotDataset, repeats: int) -> bool:
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    frame = pd.DataFrame({
        "task": np.asarray(dataset.items),
        "worker": np.asarray(dataset.raters),
        "label": np.asarray(dataset.labels),
    })
    data = Annotations.from_arrays(dataset.items, dataset.raters, dataset.labels, n_classes=len(dataset.class_names))
    gold = np.asarray(dataset.gold)

    ours_seconds, ours = best_time(lambda: dawid_skene(data), repeats)
    theirs_seconds, theirs = best_time(lambda: DawidSkene(n_iter=100).fit(frame), repeats)
    ours_accuracy = ours.accuracy_against(gold)  # type: ignore[union-attr]
    predicted = theirs.labels_.reindex(np.arange(dataset.n_items)).to_numpy()  # type: ignore[union-attr]
    theirs_accuracy = float(np.mean(predicted == gold))
    same = abs(ours_accuracy - theirs_accuracy) <= ACCURACY_TOLERANCE
    ratio = theirs_seconds / ours_seconds
    print(f"\n{name}: {dataset.n_labels:,} labels, {dataset.n_items:,} items, {dataset.n_raters:,} raters (best of {repeats})")
    print(f"  {'':22} {'accuracy':>9} {'seconds':>9} {'iterations':>11}")
    print(f"  {'ours (models)':22} {ours_accuracy:9.4f} {ours_seconds:9.3f} {ours.iterations:11d}")  # type: ignore[union-attr]
    print(f"  {'crowd-kit DawidSkene':22} {theirs_accuracy:9.4f} {theirs_seconds:9.3f} {len(theirs.loss_history_):11d}")  # type: ignore[union-attr]
    print(f"  accuracy difference {ours_accuracy - theirs_accuracy:+.4f} ({'within' if same else 'OUTSIDE'} {ACCURACY_TOLERANCE}); "
          f"ours is {ratio:.1f}x faster (goal ≥ {GOAL_SPEEDUP:g}x: {'met' if ratio >= GOAL_SPEEDUP else 'NOT met'})")
    return same and ratio >= GOAL_SPEEDUP


def bench_import(dataset: PilotDataset) -> None:
    import pandas as pd

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "million.csv"
        dataset.write_csv(path)
        size_mb = path.stat().st_size / 1e6
        ours_seconds, loaded = best_time(lambda: read_pilot(path), 1)
        pandas_seconds, _ = best_time(lambda: pd.read_csv(path, dtype=str, keep_default_na=False), 1)
        summary_seconds, summary = best_time(lambda: summarize(loaded, slip_rate=0.02, n_boot=200), 1)  # type: ignore[arg-type]
    print(f"\nimport of {dataset.n_labels:,} rows ({size_mb:.1f} MB CSV)")
    print(f"  read_pilot (detect, stream-parse, validate, encode) {ours_seconds:7.2f} s")
    print(f"  pandas.read_csv (parse only, strings)               {pandas_seconds:7.2f} s   ratio {ours_seconds / pandas_seconds:.1f}")
    print(f"  summarize (3 methods, agreement, 200-resample capacity CI, ρ, speed–accuracy fit) {summary_seconds:.2f} s")
    speed = summary.speed_accuracy  # type: ignore[union-attr]
    print(f"  fitted λ {speed.discriminability:.4f} (true 2.0), ρ {summary.rho:.4f} (true 0.1)")  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timings per method on RTE (at most 3 on the big pilot)")
    args = parser.parse_args(argv)
    ok = True
    if RTE.is_file():
        ok &= compare("RTE (Snow et al. 2008)", read_pilot(RTE), args.repeats)
    else:
        print(f"RTE not found at {RTE}: skipped")
    scenario = scenario_from_dict({
        "name": "bench",
        "questions": [{"name": "q", "format": {"kind": "categorical", "k": 4}}],
        "raters": {"per_item": 5, "correlation": 0.1, "discriminability": 2.0},
        "campaign": {"seconds_per_item": 30.0},
    })
    simulated = simulate_pilot(scenario, items=200_000, seed=2025)
    ok &= compare("simulated pilot", simulated, max(1, min(3, args.repeats)))
    bench_import(simulated)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
