"""How long a scale question takes to evaluate, up to 101 levels, beside a 5-point ordinal question.

For a one-question scenario (30 s per item, default raters) with a scale of 11, 51 and 101 levels,
with and without a rater model (criterion 0.3, two item difficulty classes), at 1, 3 and 5 raters:
the wall-clock seconds of a cold ``evaluate(scenario, curves=False)`` (the editor's headline: every
cache of the models and of the evaluation cleared first) and of the ``evaluate(scenario)`` that
follows (the curves), the best of three runs, and whether the work budget made a number an interval
(``budget``). The ordinal(5) row of the same run is the baseline the ratios are taken against.
This is a benchmark, not a test: the test suite never asserts on time.

Run: ``python bench/scale.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from advisor.evaluation import evaluate as evaluate_module  # noqa: E402
from advisor.evaluation.evaluate import evaluate  # noqa: E402
from advisor.scenario.schema import scenario_from_dict  # noqa: E402
from bench.evaluate import clear_model_caches  # noqa: E402

REPEATS = 3
MODEL = {"bias": 0.3}
CLASSES = [{"weight": 0.7, "multiplier": 1.3}, {"weight": 0.3, "multiplier": 0.3}]


def _clear() -> None:
    clear_model_caches()
    for value in vars(evaluate_module).values():
        clear = getattr(value, "cache_clear", None)
        if callable(clear) and getattr(value, "__module__", "") == evaluate_module.__name__:
            clear()


def _scenario(fmt: dict, raters: int, with_model: bool) -> object:
    question = {"name": "q", "format": fmt, **(MODEL if with_model else {})}
    pool = {"per_item": raters, **({"difficulty_classes": CLASSES} if with_model else {})}
    return scenario_from_dict({"name": "bench", "questions": [question], "raters": pool})


def _time(scenario) -> tuple[float, float, bool]:
    best_headline = best_curves = float("inf")
    limited = False
    for _ in range(REPEATS):
        _clear()
        start = time.perf_counter()
        headline = evaluate(scenario, curves=False)
        middle = time.perf_counter()
        evaluate(scenario)
        end = time.perf_counter()
        best_headline, best_curves = min(best_headline, middle - start), min(best_curves, end - middle)
        limited = headline.budget_limited
    return best_headline, best_curves, limited


def main() -> int:
    formats = [("ordinal(5)", {"kind": "ordinal", "k": 5})] + [
        (f"scale({levels})", {"kind": "scale", "minimum": 0, "maximum": levels - 1, "step": 1})
        for levels in (11, 51, 101)
    ]
    print(f"{'format':<12} {'model':<6} {'r':>2} {'headline s':>11} {'× base':>7} {'curves s':>9} {'× base':>7} budget")
    for raters in (1, 3, 5):
        for with_model in (False, True):
            base = None
            for name, fmt in formats:
                headline, curves, limited = _time(_scenario(fmt, raters, with_model))
                base = base or (headline, curves)
                print(f"{name:<12} {'§9' if with_model else '—':<6} {raters:>2} {headline:>11.3f} "
                      f"{headline / base[0]:>7.1f} {curves:>9.3f} {curves / base[1]:>7.1f} {'yes' if limited else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
