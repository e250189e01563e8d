"""Random valid designs through every analysis: levers, time allocation, the optimiser, the budget
split, the curves and solve-for.

``bench/fuzz.py`` mutates input files until they break and checks the refusals; this script does
the opposite: it builds designs that *are* valid scenarios, and checks that every analysis the
window, the command line and the reports run on a valid design finishes or refuses with the app's
own error, never with another exception. Each case starts from one of the examples and draws, per
question, a new response format (any of the nine kinds, with its k, characters or scale), a part
shared with other questions, a time share; the raters per item, the time per item and, for some,
adaptive or partial overlap. Drawn designs the schema refuses are counted and skipped.

Each valid design then runs, in this process:

* ``analyse`` with the levers and the time allocation (``--levers``, the default), or
* ``analyse`` with the curves, the optimiser and the budget split, and ``solve`` for each of its
  five unknowns (``--planning``).

Counted: cases, designs the schema refused, designs analysed, refusals (an
:class:`advisor.errors.AdvisorError`, with its message), derived designs refused (an analysis built
a design the schema refuses and stopped with that: a bug, as a valid design's analyses should stay
among valid designs), crashes (any other exception, with the design's format list and the last
frames), and designs that took over 30 s.

Run with ``python bench/fuzz_designs.py [--cases 200] [--seed 0] [--planning] [--keep DIR]``;
``--keep`` writes each crashing design, and each slower than 30 s, as JSON. The exit status is 1
when a case crashed or an analysis stopped on a derived design the schema refused.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

FORMATS: dict[str, list[dict[str, Any]]] = {
    "binary": [{}],
    "categorical": [{"k": k} for k in (2, 3, 5, 8)],
    "ordinal": [{"k": k} for k in (2, 3, 5, 7, 11)],
    "pairwise": [{"k": k} for k in (2, 3, 4)],
    "ranking": [{"k": k} for k in (2, 3, 4)],
    "multi_select": [{"k": k} for k in (1, 2, 4, 6)],
    "free_text": [{"max_chars": n} for n in (20, 200, 800)],
    "best_worst": [{"k": k} for k in (3, 4, 5)],
    "scale": [{"minimum": 0, "maximum": high, "step": step} for high in (10, 100) for step in (1, 5, 10)],
}
"""The formats a question is redrawn from."""
SLOW_SECONDS = 30.0
"""A design analysed for longer than this is listed."""


def random_design(rng: random.Random, examples: list[dict[str, Any]]) -> dict[str, Any]:
    """One drawn design: an example with new formats, parts, time shares, raters, time and overlap."""
    data = json.loads(json.dumps(rng.choice(examples)))
    for question in data["questions"]:
        if rng.random() < 0.6:
            kind = rng.choice(list(FORMATS))
            question["format"] = {"kind": kind, **rng.choice(FORMATS[kind])}
            for key in ("bias", "prior", "option_bias"):
                question.pop(key, None)
        if rng.random() < 0.3:
            question["part"] = rng.choice(["a", "b", None])
        if rng.random() < 0.2:
            question["time_share"] = rng.choice([None, 0.1, 0.5, 1.0])
    data["raters"]["per_item"] = rng.choice([1, 2, 3, 5, 9])
    data["campaign"]["seconds_per_item"] = rng.choice([1.0, 10.0, 60.0, 600.0])
    if rng.random() < 0.3:
        data["overlap"] = {"mode": rng.choice(["fixed", "adaptive", "partial"]),
                           "max_raters": rng.choice([2, 3, 5, 10]), "extra_raters": rng.choice([1, 2, 5]),
                           "extra_share": rng.choice([0.1, 0.5])}
    return data


def analyse_design(scenario, planning: bool) -> None:
    """Run the analyses of one design (see the module's docstring)."""
    from advisor.planning.analysis import analyse
    from advisor.planning.solve import UNKNOWNS, solve

    if not planning:
        analyse(scenario, levers=True, allocation=True)
        return
    analyse(scenario, levers=False, curves=True, optimizer=True, compromise=True)
    for unknown in UNKNOWNS:
        solve(scenario, unknown)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="how many designs to draw (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--planning", action="store_true",
                        help="curves, optimiser, budget split and solve-for instead of levers and allocation")
    parser.add_argument("--keep", type=Path,
                        help=f"write each crashing design, and each slower than {SLOW_SECONDS:g} s, as JSON into this folder")
    args = parser.parse_args(argv)

    from pydantic import ValidationError

    from advisor.allocator import keep_freed_memory
    from advisor.errors import AdvisorError, ScenarioValidationError
    from advisor.scenario.schema import example_scenarios, scenario_from_dict

    keep_freed_memory()
    rng = random.Random(args.seed)
    examples = [scenario.model_dump() for scenario in example_scenarios()]
    counts: Counter[str] = Counter()
    refusals: Counter[str] = Counter()
    slowest = (0.0, "")
    started = time.perf_counter()
    for index in range(args.cases):
        data = random_design(rng, examples)
        counts["cases"] += 1
        try:
            scenario = scenario_from_dict(data)
        except (ValidationError, AdvisorError, ValueError):
            counts["refused by the schema"] += 1
            continue
        formats = [question.format.label() for question in scenario.questions]
        began = time.perf_counter()
        try:
            analyse_design(scenario, args.planning)
            counts["analysed"] += 1
        except ScenarioValidationError as error:
            counts["derived design refused"] += 1
            print(f"case {index}: an analysis stopped on a derived design: {error}", file=sys.stderr)
        except AdvisorError as error:
            counts["refused by an analysis"] += 1
            refusals[str(error).split(":")[0]] += 1
        except Exception:  # noqa: BLE001 - what this script looks for
            counts["crashed"] += 1
            print(f"case {index}: crash on {formats}, {scenario.raters.per_item} raters, overlap "
                  f"{scenario.overlap.mode}", file=sys.stderr)
            traceback.print_exc(limit=-6)
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"design-{args.seed}-{index}.json").write_text(scenario.model_dump_json(indent=1),
                                                                             encoding="utf-8")
        took = time.perf_counter() - began
        if took > slowest[0]:
            slowest = (took, f"case {index}: {formats}")
        if took > SLOW_SECONDS:
            counts[f"over {SLOW_SECONDS:g} s"] += 1
            print(f"case {index}: {took:.1f} s on {formats}, {scenario.raters.per_item} raters", file=sys.stderr)
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"slow-{args.seed}-{index}.json").write_text(scenario.model_dump_json(indent=1),
                                                                          encoding="utf-8")
    print(f"fuzz_designs: {args.cases} designs from seed {args.seed}, "
          f"{'curves, optimiser, budget split and solve-for' if args.planning else 'levers and time allocation'}\n")
    for key in ("cases", "refused by the schema", "analysed", "refused by an analysis", "derived design refused",
                "crashed", f"over {SLOW_SECONDS:g} s"):
        print(f"{key:<28}{counts[key]:>6}")
    print(f"{'slowest, s':<28}{slowest[0]:>6.1f}  {slowest[1]}")
    print(f"{'wall time, s':<28}{time.perf_counter() - started:>6.1f}")
    if refusals:
        print("\nrefusals by the start of their message:")
        for message, count in refusals.most_common(10):
            print(f"  {count:>4}  {message}")
    return 1 if counts["crashed"] or counts["derived design refused"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
