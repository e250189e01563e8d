"""Benchmark: reading and summarising pilots of 1, 10 and 50 million labels, standard reader and DuckDB.

For each size a synthetic pilot CSV is written once (by DuckDB, into ``--folder``, kept for later
runs): 5 labels per item, 2,000 raters, two classes, gold on every item, and seconds per label
drawn log-normally around 8 s, each label right with the probability the d′(t) model gives at its
time (λ 2.5, β 0.3 /s, δ₀ 1 s; Φ by its logistic approximation). Each (size, reader) pair then runs
in a fresh process — so that its peak resident memory is its own — which reads the file (the
standard reader, :func:`advisor.pilot.reading.read_pilot`, only up to its limit of 1,000,000 rows;
the DuckDB reader, :func:`advisor.pilot.sources.large.read_large_pilot`, for every size) and
summarises it (:func:`advisor.pilot.summary.summarize`, ``--boot`` bootstrap resamples). The table
gives rows per second of reading, of summarising and of both, the peak resident memory of the
process, and the fitted β and δ₀ beside the values the file was drawn with.

``--crowdkit`` also times our Dawid–Skene against crowd-kit's on RTE and a simulated pilot of a
million labels (needs crowd-kit and pandas: ``pip install -e '.[bench]'``).

Run with ``make bench`` or ``python bench/pilot.py [--sizes 1e6 1e7 5e7] [--boot 100]``; heavy work
runs under ``nice``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.pilot.dataset import PilotDataset  # noqa: E402
from advisor.pilot.reading import MAX_ROWS, read_pilot  # noqa: E402

RTE = Path(__file__).resolve().parents[2] / "shared" / "data" / "pilots" / "snow2008_rte.csv"
TRUE_BETA, TRUE_DELTA = 0.3, 1.0
ACCURACY_TOLERANCE = 0.005
GOAL_SPEEDUP = 5.0


def write_pilot(size: int, path: Path) -> float:
    """Write the synthetic pilot of ``size`` labels to ``path`` with DuckDB; seconds taken."""
    import duckdb

    started = time.perf_counter()
    connection = duckdb.connect(config={"threads": 2, "memory_limit": "1GB", "preserve_insertion_order": True})
    connection.execute("SELECT setseed(0.25)")
    connection.execute(f"""COPY (
      SELECT item, rater,
             CASE WHEN random() < 1 / (1 + exp(-1.702 * greatest(0, 2.5 * (1 - exp(-{TRUE_BETA} * (seconds - {TRUE_DELTA}))))
                                              / sqrt(2)))
                  THEN gold ELSE 1 - gold END AS label,
             gold, seconds
      FROM (SELECT 'i' || (range // 5) AS item,
                   'r' || (((range // 5) * 7 + range % 5) % 2000) AS rater,
                   hash(range // 5) % 2 AS gold,
                   round(exp(ln(8) + 0.7 * sqrt(-2 * ln(random())) * cos(2 * pi() * random())), 2) AS seconds
            FROM range({size}))) TO '{path}' (HEADER, DELIMITER ',')""")
    connection.close()
    return time.perf_counter() - started


def child(path: str, reader: str, boot: int) -> None:
    """Read and summarise one file; print one JSON line (run in its own process)."""
    from advisor.pilot.sources.large import read_large_pilot
    from advisor.pilot.summary import summarize

    started = time.perf_counter()
    dataset = read_pilot(path) if reader == "stdlib" else read_large_pilot(path)
    read_seconds = time.perf_counter() - started
    read_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    summary = summarize(dataset, n_boot=boot)
    summary_seconds = time.perf_counter() - started
    speed = summary.speed_accuracy
    print(json.dumps({
        "labels": dataset.n_labels, "read_seconds": read_seconds, "summary_seconds": summary_seconds,
        "read_peak_bytes": read_peak, "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "beta": speed.accrual_rate if speed else None, "delta": speed.base_time if speed else None,
        "beta_interval": speed.intervals["accrual_rate"] if speed and speed.intervals else None,
        "dawid_skene": summary.methods["dawid_skene"].accuracy_vs_gold,
    }))


def scaling(sizes: list[int], boot: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in sizes:
        path = folder / f"pilot_{size}.csv"
        if not path.is_file():
            seconds = write_pilot(size, path)
            print(f"wrote {size:,} labels to {path} ({path.stat().st_size / 1e9:.2f} GB) in {seconds:.0f} s", flush=True)
        for reader in (["stdlib"] if size <= MAX_ROWS else []) + ["duckdb"]:
            command = ["nice", sys.executable, __file__, "--child", str(path), reader, str(boot)]
            done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
            if done.returncode != 0:
                print(f"{size:,} labels, {reader}: failed\n{done.stderr[-2000:]}", flush=True)
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append((size, reader, result))
            print(f"{size:,} labels, {reader}: read {result['read_seconds']:.1f} s, summary {result['summary_seconds']:.1f} s, "
                  f"peak {result['peak_bytes'] / 1e9:.2f} GB", flush=True)
    print(f"\nreading and summarising ({boot} bootstrap resamples); rows per second; peak resident memory of the process")
    print(f"{'labels':>12} {'reader':>7} {'read/s':>11} {'summary/s':>11} {'both/s':>11} {'read peak':>10} "
          f"{'peak':>8} {'β (0.3)':>8} {'δ₀ (1.0)':>8}")
    for size, reader, result in rows:
        total = result["read_seconds"] + result["summary_seconds"]
        print(f"{size:>12,} {reader:>7} {size / result['read_seconds']:>11,.0f} {size / result['summary_seconds']:>11,.0f} "
              f"{size / total:>11,.0f} {result['read_peak_bytes'] / 1e9:>8.2f}GB {result['peak_bytes'] / 1e9:>6.2f}GB "
              f"{result['beta']:>8.3f} {result['delta']:>8.3f}")


# ------------------------------------------------------------- crowd-kit
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
    """Our Dawid–Skene against crowd-kit's on one pilot: accuracy (must agree to 0.005) and time."""
    import pandas as pd
    from crowdkit.aggregation import DawidSkene

    from models.aggregation import Annotations, dawid_skene

    frame = pd.DataFrame({"task": np.asarray(dataset.items), "worker": np.asarray(dataset.raters), "label": np.asarray(dataset.labels)})
    data = Annotations.from_arrays(dataset.items, dataset.raters, dataset.labels, n_classes=len(dataset.class_names))
    gold = np.asarray(dataset.gold)
    ours_seconds, ours = best_time(lambda: dawid_skene(data), repeats)
    theirs_seconds, theirs = best_time(lambda: DawidSkene(n_iter=100).fit(frame), repeats)
    ours_accuracy = ours.accuracy_against(gold)  # type: ignore[union-attr]
    predicted = theirs.labels_.reindex(np.arange(dataset.n_items)).to_numpy()  # type: ignore[union-attr]
    theirs_accuracy = float(np.mean(predicted == gold))
    same = abs(ours_accuracy - theirs_accuracy) <= ACCURACY_TOLERANCE
    ratio = theirs_seconds / ours_seconds
    print(f"\n{name}: {dataset.n_labels:,} labels (best of {repeats}): ours {ours_accuracy:.4f} in {ours_seconds:.3f} s, "
          f"crowd-kit {theirs_accuracy:.4f} in {theirs_seconds:.3f} s; {ratio:.1f}x faster "
          f"(goal ≥ {GOAL_SPEEDUP:g}x: {'met' if ratio >= GOAL_SPEEDUP else 'NOT met'}), accuracy "
          f"{'within' if same else 'OUTSIDE'} {ACCURACY_TOLERANCE}")
    return same and ratio >= GOAL_SPEEDUP


def crowdkit(repeats: int) -> bool:
    from advisor.pilot.simulation import simulate_pilot
    from advisor.scenario.schema import scenario_from_dict

    ok = True
    if RTE.is_file():
        ok &= compare("RTE (Snow et al. 2008)", read_pilot(RTE), repeats)
    scenario = scenario_from_dict({
        "name": "bench", "questions": [{"name": "q", "format": {"kind": "categorical", "k": 4}}],
        "raters": {"per_item": 5, "correlation": 0.1, "discriminability": 2.0}, "campaign": {"seconds_per_item": 30.0},
    })
    return ok & compare("simulated pilot", simulate_pilot(scenario, items=200_000, seed=2025), max(1, min(3, repeats)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7, 5e7], help="labels per pilot")
    parser.add_argument("--boot", type=int, default=100, help="bootstrap resamples of each summary (default 100)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/annotation-advisor-bench"), help="where the pilots are written")
    parser.add_argument("--crowdkit", action="store_true", help="also compare Dawid–Skene with crowd-kit's")
    parser.add_argument("--repeats", type=int, default=5, help="timings per method in the crowd-kit comparison")
    parser.add_argument("--child", nargs=3, metavar=("PATH", "READER", "BOOT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return 0
    scaling([int(size) for size in args.sizes], args.boot, args.folder)
    return 0 if not args.crowdkit or crowdkit(args.repeats) else 1


if __name__ == "__main__":
    raise SystemExit(main())
