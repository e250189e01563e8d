"""Validation of the rater models on the shared pilots with gold (the method §9, PASS-style).

For every CSV in ``../shared/data/pilots/`` (relative to the repository; columns
``item,rater,label,gold``), run :func:`models.validation.validate`: 10 random half-splits, a
3-rater pilot on half A, predictions for r = 1…R on half B (R = the per-item label count), for
the first release's calibration (``baseline``: pooled accuracy, symmetric kernel, ρ) and the
method §9's (``population``: bias, latent difficulty, prior, slip), in the same run. Prints one
table per data set and the acceptance summary; ``--write-docs`` regenerates
``docs/validation.md``.

Data: Snow, O'Connor, Jurafsky & Ng (EMNLP 2008), RTE and WSD; Welinder, Branson, Belongie &
Perona (NIPS 2010), bluebirds; Ipeirotis, Get-Another-Label, AdultContent toy (Apache-2.0). See
``../shared/data/README.md``.

Run with ``python bench/validate.py [--splits 10] [--seed 0] [--write-docs]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.aggregation import Annotations, majority_vote  # noqa: E402
from models.rater_population import RaterPopulation, fit_rater_population, simulate_annotations  # noqa: E402
from models.validation import (  # noqa: E402
    calibrate_baseline,
    calibrate_point,
    calibrate_population,
    expected_majority,
    validate,
)

PILOTS = ROOT.parent / "shared" / "data" / "pilots"
DOCS = ROOT / "docs" / "validation.md"
SOURCES = {
    "snow2008_rte": "Snow, O'Connor, Jurafsky & Ng (EMNLP 2008), recognising textual entailment",
    "snow2008_wsd": "Snow, O'Connor, Jurafsky & Ng (EMNLP 2008), word sense disambiguation",
    "welinder2010_bluebirds": "Welinder, Branson, Belongie & Perona (NIPS 2010), bluebirds",
    "ipeirotis_adultcontent_toy": "Ipeirotis, Get-Another-Label, AdultContent toy (Apache-2.0)",
}
#: Acceptance targets (accuracy points, shares).
TARGET_MEAN, TARGET_MAX, TARGET_COVERAGE, TARGET_FLOOR = 1.5, 3.0, 0.80, 0.90
ACCEPTANCE_SETS = ("snow2008_rte", "snow2008_wsd", "welinder2010_bluebirds")


def read_pilot(path: Path) -> dict:
    """Codes from a pilot CSV: classes sorted by name (so "0" < "1", "notporn" < "porn")."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    classes = sorted({row["label"] for row in rows} | {row["gold"] for row in rows if row["gold"]})
    class_code = {name: code for code, name in enumerate(classes)}
    item_code: dict[str, int] = {}
    rater_code: dict[str, int] = {}
    items = np.array([item_code.setdefault(row["item"], len(item_code)) for row in rows], dtype=np.int64)
    raters = np.array([rater_code.setdefault(row["rater"], len(rater_code)) for row in rows], dtype=np.int64)
    labels = np.array([class_code[row["label"]] for row in rows], dtype=np.int64)
    gold = np.full(len(item_code), -1, dtype=np.int64)
    for row, item in zip(rows, items):
        if row["gold"]:
            gold[item] = class_code[row["gold"]]
    return {"items": items, "raters": raters, "labels": labels, "gold": gold, "classes": classes}


def published_figures(data: dict) -> list[str]:
    """Snow et al.'s and Sheng, Provost & Ipeirotis's figures, as far as this code reproduces them."""
    lines = []
    votes = np.zeros((data["gold"].size, len(data["classes"])), dtype=np.int64)
    np.add.at(votes, (data["items"], data["labels"]), 1)
    full = int(votes.sum(axis=1).min())
    value = expected_majority(votes, data["gold"], full)
    lines.append(f"majority vote of all {full} labels, ties split at random (expected value): {value:.4f}")
    annotations = Annotations.from_arrays(data["items"], data["raters"], data["labels"], n_classes=len(data["classes"]))
    first = majority_vote(annotations).accuracy_against(data["gold"])
    lines.append(f"majority vote, ties to the first label seen (the shared README's reference): {first:.4f}")
    return lines


def sheng_table() -> list[tuple[float, int, float]]:
    """Majority-vote accuracy of r independent raters of accuracy p (Sheng et al. 2008, Fig. 2)."""
    out = []
    for p in (0.6, 0.7, 0.8):
        # Unbiased yes/no raters: accuracy Φ(d′/2), so d′ = 2 Φ⁻¹(p).
        population = RaterPopulation.create("binary", [0.5, 0.5], [2.0 * _probit(p)])
        for r in (3, 5, 11):
            out.append((p, r, population.predict(r).majority))
    return out


def _probit(p: float) -> float:
    from scipy import special

    return float(special.ndtri(p))


def _kind(data: dict) -> str:
    return "binary" if len(data["classes"]) == 2 else "nominal"


def run(splits: int, seed: int, n_boot: int) -> dict:
    """The protocol on every pilot, three calibrators side by side."""
    results = {}
    for path in sorted(PILOTS.glob("*.csv")):
        name = path.stem
        data = read_pilot(path)
        started = time.perf_counter()
        validation = validate(
            data["items"], data["raters"], data["labels"], data["gold"], kind=_kind(data), splits=splits, seed=seed,
            n_boot=n_boot, calibrators={"baseline": calibrate_baseline, "point": calibrate_point, "population": calibrate_population},
        )
        results[name] = {
            "kind": _kind(data),
            "classes": data["classes"],
            "validation": validation,
            "seconds": time.perf_counter() - started,
            "published": published_figures(data),
        }
    return results


def _acceptance_numbers(model) -> dict:
    return {
        "mean": 100 * model.mean_abs_error_majority,
        "max": 100 * model.max_abs_error_majority,
        "coverage": model.information_ci_coverage,
        "floor": model.floor_at_or_below_dawid_skene,
        "floor_consistent": model.floor_consistent_with_dawid_skene,
    }


def robustness(splits: int, seeds: list[int]) -> dict:
    """The acceptance numbers of the population model for other seeds (other splits and pilots)."""
    out: dict = {}
    for name in ACCEPTANCE_SETS:
        data = read_pilot(PILOTS / f"{name}.csv")
        for seed in seeds:
            validation = validate(data["items"], data["raters"], data["labels"], data["gold"], kind=_kind(data),
                                  splits=splits, seed=seed, calibrators={"population": calibrate_population})
            out.setdefault(name, {})[seed] = _acceptance_numbers(validation.models["population"])
    return out


def sensitivity(splits: int, seed: int, scales: list[float]) -> dict:
    """The acceptance numbers for other scales of the difficulty spread's prior."""
    out: dict = {}
    for name in ACCEPTANCE_SETS:
        data = read_pilot(PILOTS / f"{name}.csv")
        for scale in scales:
            calibrator = partial(calibrate_population, spread_scale=scale)
            validation = validate(data["items"], data["raters"], data["labels"], data["gold"], kind=_kind(data),
                                  splits=splits, seed=seed, calibrators={"population": calibrator})
            out.setdefault(name, {})[scale] = _acceptance_numbers(validation.models["population"])
    return out


def twins(splits: int, seed: int) -> dict:
    """The protocol on a synthetic twin of each data set: same items, labels per item and raters,
    labels drawn from the EM fit of the method §9 model to all of the data set's labels (difficulty
    model chosen by AIC). What the population calibrator scores there is what it can score when
    the world follows a model of its kind: the noise of a 3-rater pilot and of half B alone."""
    out = {}
    for name in ACCEPTANCE_SETS:
        data = read_pilot(PILOTS / f"{name}.csv")
        k = len(data["classes"])
        annotations = Annotations.from_arrays(data["items"], data["raters"], data["labels"], n_classes=k)
        fit = fit_rater_population(annotations, kind=_kind(data), gold=data["gold"])
        per_item = int(np.bincount(data["items"]).min())
        rng = np.random.default_rng(seed)
        items, raters, labels, gold = simulate_annotations(
            fit.population, data["gold"].size, per_item, rng, raters_per_type=max(int(data["raters"].max()) + 1, per_item)
        )
        validation = validate(items, raters, labels, gold, kind=_kind(data), splits=splits, seed=seed,
                              calibrators={"population": calibrate_population})
        out[name] = {"fit": fit, "numbers": _acceptance_numbers(validation.models["population"]), "validation": validation}
    return out


def _table(validation, model: str) -> list[str]:
    rows = validation.models[model].rows
    lines = [
        "| r | MV emp | MV pred | err (pts) | half-A MV | DS emp | MAP pred | I emp (bits) | 95 % CI | I pred | pred. interval | in CI | floor | floor ≤ DS err |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        d = row.to_dict()
        interval = d["predicted_information_interval_bits"]
        lines.append(
            f"| {d['r']} | {d['empirical_majority']:.3f} | {d['predicted_majority']:.3f} | "
            f"{100 * (d['predicted_majority'] - d['empirical_majority']):+.1f} | {d['half_a_majority']:.3f} | "
            f"{d['empirical_dawid_skene']:.3f}{'' if d['dawid_skene_identifiable'] else '*'} | {d['predicted_map']:.3f} | "
            f"{d['empirical_information_bits']:.3f} | [{d['information_ci_bits'][0]:.3f}, {d['information_ci_bits'][1]:.3f}] | "
            f"{d['predicted_information_bits']:.3f} | "
            f"{'–' if interval is None else f'[{interval[0]:.3f}, {interval[1]:.3f}]'} | "
            f"{d['information_coverage']:.0%} | {d['floor']:.3f} | {d['floor_below_dawid_skene']:.0%} |"
        )
    return lines


def _summary_line(name: str, model) -> str:
    interval = "–" if model.prediction_interval_coverage is None else f"{model.prediction_interval_coverage:.0%}"
    return (
        f"| {name} | {model.name} | {100 * model.mean_abs_error_majority:.2f} | {100 * model.max_abs_error_majority:.2f} | "
        f"{100 * model.split_mean_abs_error_majority:.2f} | {100 * model.split_max_abs_error_majority:.2f} | "
        f"{model.information_ci_coverage:.0%} | {interval} | {model.floor_at_or_below_dawid_skene:.0%} | "
        f"{model.floor_at_or_below_dawid_skene_all_r:.0%} | {model.floor_consistent_with_dawid_skene:.0%} |"
    )


def summary_lines(results: dict) -> list[str]:
    lines = [
        "| data set | model | mean MV err (pts) | max MV err (pts) | per-split mean | per-split max | I pred in CI | "
        "I emp in pred. interval | floor ≤ DS err | splits with floor ≤ DS err at every r | DS err consistent with floor |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        for model in result["validation"].models.values():
            lines.append(_summary_line(name, model))
        reference = result["validation"]
        ref_error = reference.half_a_majority - reference.empirical_majority
        lines.append(f"| {name} | half-A reference | {100 * np.abs(ref_error.mean(axis=0)).mean():.2f} | "
                     f"{100 * np.abs(ref_error.mean(axis=0)).max():.2f} | "
                     f"{100 * np.abs(ref_error).mean():.2f} | {100 * np.abs(ref_error).max():.2f} | – | – | – | – | – |")
    return lines


def acceptance(results: dict) -> list[str]:
    lines = []
    for name in ACCEPTANCE_SETS:
        if name not in results:
            continue
        model = results[name]["validation"].models["population"]
        checks = [
            ("mean MV error ≤ 1.5 pts", 100 * model.mean_abs_error_majority, 100 * model.mean_abs_error_majority <= TARGET_MEAN),
            ("max MV error ≤ 3 pts", 100 * model.max_abs_error_majority, 100 * model.max_abs_error_majority <= TARGET_MAX),
            ("information in CI ≥ 80 %", 100 * model.information_ci_coverage, model.information_ci_coverage >= TARGET_COVERAGE),
            ("floor ≤ DS error ≥ 90 %", 100 * model.floor_at_or_below_dawid_skene, model.floor_at_or_below_dawid_skene >= TARGET_FLOOR),
        ]
        for label, value, ok in checks:
            lines.append(f"- {name}: {label}: {value:.2f} — {'PASS' if ok else 'FAIL'}")
    return lines


def print_results(results: dict) -> None:
    for name, result in results.items():
        validation = result["validation"]
        print(f"\n== {name} ({SOURCES.get(name, name)}): {validation.items} items, {validation.labels} labels, "
              f"k = {validation.k}, kind {result['kind']}, {result['seconds']:.1f} s")
        for line in result["published"]:
            print("  " + line)
        for model in validation.models:
            print(f"\n  {model}")
            for line in _table(validation, model):
                print("  " + line)
            for note in validation.models[model].notes[:3]:
                print("  note: " + note)
    print("\nSummary (errors in accuracy points; MV = majority vote, rows are means over splits)")
    for line in summary_lines(results):
        print(line)
    print("\nAcceptance (population model)")
    for line in acceptance(results):
        print(line)
    print("\nSheng, Provost & Ipeirotis (2008): majority vote of r independent raters of accuracy p")
    for p, r, value in sheng_table():
        print(f"  p = {p:.1f}, r = {r:2d}: {value:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-boot", type=int, default=1000, help="resamples, if the bootstrap interval is chosen")
    parser.add_argument("--robustness", type=int, default=0, metavar="N",
                        help="also run seeds seed+1 .. seed+N with the population model (acceptance numbers only)")
    parser.add_argument("--sensitivity", action="store_true", help="also run spread prior scales 0.5 and 2")
    parser.add_argument("--twins", action="store_true", help="also run the protocol on synthetic twins of the data sets")
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/validation.md (implies the three above, N = 4)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if args.write_docs:
        args.robustness, args.sensitivity, args.twins = max(args.robustness, 4), True, True
    started = time.perf_counter()
    results = run(args.splits, args.seed, args.n_boot)
    print_results(results)
    extra: dict = {}
    if args.robustness:
        extra["robustness"] = robustness(args.splits, list(range(args.seed + 1, args.seed + 1 + args.robustness)))
        print("\nRobustness (population model, other seeds)")
        for line in robustness_lines(extra["robustness"], results):
            print(line)
    if args.sensitivity:
        extra["sensitivity"] = sensitivity(args.splits, args.seed, [0.5, 2.0])
        print("\nSensitivity to the scale of the difficulty spread's prior (population model)")
        for line in sensitivity_lines(extra["sensitivity"], results):
            print(line)
    if args.twins:
        extra["twins"] = twins(args.splits, args.seed)
        print("\nSynthetic twins (population model on data drawn from the full-data fit)")
        for line in twin_lines(extra["twins"]):
            print(line)
    extra["seconds"] = time.perf_counter() - started
    if args.json:
        args.json.write_text(json.dumps({name: r["validation"].to_dict() for name, r in results.items()}, indent=1))
    if args.write_docs:
        DOCS.write_text(render_docs(results, extra, args), encoding="utf-8")
        print(f"\nwrote {DOCS.relative_to(ROOT)}")
    return 0


def _numbers_row(label: str, numbers: dict) -> str:
    return (f"| {label} | {numbers['mean']:.2f} | {numbers['max']:.2f} | {numbers['coverage']:.0%} | "
            f"{numbers['floor']:.0%} | {numbers['floor_consistent']:.0%} |")


_NUMBERS_HEADER = [
    "| run | mean MV err (pts) | max MV err (pts) | I pred in CI | floor ≤ DS err | DS err consistent with floor |",
    "|---|---:|---:|---:|---:|---:|",
]


def robustness_lines(robust: dict, results: dict) -> list[str]:
    lines = []
    for name, per_seed in robust.items():
        lines.extend(["", f"**{name}**", ""])
        lines.extend(_NUMBERS_HEADER)
        lines.append(_numbers_row(f"seed {results[name]['validation'].seed}", _acceptance_numbers(results[name]["validation"].models["population"])))
        for seed, numbers in per_seed.items():
            lines.append(_numbers_row(f"seed {seed}", numbers))
    return lines


def sensitivity_lines(sens: dict, results: dict) -> list[str]:
    lines = []
    for name, per_scale in sens.items():
        lines.extend(["", f"**{name}**", ""])
        lines.extend(_NUMBERS_HEADER)
        lines.append(_numbers_row("scale 1 (default)", _acceptance_numbers(results[name]["validation"].models["population"])))
        for scale, numbers in per_scale.items():
            lines.append(_numbers_row(f"scale {scale:g}", numbers))
    return lines


def twin_lines(twin: dict) -> list[str]:
    lines = list(_NUMBERS_HEADER)
    for name, entry in twin.items():
        lines.append(_numbers_row(f"{name} twin ({entry['fit'].difficulty_model})", entry["numbers"]))
    return lines


SELECTED_R = (1, 2, 3, 5, 10, 20, 30, 39)


def _compact(validation) -> list[str]:
    """All models side by side at a few r."""
    names = list(validation.models)
    header = "| r | MV emp | " + " | ".join(f"MV {n}" for n in names) + " | I emp (bits) | " + " | ".join(
        f"I {n}" for n in names) + " | " + " | ".join(f"floor {n}" for n in names) + " |"
    lines = [header, "|" + "---:|" * (2 + 2 * len(names) + 1 + len(names))]
    for column, r in enumerate(validation.raters):
        if r not in SELECTED_R and r != validation.raters[-1]:
            continue
        rows = {n: validation.models[n].rows[column] for n in names}
        first = rows[names[0]]
        lines.append(
            f"| {r} | {first.empirical_majority:.3f} | "
            + " | ".join(f"{rows[n].predicted_majority:.3f}" for n in names)
            + f" | {first.empirical_information_nats / math.log(2):.3f} | "
            + " | ".join(f"{rows[n].predicted_information_nats / math.log(2):.3f}" for n in names)
            + " | " + " | ".join(f"{rows[n].floor:.3f}" for n in names) + " |"
        )
    return lines


def render_docs(results: dict, extra: dict, args) -> str:
    """docs/validation.md from a run (PASS-style: protocol, tables, published figures, limits)."""
    out: list[str] = []
    add = out.append
    add("# Validation of the rater models on real pilots")
    add("")
    add(f"Generated by `python bench/validate.py --write-docs` (seed {args.seed}, {args.splits} splits, "
        f"3-rater pilots; {extra.get('seconds', 0) / 60:.0f} min on the shared 2-core machine). "
        "Every number below comes from that run. Every model parameter is fitted on the 3-rater pilot "
        "of half A only; no number of half B enters a prediction. (The model's design did change "
        "during development after earlier validation runs — from an EM point fit to the posterior "
        "predictive, and the spread's prior from relative to absolute after a posterior predictive "
        "check on the pilot; the commit log has the history. Seeds 1–4 below were run only after the "
        "design was fixed.) The method is the method §9 (`models/rater_population.py`, "
        "`models/rater_posterior.py`), the protocol `models/validation.py`.")
    add("")
    add("## Data")
    add("")
    add("From `../shared/data/pilots/` (see `../shared/data/README.md`):")
    add("")
    add("| file | source | items / labels | classes |")
    add("|---|---|---|---|")
    for name, result in results.items():
        validation = result["validation"]
        add(f"| `{name}.csv` | {SOURCES.get(name, name)} | {validation.items} / {validation.labels} | "
            f"{', '.join(result['classes'])} |")
    add("")
    add("Snow et al.'s data were released without a stated licence (cite the paper); bluebirds is "
        "BSD-style (Caltech, repository welinder/cubam); the toy set is Apache-2.0.")
    add("")
    add("## Protocol")
    add("")
    add("1. Ten times, shuffle the items with a seeded generator and cut them in halves A (⌊n/2⌋ "
        "items) and B.")
    add("2. On half A draw a 3-rater pilot: 3 labels of each item, at random. Each calibrator sees "
        "only these labels and the gold of half A.")
    add("3. On half B, for every r = 1 … R (R = labels per item: RTE 10, WSD 10, bluebirds 39, toy 5):")
    add("   * **majority vote**: the exact expectation over every r-subset of each item's labels and "
        "over fair tie-breaks (a tie among t classes counts 1/t when gold is among them) — the limit "
        "of infinitely many random subsamples, so no subsampling noise;")
    add("   * **Dawid–Skene** (`models.aggregation.dawid_skene`, no gold) on one random r-subset per "
        "item, scored against gold with ties split the same way; at r = 1 Dawid–Skene is "
        "unidentifiable, so the row carries majority vote (marked \*);")
    add("   * **information** I(gold; r-vote histogram): plug-in on the joint whose item rows are the "
        "exact (hypergeometric) histogram distributions of the item's r-subsets, with the "
        "delete-one-item **jackknife**'s bias-corrected value and 95 % normal interval. Why the "
        "jackknife: items are the independent units; the plug-in is biased upwards by about "
        "(cells − rows − columns + 1)/2n nats, large with 40 histograms and 54 items; the bootstrap "
        "cannot see cells a sample leaves empty and under-corrects there, and a Dirichlet posterior's "
        "prior dominates when cells outnumber items. In a simulation study during development (200 "
        "halves in each of the shapes of these data) the jackknife interval covered the truth in "
        "81–96 % of runs, the basic bootstrap's in 51–95 %; `tests/models/test_validation.py` "
        "re-checks two shapes (≥ 85 % required);")
    add("   * **floor check**: the model's floor at r against the realised Dawid–Skene error (and, "
        "because an error count on 89 items cannot resolve a floor of 0.0005, a one-sided binomial "
        "check that the realised count is not significantly below the floor).")
    add("4. Rows are means over the splits. *Mean/max MV error* are the mean and largest over r of "
        "|mean predicted − mean empirical| majority-vote accuracy; the per-split columns take "
        "|predicted − empirical| split by split. *Half-A reference*: half A's own exact majority "
        "vote with all its labels used as the prediction for half B — no model, only the sampling "
        "noise of two halves.")
    add("")
    add("## Models")
    add("")
    add("* **baseline** — the first release's calibration: pooled single-rater accuracy, symmetric "
        "kernel with slip 0.02 (accuracy capped at 0.98, where the app refuses the pilot), herding ρ "
        "from excess unanimity, uniform prior, the uniform-target floor, capacity as information.")
    add("* **point** — `fit_rater_population`: response bias (signal detection criterion), latent "
        "item difficulty (one class, a normal spread of the d′ multiplier on 9 Gauss–Hermite classes, "
        "or 2–3 free classes) chosen by AIC, slip, class prior from gold; EM with a quasi-Newton "
        "polish; predictions at the maximum-likelihood point.")
    add("* **population** (the method §9 calibration) — `posterior_population`: the same model with "
        "the normal difficulty spread, weakly informative priors (d′ half-normal(5), bias N(0, 2²), "
        "items' d′ spread σ half-normal(1) in noise SDs, slip Beta(1, 49), prior Dirichlet(n + ½)); "
        "predictions are posterior means (posterior predictive), the floor is the **credible floor** "
        "(the 5 % quantile of the draws' prior-aware Fano floors: the error is at least this with "
        "posterior probability 95 %).")
    add("")
    add("Why a posterior: a 3-rater pilot pins a rater's bias and accuracy but hardly the spread of item "
        "difficulty, which shows only as a slight excess of unanimous 3-vote histograms (on 54 items, "
        "within noise) yet decides what 39 raters buy. The point fit sets the spread to 0 in most "
        "bluebirds splits and predicts too much from more raters; the posterior keeps the uncertainty.")
    add("")
    add("## Acceptance (population model)")
    add("")
    for line in acceptance(results):
        add(line)
    add("")
    add("## Summary, all models")
    add("")
    for line in summary_lines(results):
        add(line)
    add("")
    add("## Published figures reproduced")
    add("")
    for name, result in results.items():
        add(f"* {name}: " + "; ".join(result["published"]) + ".")
    add("* Snow et al. (2008) report 0.897 for RTE majority vote at 10 labels: reproduced with ties split "
        "at random (0.8969); ties broken by the first label give the README's 0.902.")
    add("* Sheng, Provost & Ipeirotis (2008), majority vote of r independent raters of accuracy p "
        "(population model with one class, no bias, no slip; exact):")
    add("")
    add("| p | r = 3 | r = 5 | r = 11 |")
    add("|---:|---:|---:|---:|")
    table = sheng_table()
    for p in (0.6, 0.7, 0.8):
        values = [v for q, _, v in table if q == p]
        add(f"| {p:.1f} | " + " | ".join(f"{v:.3f}" for v in values) + " |")
    add("")
    add("Published: 0.648 / 0.683 / 0.753, 0.784 / 0.837 / 0.922, 0.896 / 0.942 / 0.988.")
    add("")
    add("## Per data set")
    for name, result in results.items():
        validation = result["validation"]
        add("")
        add(f"### {name}")
        add("")
        add("All models at selected r (means over splits; information in bits):")
        add("")
        for line in _compact(validation):
            add(line)
        add("")
        add("Population model, every r (\* = majority vote standing in for Dawid–Skene at r = 1; "
            "*pred. interval* is the prediction's own 95 % credible interval):")
        add("")
        for line in _table(validation, "population"):
            add(line)
    if "robustness" in extra:
        add("")
        add("## Robustness: other seeds (other splits and pilots)")
        add("")
        add("The acceptance numbers move with the splits as much as between models: the same protocol "
            "with seeds 1–4 (population model).")
        for line in robustness_lines(extra["robustness"], results):
            add(line)
    if "sensitivity" in extra:
        add("")
        add("## Sensitivity to the prior on the difficulty spread")
        add("")
        add("Scale of σ's half-normal prior (noise SDs), seed 0:")
        for line in sensitivity_lines(extra["sensitivity"], results):
            add(line)
    if "twins" in extra:
        add("")
        add("## Synthetic twins")
        add("")
        add("Each data set's twin has the same items and labels per item, with labels drawn from the EM "
            "fit of the method §9 model to all of its labels (AIC chose discrete difficulty classes for "
            "all three). The population calibrator on a twin scores what it can score when the world "
            "follows a model of its kind — the noise of a 3-rater pilot and of half B alone (plus the "
            "mismatch between a normal spread and discrete classes).")
        add("")
        for line in twin_lines(extra["twins"]):
            add(line)
    add("")
    add("## Not reached, and why")
    add("")
    for line in not_reached(results, extra):
        add(line)
    add("")
    add("## Reproduce")
    add("")
    add("```")
    add("python bench/validate.py              # tables for every pilot (about 2 minutes)")
    add("python bench/validate.py --write-docs # this page, with seeds 1-4, prior scales and twins")
    add("python -m pytest tests/models/test_rater_population.py tests/models/test_validation.py")
    add("```")
    add("")
    return "\n".join(out)


def not_reached(results: dict, extra: dict) -> list[str]:
    """The failed acceptance checks of this run, with the evidence on their causes."""
    lines = []
    rte = results.get("snow2008_rte")
    if rte is not None:
        model = rte["validation"].models["population"]
        seeds = extra.get("robustness", {}).get("snow2008_rte", {})
        twin = extra.get("twins", {}).get("snow2008_rte")
        spread = [n["coverage"] for n in seeds.values()] + [model.information_ci_coverage]
        last = model.rows[-1]
        twin_coverage = f"{twin['numbers']['coverage']:.0%}" if twin else "n/a"
        lines.append(
            f"* **RTE information coverage**: {model.information_ci_coverage:.0%} of splits × r "
            f"({min(spread):.0%}–{max(spread):.0%} over seeds 0–{len(seeds)}) against 80 %. The mean prediction "
            f"is close ({last.predicted_information_nats / math.log(2):.3f} vs "
            f"{last.empirical_information_nats / math.log(2):.3f} bits at r = {last.r}) but a 3-rater pilot of "
            f"400 items has 1,200 labels against half B's 4,000, so its sampling error is of the order of half "
            f"B's interval; the prediction's own credible interval contains the empirical value in "
            f"{model.prediction_interval_coverage:.0%}. On the synthetic twin, where raters are interchangeable, "
            f"coverage is {twin_coverage}: the real pilot is noisier than the model's independent-label "
            f"likelihood assumes (164 raters of very different quality, some labelling many items), and the "
            f"credible interval is the honest statement of what a pilot this size can promise."
        )
    wsd = results.get("snow2008_wsd")
    if wsd is not None:
        validation = wsd["validation"]
        model = validation.models["population"]
        realised = 1.0 - validation.empirical_dawid_skene
        missed = model.floor > realised + 1e-12
        zero = missed & (realised <= 1e-12)
        others = missed & ~zero
        worst = float(model.floor[zero].max()) if np.any(zero) else 0.0
        lines.append(
            f"* **WSD floor ≤ Dawid–Skene error**: {model.floor_at_or_below_dawid_skene:.0%} against 90 %. "
            f"Of the {int(missed.sum())} misses (splits × r), {int(zero.sum())} are splits where Dawid–Skene "
            f"made no error at all on the {validation.half_b_items} items of half B, which no positive floor "
            f"can pass; the credible floors there are at most {worst:.4f} ({worst * validation.half_b_items:.2f} "
            f"expected errors on half B)"
            + (f"; in the other {int(others.sum())} the floor exceeds the realised error by at most "
               f"{float((model.floor - realised)[others].max()):.4f}" if np.any(others) else "")
            + f". The binomial check (is the realised error count significantly below the floor?) passes in "
            f"{model.floor_consistent_with_dawid_skene:.0%}."
        )
    blue = dict(extra.get("robustness", {}).get("welinder2010_bluebirds", {}))
    if blue and "welinder2010_bluebirds" in results:
        blue[results["welinder2010_bluebirds"]["validation"].seed] = _acceptance_numbers(
            results["welinder2010_bluebirds"]["validation"].models["population"])
        failing = [seed for seed, n in blue.items() if n["mean"] > TARGET_MEAN or n["max"] > TARGET_MAX]
        twin = extra.get("twins", {}).get("welinder2010_bluebirds")
        lines.append(
            f"* **Bluebirds** meets every target with seed 0, but not robustly: the majority-vote targets fail "
            f"with seeds {', '.join(map(str, failing)) or 'none'} (mean error up to "
            f"{max(n['mean'] for n in blue.values()):.2f} points, max up to {max(n['max'] for n in blue.values()):.2f}), "
            f"and information coverage ranges {min(n['coverage'] for n in blue.values()):.0%}–"
            f"{max(n['coverage'] for n in blue.values()):.0%} over seeds 0–{len(blue) - 1}. With 54 items per half the half-A reference "
            f"alone (no model) errs by {100 * np.abs((results['welinder2010_bluebirds']['validation'].half_a_majority - results['welinder2010_bluebirds']['validation'].empirical_majority).mean(axis=0)).mean():.2f} points "
            f"on the rows with seed 0; on the synthetic twin the calibrator's mean error is "
            f"{twin['numbers']['mean'] if twin else float('nan'):.2f} points. A 3-rater pilot of 54 items cannot "
            f"see the spread of item difficulty that decides what 39 raters buy; the posterior carries it as "
            f"uncertainty, and the prior's scale matters here (see the sensitivity table)."
        )
    rte_seeds = extra.get("robustness", {}).get("snow2008_rte", {})
    failing = [seed for seed, n in rte_seeds.items() if n["mean"] > TARGET_MEAN or n["max"] > TARGET_MAX]
    if failing:
        lines.append(f"* **RTE majority vote** misses the 1.5-point mean with seeds {', '.join(map(str, failing))} "
                     f"(up to {max(rte_seeds[s]['mean'] for s in failing):.2f}); the maximum stays under 3 points.")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
