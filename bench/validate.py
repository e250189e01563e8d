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
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.aggregation import Annotations, majority_vote  # noqa: E402
from models.rater_population import RaterPopulation  # noqa: E402
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


def run(splits: int, seed: int, n_boot: int) -> dict:
    results = {}
    for path in sorted(PILOTS.glob("*.csv")):
        name = path.stem
        data = read_pilot(path)
        kind = "binary" if len(data["classes"]) == 2 else "nominal"
        started = time.perf_counter()
        validation = validate(
            data["items"], data["raters"], data["labels"], data["gold"], kind=kind, splits=splits, seed=seed,
            n_boot=n_boot, calibrators={"baseline": calibrate_baseline, "point": calibrate_point, "population": calibrate_population},
        )
        results[name] = {
            "kind": kind,
            "classes": data["classes"],
            "validation": validation,
            "seconds": time.perf_counter() - started,
            "published": published_figures(data),
        }
    return results


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
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    results = run(args.splits, args.seed, args.n_boot)
    print_results(results)
    if args.json:
        args.json.write_text(json.dumps({name: r["validation"].to_dict() for name, r in results.items()}, indent=1))
    if args.write_docs:
        write_docs(results, args)
    return 0


def write_docs(results: dict, args) -> None:  # replaced below once the numbers are in
    raise NotImplementedError


if __name__ == "__main__":
    raise SystemExit(main())
