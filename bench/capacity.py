"""Exact r-rater capacity through vote counts against brute force over the k^r joint kernel.

For k in {2, 3, 5, 7} and r in 1..10 (plus the goal case k = 7, r = 15) the panel capacity is
computed three ways on the same single-rater kernel and correlation:

- counts: ``models.panel_capacity`` (Blahut-Arimoto over the C(r+k-1, k-1) vote histograms);
- brute:  ``models.blahut_arimoto`` over all k^r answer tuples (``models.joint_panel_kernel``),
          skipped when k^r > 2e6 outputs;
- dit:    dit's ``channel_capacity`` (plain Blahut-Arimoto, reports bits) on the same joint
          kernel, where it fits in 5e5 outputs (it is slow and stops on a relative change, so it is
          an independent anchor, not a timing baseline).

The kernel is an ordinal (Thurstonian) kernel with slips, so Blahut-Arimoto really iterates
(symmetric kernels would be certified at the first step). Times are wall-clock seconds; the counts
time is the best of three cold calls (composition tables cleared before each), as timeit does, so
that a busy machine does not decide a goal; brute force runs once. Exits 1 when any two capacities differ by more than 1e-6
nats or a goal is missed (goals: k = 5, r = 8 at least 100x faster than brute force; k = 7, r = 15
under 0.2 s). This script is a benchmark, not a test: the test suite never asserts on time.

Run: ``python bench/capacity.py`` (``make bench`` installs dit first).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import models  # noqa: E402
from models import panel as panel_module  # noqa: E402

TOLERANCE = 1e-6
BRUTE_LIMIT = 2_000_000
DIT_LIMIT = 500_000
REPEATS = 3
CORRELATION = 0.1
D_PRIME = 1.2
SLIP = 0.03
CASES = [(k, r) for k in (2, 3, 5, 7) for r in range(1, 11)] + [(7, 15)]


def kernel_for(k: int) -> np.ndarray:
    return models.compose(models.ordinal_kernel(D_PRIME, k), models.ordinal_slip_kernel(k, SLIP))


def cold_counts(kernel: np.ndarray, raters: int) -> tuple[float, float]:
    best = math.inf
    for _ in range(REPEATS):
        panel_module._compositions.cache_clear()
        panel_module._histogram_tables.cache_clear()
        start = time.perf_counter()
        result = models.panel_capacity(kernel, raters, correlation=CORRELATION, tol=1e-10)
        best = min(best, time.perf_counter() - start)
    return result.nats, best


def brute(kernel: np.ndarray, raters: int) -> tuple[float, float]:
    start = time.perf_counter()
    joint = models.joint_panel_kernel(kernel, raters, correlation=CORRELATION)
    result = models.blahut_arimoto(joint, tol=1e-10)
    return result.nats, time.perf_counter() - start


def dit_capacity(kernel: np.ndarray, raters: int) -> float | None:
    try:
        from dit.algorithms.channelcapacity import channel_capacity
    except ImportError:
        return None
    joint = models.joint_panel_kernel(kernel, raters, correlation=CORRELATION)
    bits, _ = channel_capacity(joint, rtol=0.0, atol=1e-13)
    return float(bits) * models.LN2


def main() -> int:
    header = (
        f"{'k':>2} {'r':>3} {'outcomes':>9} {'k^r':>14} {'counts (nats)':>15} {'brute (nats)':>15} "
        f"{'|diff|':>9} {'dit (nats)':>15} {'|diff dit|':>10} {'t counts':>9} {'t brute':>9} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    failures: list[str] = []
    timings: dict[tuple[int, int], tuple[float, float | None]] = {}
    for k, raters in CASES:
        kernel = kernel_for(k)
        outcomes = models.outcome_count(raters, k)
        tuples = k**raters
        counts, counts_time = cold_counts(kernel, raters)
        brute_value = brute_time = dit_value = None
        if tuples <= BRUTE_LIMIT:
            brute_value, brute_time = brute(kernel, raters)
            if abs(counts - brute_value) > TOLERANCE:
                failures.append(f"k={k}, r={raters}: counts {counts:.12f} vs brute {brute_value:.12f}")
        if tuples <= DIT_LIMIT:
            dit_value = dit_capacity(kernel, raters)
            if dit_value is not None and abs(counts - dit_value) > TOLERANCE:
                failures.append(f"k={k}, r={raters}: counts {counts:.12f} vs dit {dit_value:.12f}")
        timings[(k, raters)] = (counts_time, brute_time)
        print(
            f"{k:>2} {raters:>3} {outcomes:>9} {tuples:>14} {counts:>15.10f} "
            + (f"{brute_value:>15.10f} {abs(counts - brute_value):>9.1e} " if brute_value is not None
               else f"{'skipped':>15} {'-':>9} ")
            + (f"{dit_value:>15.10f} {abs(counts - dit_value):>10.1e} " if dit_value is not None
               else f"{'-':>15} {'-':>10} ")
            + f"{counts_time:>9.4f} "
            + (f"{brute_time:>9.3f} {brute_time / counts_time:>7.0f}x" if brute_time is not None
               else f"{'-':>9} {'-':>8}")
        )
    print(f"\nbrute force skipped where k^r > {BRUTE_LIMIT:.0e} outputs; dit run where k^r <= {DIT_LIMIT:.0e}.")
    counts_time, brute_time = timings[(5, 8)]
    ratio = brute_time / counts_time if brute_time else float("nan")
    fast_enough = brute_time is not None and ratio >= 100.0
    print(f"{'PASS' if fast_enough else 'FAIL'}: k=5, r=8 counts are {ratio:.0f}x faster than brute force (goal >= 100x)")
    large_time = timings[(7, 15)][0]
    quick = large_time < 0.2
    print(f"{'PASS' if quick else 'FAIL'}: k=7, r=15 ({models.outcome_count(15, 7)} outcomes) in {large_time:.3f} s (goal < 0.2 s)")
    agree = not failures
    print(f"{'PASS' if agree else 'FAIL'}: every capacity agrees to {TOLERANCE:g} nats")
    for failure in failures:
        print("  " + failure)
    return 0 if agree and fast_enough and quick else 1


if __name__ == "__main__":
    sys.exit(main())
