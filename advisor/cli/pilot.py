"""``pilot``: import pilot labels, summarise them, calibrate a scenario, simulate a pilot.

``pilot import FILE`` stores the labels and their summary in the database; ``pilot summary`` and
``pilot apply`` take either a file (any shape :mod:`advisor.pilot.sources` reads: plain CSV, Label
Studio, MTurk, Potato, Argilla, crowd-kit pairwise; a Potato output folder) or the name (or id) of
a stored pilot; ``pilot simulate`` writes a CSV drawn from a scenario. Information is printed in
bits unless ``--nats`` is given; JSON output keeps nats in keys that say so (``capacity_nats``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor import pilot as pilots
from advisor.cli import common
from advisor.errors import ImportFormatError, ScenarioNotFoundError
from advisor.files.input_limits import CONFIG_LIMITS, read_text_file
from advisor.files.output_paths import check_output_path, database_file, write_output_atomically
from advisor.pilot.numeric import NumericScale, parse_scale
from advisor.pilot.sources import ENGINES, FORMATS, read_pilot_file
from advisor.scenario.schema import get_path, save_scenario_file
from advisor.units import field_value_text


def summary_stages() -> int:
    """Steps of a summary besides its bootstrap (:data:`advisor.pilot.summary.STAGES`), loaded when a
    pilot command runs: the summary module loads the numerics, which other commands do without."""
    from advisor.pilot.summary import STAGES

    return STAGES

PILOT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".json", ".jsonl")
DEFAULT_BOOT = 1000
SHAPES = "; ".join(FORMATS.values())


def register(subparsers: Any) -> None:
    """Add ``pilot`` and its subcommands to the command line."""
    parser = subparsers.add_parser(
        "pilot",
        help="import pilot annotations, summarise them, calibrate a scenario, simulate a pilot",
        description="Pilot annotations: import, summary, apply (calibrate a scenario), simulate.",
    )
    commands = parser.add_subparsers(dest="pilot_command", metavar="SUBCOMMAND")
    parser.set_defaults(handler=lambda args: _missing_subcommand(parser))

    importer = common.subcommand(commands, "import", "Store a pilot's labels and their summary in the database.", _run_import)
    importer.add_argument("file", metavar="FILE", help=f"pilot labels, recognised by content: {SHAPES}")
    importer.add_argument("--name", help="name to store it under (default: the file name without its extension)")
    _add_reading_options(importer)
    _add_summary_options(importer, with_scale=True)

    summary = common.subcommand(commands, "summary", "Aggregation, agreement, capacity, ρ and flagged raters of a pilot.", _run_summary)
    summary.add_argument("pilot", metavar="FILE_OR_NAME", help="a pilot file, or the name or id of a stored pilot")
    summary.add_argument("--json", action="store_true", help="print the summary as JSON (information in nats)")
    summary.add_argument("--nats", action="store_true", help="print information in nats instead of bits")
    summary.add_argument("--question", help="which question, when the pilot has several")
    _add_reading_options(summary)
    _add_summary_options(summary, with_scale=True)

    apply = common.subcommand(commands, "apply", "Calibrate a scenario from a pilot (with provenance).", _run_apply)
    apply.add_argument("pilot", metavar="FILE_OR_NAME", help="a pilot file, or the name or id of a stored pilot")
    apply.add_argument("--scenario", required=True, metavar="NAME_OR_PATH", help="scenario JSON file, or stored scenario name or id")
    apply.add_argument("--question", help="the scenario question the pilot measured (needed when it has several)")
    apply.add_argument("--pilot-question", help="which of the pilot's questions to use, when it has several")
    apply.add_argument(
        "--model", choices=("population", "symmetric"), default="population",
        help="population: the fitted bias, item difficulty classes, rater types, prior and slip (default); "
        "symmetric: the simpler model of pooled accuracy, a symmetric kernel and the raters' correlation ρ")
    apply.add_argument(
        "--rater-types", choices=("1", "2", "3", "auto"), default="auto",
        help="rater types of the population fit (auto: chosen by AIC among 1 to 3, the default; slower)")
    _add_reading_options(apply)
    _add_summary_options(apply, with_scale=False)
    target = apply.add_mutually_exclusive_group()
    target.add_argument("--save-as", metavar="NAME", help="store the calibrated scenario in the database under NAME")
    target.add_argument("-o", "--output", metavar="FILE", help="write the calibrated scenario JSON to FILE")
    apply.add_argument(
        "--json", action="store_true",
        help="print one JSON object: the calibrated scenario, the check of the calibrated model against the pilot "
             "(information in nats) and its warnings as a list of strings")

    simulate = common.subcommand(commands, "simulate", "Write a simulated pilot CSV drawn from a scenario.", _run_simulate)
    simulate.add_argument("scenario", metavar="NAME_OR_PATH", help="scenario JSON file, or stored scenario name or id")
    simulate.add_argument("--items", type=int, required=True, help="items to simulate (1 to 1,000,000)")
    simulate.add_argument("--seed", type=int, required=True, help="random seed (>= 0): the same seed writes the same file")
    simulate.add_argument("-o", "--output", required=True, metavar="FILE", help="CSV file to write")
    simulate.add_argument("--question", help="which scenario question (needed when it has several)")
    simulate.add_argument("--time-spread", type=float, default=0.8, help="log-scale SD of the seconds per item (default 0.8)")

    validation = common.subcommand(
        commands, "validate",
        "Check the calibrated rater model against the pilot itself: half-splits, a small pilot on one half, "
        "predictions for 1..R raters checked on the other (needs gold).", _run_validate)
    validation.add_argument("pilot", metavar="FILE_OR_NAME", help="a pilot file with gold, or the name or id of a stored pilot")
    validation.add_argument("--question", help="which question, when the pilot has several")
    validation.add_argument("--splits", type=int, default=10, help="random half-splits of the items (1 to 100, default 10)")
    validation.add_argument("--pilot-raters", type=int, default=3, help="labels per item of the pilot on half A (default 3)")
    validation.add_argument("--seed", type=int, default=0, help="random seed (>= 0, default 0): the same seed gives the same numbers")
    validation.add_argument("--scale", choices=("nominal", "ordinal"), default="nominal",
                            help="nominal (binary, categorical) or ordinal (rating scales) (default nominal)")
    validation.add_argument("--json", action="store_true", help="print JSON (information in bits)")
    _add_reading_options(validation, numeric=False)

    listing = common.subcommand(commands, "list", "List the pilots stored in the database.", _run_list)
    listing.add_argument("--json", action="store_true", help="print JSON")


def _missing_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _add_reading_options(parser: argparse.ArgumentParser, *, numeric: bool = True) -> None:
    parser.add_argument(
        "--answer", action="append", metavar="NAME", dest="answers",
        help="read only this answer of a tool's export (a Label Studio control, an MTurk answer or numbered group, an "
             "Argilla question, a Potato scheme); repeat for several. Needed when the export is ambiguous",
    )
    parser.add_argument("--label-config", metavar="XML", help="a Label Studio labeling config: its controls are the questions")
    parser.add_argument(
        "--engine", choices=ENGINES, default="auto",
        help="reader of a plain label table: stdlib (up to 1,000,000 rows), duckdb (up to 50,000,000 rows of CSV, "
             "JSON or Parquet; pip install 'annotation-advisor[scale]'), or auto (default: DuckDB for Parquet and "
             "files beyond the standard reader's limits, when installed)",
    )
    if numeric:
        parser.add_argument(
            "--numeric", metavar="LOW:HIGH[:STEP]",
            help="the labels are numbers on this scale (step 1 unless given or binned): '-0', '00' and '0.0' are one value; "
                 "the accuracy readout becomes the correlation of the mean of r scores with gold",
        )
        parser.add_argument("--bins", type=int, metavar="N", help="with --numeric: group the values into N equal-width bins")


def _add_summary_options(parser: argparse.ArgumentParser, *, with_scale: bool) -> None:
    if with_scale:
        parser.add_argument(
            "--scale", choices=("nominal", "ordinal"), default="nominal",
            help="nominal (binary, categorical) or ordinal (rating scales); shapes the speed–accuracy fit (default nominal)",
        )
    parser.add_argument(
        "--gold", choices=("evaluate", "clamp"), default="evaluate", dest="gold_use",
        help="evaluate: aggregation ignores gold and is scored against it (default); clamp: gold items are fixed in Dawid–Skene",
    )
    parser.add_argument("--boot", type=int, default=DEFAULT_BOOT, help=f"bootstrap resamples for the capacity interval (default {DEFAULT_BOOT})")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    parser.add_argument("--level", type=float, default=0.95, help="confidence level of the interval (default 0.95)")
    parser.add_argument(
        "--ties", choices=("random", "half", "first"), default="random",
        help="majority-vote ties: split at random with the seed (default), counted as a share (a half for two), or "
             "broken by the label seen first",
    )


# ----------------------------------------------------------------- loading
@dataclass(frozen=True)
class _LoadedPilot:
    dataset: pilots.PilotDataset
    source: str
    content: bytes
    stored_summary: dict[str, Any] | None


def _looks_like_file(reference: str) -> bool:
    return "/" in reference or "\\" in reference or Path(reference).suffix.lower() in PILOT_SUFFIXES


def _numeric(args: argparse.Namespace) -> NumericScale | None:
    text = getattr(args, "numeric", None)
    bins = getattr(args, "bins", None)
    if text is None:
        if bins is not None:
            raise ValueError("--bins needs --numeric LOW:HIGH[:STEP]")
        return None
    # `pilot apply` names the scenario's question with --question and the pilot's with --pilot-question.
    question = args.pilot_question if hasattr(args, "pilot_question") else getattr(args, "question", None)
    return parse_scale(text, bins=bins, question=question)


def _read(args: argparse.Namespace, source: str | bytes, name: str, label: str) -> pilots.PilotDataset:
    config = None
    if getattr(args, "label_config", None):
        config = read_text_file(args.label_config, limits=CONFIG_LIMITS)
    try:
        with common.Progress("reading steps") as progress:
            return read_pilot_file(source, name=name, questions=getattr(args, "answers", None), label_config=config,
                                   numeric=_numeric(args), engine=getattr(args, "engine", "auto"), progress=progress)
    except ImportFormatError as error:
        # The readers name the file themselves where they cannot open it ("x.csv: no such file").
        message = str(error)
        raise ImportFormatError(message if message.startswith(f"{label}: ") else f"{label}: {message}") from None


def _stored_form(dataset: pilots.PilotDataset, path: Path) -> bytes:
    """What the database keeps: a plain label CSV as it came, any other shape as the labels it gave
    (so that reading it back never depends on options, folders or file names)."""
    if path.is_file() and dataset.report is not None and dataset.report.format == "csv":
        return path.read_bytes()
    return dataset.to_csv_text().encode("utf-8")


def _load(args: argparse.Namespace, reference: str) -> _LoadedPilot:
    path = Path(reference)
    if path.exists() or path.suffix.lower() in PILOT_SUFFIXES:
        dataset = _read(args, path, path.name, reference)
        return _LoadedPilot(dataset, str(path), b"", None)
    # A stored name may contain "/": only a reference that is no stored name either is a missing file.
    try:
        stored = common.open_store(args).get_pilot(reference)
    except ScenarioNotFoundError as error:
        if _looks_like_file(reference):
            raise ScenarioNotFoundError(f"{reference}: no such file, and {error}") from None
        raise
    dataset = _read(args, stored.content, stored.name, stored.source)
    return _LoadedPilot(dataset, stored.source, stored.content, stored.summary)


def _options(args: argparse.Namespace, **overrides: Any) -> dict[str, Any]:
    options = {
        "gold_use": args.gold_use,
        "n_boot": args.boot,
        "seed": args.seed,
        "level": args.level,
        "scale": getattr(args, "scale", "nominal"),
        "ties": args.ties,
        "numeric": getattr(args, "numeric", None) is not None,
    }
    if options["numeric"]:
        # Numbers on a scale are ordered: the ordinal accuracy curve.
        options["scale"] = "ordinal"
    options.update(overrides)
    if not 0 <= options["n_boot"] <= 100_000:
        raise ValueError(f"--boot must be an integer from 0 to 100000, got {options['n_boot']}")
    if options["seed"] < 0:
        raise ValueError(f"--seed must be an integer >= 0, got {options['seed']}")
    if not 0.0 < options["level"] < 1.0:
        raise ValueError(f"--level must be in (0, 1), got {options['level']}")
    return options


def _summarise(dataset: pilots.PilotDataset, question: str | None, options: dict[str, Any]) -> pilots.PilotSummary:
    with common.Progress("summary steps", options["n_boot"] + summary_stages()) as progress:
        return pilots.summarize(dataset, question=question, progress=progress, **options)


def _reusable(stored: dict[str, Any] | None, question: str | None, options: dict[str, Any]) -> dict[str, Any] | None:
    """The stored summary for this question if it was computed with exactly these options."""
    if not stored:
        return None
    wanted = {
        "scale": options["scale"], "slip_rate": 0.0, "span": 3.0, "gold_use": options["gold_use"],
        "n_boot": options["n_boot"], "level": options["level"], "seed": options["seed"], "ties": options["ties"],
        "numeric": options["numeric"],
    }
    for summary in stored.get("summaries", []):
        found = pilots.summary_options(summary)
        if question is not None and found.get("question") != question:
            continue
        if all(found.get(key) == value for key, value in wanted.items()):
            return summary
    return None


# ---------------------------------------------------------------- handlers
def _run_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        raise ImportFormatError(f"{args.file}: no such file")
    name = (args.name or path.stem).strip()
    dataset = _read(args, path, path.name, args.file)
    if dataset.n_labels > pilots.MAX_ROWS:
        raise ImportFormatError(
            f"{args.file}: {dataset.n_labels:,} labels; the database keeps pilots of up to {pilots.MAX_ROWS:,} labels — "
            "summarise larger ones from the file (pilot summary FILE)"
        )
    content, source = _stored_form(dataset, path), str(path)
    options = _options(args)
    with common.Progress("summary steps", options["n_boot"] + summary_stages()) as progress:
        summary = pilots.storage_summary(dataset, progress=progress, **options)
    pilot_id = common.open_store(args).add_pilot(name, source=source, content=content, summary=summary)
    described = dataset.describe()
    print(
        f"stored pilot {pilot_id} ({name!r}): {described['labels']} labels, {described['items']} items, "
        f"{described['raters']} raters, {len(described['classes'])} classes, gold on {described['gold_items']} items"
    )
    return 0


def _run_summary(args: argparse.Namespace) -> int:
    loaded = _load(args, args.pilot)
    options = _options(args)
    summary = _reusable(loaded.stored_summary, args.question, options)
    if summary is None:
        summary = _summarise(loaded.dataset, args.question, options).to_dict()
    if args.json:
        common.print_json(summary)
    else:
        _print_summary(summary, loaded.dataset, use_nats=args.nats)
    return 0


def _run_apply(args: argparse.Namespace) -> int:
    from advisor.pilot.calibration import calibration_summary_options
    from advisor.pilot.model_check import check_calibration
    from advisor.pilot.summary import NO_POPULATION_NOTE

    loaded = _load(args, args.pilot)
    resolved = common.resolve_scenario(args, args.scenario)
    scenario = resolved.scenario
    index = pilots.question_index(scenario, args.question)
    question = scenario.questions[index]
    # A pilot that names its contexts is fitted with the scenario's difficulty and reading time per context.
    calibrating = calibration_summary_options(scenario, question, pilot_names_contexts=loaded.dataset.contexts is not None)
    options = _options(args, scale=calibrating.pop("scale"))
    with common.Progress("summary steps", options["n_boot"] + summary_stages()) as progress:
        summary = pilots.summarize(
            loaded.dataset, question=args.pilot_question, progress=progress,
            rater_types=args.rater_types if args.rater_types == "auto" else int(args.rater_types), **calibrating, **options,
        )
    calibrated = pilots.apply_to_scenario(scenario, summary, question=question.name, source=loaded.source,
                                          model=args.model)
    # The window's apply page shows the same check and the same sentences.
    check = check_calibration(summary, calibrated, question=question.name, dataset=loaded.dataset)
    if args.model == "population" and summary.population is None:
        why = next((note.removeprefix(NO_POPULATION_NOTE) for note in summary.notes
                    if note.startswith(NO_POPULATION_NOTE)), "the pilot does not identify it")
        print(f"note: no rater population could be fitted ({why}); the symmetric model was applied",
              file=sys.stderr)
    if not args.json:
        # On standard error: standard output may be the calibrated scenario's JSON.
        for warning in check.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    data: dict[str, Any] = {}
    if args.save_as:
        calibrated = calibrated.with_changes({"name": args.save_as})
        stored = common.open_store(args).create(calibrated, summary=f"calibrated from pilot {loaded.source}")
        data["saved"] = {"id": stored.id, "name": stored.name}
        if not args.json:
            print(f"saved calibrated scenario {stored.id} ({stored.name!r})")
            _print_changes(scenario, calibrated)
    elif args.output:
        written = save_scenario_file(calibrated, args.output, database_path=database_file(getattr(args, "db", None)))
        data["output"] = str(written)
        if not args.json:
            print(f"wrote calibrated scenario to {written}")
            _print_changes(scenario, calibrated)
    elif not args.json:
        print(calibrated.to_json())
    if args.json:
        common.print_json({"scenario": calibrated.to_dict(), **data, "model_check": check.to_dict(),
                           "warnings": list(check.warnings)})
    return 0


def _print_changes(before: Any, after: Any) -> None:
    """Every field the calibration set (its provenance names them) whose value changed."""
    rows = []
    for path in after.provenance[-1].fields:
        old, new = get_path(before, path), get_path(after, path)
        if old != new:
            rows.append([path, field_value_text(old), field_value_text(new)])
    if rows:
        common.print_table(["field", "before", "after"], rows)


def _run_validate(args: argparse.Namespace) -> int:
    from advisor.pilot.validation import MODEL_NAMES, validate_pilot

    if args.seed < 0:
        raise ValueError(f"--seed must be an integer >= 0, got {args.seed}")
    if args.pilot_raters < 1:
        raise ValueError(f"--pilot-raters must be an integer >= 1, got {args.pilot_raters}")
    loaded = _load(args, args.pilot)
    with common.Progress("half-splits", args.splits) as progress:
        result = validate_pilot(loaded.dataset, question=args.question, splits=args.splits,
                                pilot_raters=args.pilot_raters, seed=args.seed, scale=args.scale, progress=progress)
    data = result.to_dict()
    if args.json:
        common.print_json(data)
        return 0
    protocol = data["protocol"]
    print(f"{data['pilot']}: {protocol['items']} items with gold, {protocol['splits']} half-splits, "
          f"{protocol['pilot_labels']}-rater pilots on {protocol['items'] - protocol['half_b_items']} items, "
          f"checked on {protocol['half_b_items']} ({data['kind']}, classes {', '.join(data['classes'])})\n")
    rows = [[row["r"], f"{row['empirical_majority']:.3f}", f"{row['predicted_majority']:.3f}",
             f"{row['empirical_dawid_skene']:.3f}" + ("" if row["dawid_skene_identifiable"] else "*"),
             f"{row['predicted_map']:.3f}", f"{row['empirical_information_bits']:.3f}",
             f"[{row['information_ci_bits'][0]:.3f}, {row['information_ci_bits'][1]:.3f}]",
             f"{row['predicted_information_bits']:.3f}", f"{row['floor']:.4f}"] for row in data["rows"]]
    common.print_table(["r", "majority", "predicted", "Dawid-Skene", "MAP predicted", "I bits", "95 % interval",
                        "I predicted", "floor"], rows)
    agreement = data["information_agreement"]
    print(f"\nMajority-vote accuracy: mean error {100 * data['mean_abs_error_majority']:.2f} points, "
          f"largest {100 * data['max_abs_error_majority']:.2f} (over r, means over splits); predicted information "
          f"inside the interval in {100 * data['information_ci_coverage']:.0f} % of splits x r"
          + ("." if agreement is None else f", within both halves' noise in {100 * agreement:.0f} %."))
    print(f"Floor at or below the realised Dawid-Skene error in {100 * data['floor_at_or_below_dawid_skene']:.0f} % "
          f"of splits x r; Dawid-Skene erred at all in {100 * data['positive_floor_ceiling']:.0f} % (no floor above 0 "
          f"can pass more often).")
    for name, other in data["other_models"].items():
        print(f"{MODEL_NAMES.get(name, name)}: mean error {100 * other['mean_abs_error_majority']:.2f} points, largest "
              f"{100 * other['max_abs_error_majority']:.2f}; information inside in {100 * other['information_ci_coverage']:.0f} %.")
    if any(not row["dawid_skene_identifiable"] for row in data["rows"]):
        print("* one label per item: Dawid-Skene cannot be identified, majority vote is shown")
    for note in data["notes"]:
        print(f"note: {note}")
    return 0


def _run_simulate(args: argparse.Namespace) -> int:
    database = database_file(getattr(args, "db", None))
    # Refused before the simulation runs: never the database, a link, a pipe or a device.
    check_output_path(args.output, database_path=database)
    scenario = common.resolve_scenario(args, args.scenario).scenario
    dataset = pilots.simulate_pilot(
        scenario, items=args.items, seed=args.seed, question=args.question, time_spread=args.time_spread,
        name=Path(args.output).name,
    )
    output = write_output_atomically(args.output, dataset.to_csv_text(), database_path=database)
    print(f"wrote {dataset.n_labels} labels ({dataset.n_items} items, {dataset.n_raters} raters) to {output}")
    return 0


def _run_list(args: argparse.Namespace) -> int:
    stored = common.open_store(args).list_pilots()
    if args.json:
        common.print_json([
            {"id": p.id, "name": p.name, "source": p.source, "created": p.created.isoformat(),
             "dataset": p.summary.get("dataset", {})}
            for p in stored
        ])
        return 0
    rows = []
    for p in stored:
        described = p.summary.get("dataset", {})
        rows.append([p.id, p.name, described.get("labels", ""), described.get("items", ""), described.get("raters", ""),
                     p.created.strftime("%Y-%m-%d %H:%M")])
    common.print_table(["id", "name", "labels", "items", "raters", "created"], rows)
    return 0


# ---------------------------------------------------------------- printing
def _number(value: Any, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _print_summary(summary: dict[str, Any], dataset: pilots.PilotDataset, *, use_nats: bool) -> None:
    unit = "nats" if use_nats else "bits"
    question = f", question {summary['question']!r}" if summary.get("question") else ""
    print(
        f"{summary['source']}{question}: {summary['labels']} labels, {summary['items']} items, {summary['raters']} raters, "
        f"classes {', '.join(summary['classes'])}; gold on {summary['gold_items']} items"
    )
    _print_import(summary.get("import_report"))
    print()
    order = ("majority_vote", "one_coin", "dawid_skene")
    methods = summary["methods"]
    header = "exact match vs gold" if summary.get("numeric") else "accuracy vs gold"

    def row(name: str) -> list[Any]:
        method = methods[name]
        if not method.get("identifiable", True):
            # Nothing was identified: neither its count of iterations nor convergence means anything.
            return [name, "— (one label per item)", "—", "—"]
        return [name, _number(method["accuracy_vs_gold"]), method["iterations"], "yes" if method["converged"] else "NO"]

    rows = [row(name) for name in sorted(methods, key=lambda n: order.index(n) if n in order else len(order))]
    common.print_table(["method", header, "iterations", "converged"], rows)
    from advisor.pilot.summary import TIE_TEXT

    print(f"majority vote: {TIE_TEXT.get(summary.get('majority_vote_ties', 'first'), summary.get('majority_vote_ties'))}")
    readout = summary.get("numeric_readout") or []
    if readout:
        print("\ncorrelation of the mean of r scores with gold (Snow et al. 2008; mean over random draws of r raters):")
        common.print_table(["r", "items", "Pearson r", "95 % of draws"],
                           [[row["r"], row["items"], f"{row['pearson']:.3f}", f"{row['low']:.3f}–{row['high']:.3f}"] for row in readout])
    stats = summary["agreement"]
    print(
        f"\nagreement: percent {_number(stats['percent_agreement'], 3)}, Fleiss κ {_number(stats['fleiss_kappa'], 3)}, "
        f"Krippendorff α nominal {_number(stats['krippendorff_alpha_nominal'], 3)}, ordinal {_number(stats['krippendorff_alpha_ordinal'], 3)}"
    )
    low, high = summary["capacity_ci"]
    interval = (f"{summary['capacity_level']:.0%} interval {common.info_unit(low, use_nats)}–"
                f"{common.info_unit(high, use_nats)}, {summary['bootstrap_resamples']} resamples"
                if summary["bootstrap_resamples"] > 0 else "no interval: --boot 0")
    print(
        f"capacity of one rater (pooled kernel from {summary['kernel_source']}): "
        f"{common.info_unit(summary['capacity_nats'], use_nats)} {unit} ({interval})"
    )
    unanimity = ("no item has two labels" if summary["labels"] <= summary["items"] else
                 f"unanimous items {summary['observed_unanimity']:.4f} observed, "
                 f"{summary['independent_unanimity']:.4f} if independent")
    print(f"single-rater accuracy {summary['single_rater_accuracy']:.4f}; ρ {summary['rho']:.4f} ({unanimity})")
    _print_speed(summary.get("speed_accuracy"))
    _print_timing(summary.get("rater_timing"))
    fitted = summary.get("population")
    if fitted:
        population = fitted["population"]
        criterion = ", ".join(field_value_text(row) for row in population["bias"])
        print(
            f"rater population (EM, {fitted['criterion'].upper()}): prior {field_value_text(population['prior'])}; "
            f"d′ by type {field_value_text(population['dprime'])} (shares {field_value_text(population['type_weights'])}); "
            f"bias {criterion}; difficulty classes {field_value_text(population['difficulty_weights'])} × "
            f"{field_value_text(population['difficulty_multipliers'])}; slip {population['slip']:.4f}"
        )
    flagged = summary["flagged"]
    for flag in ("malicious", "lazy"):
        names = flagged.get(flag, [])
        if names:
            print(f"{flag} raters ({len(names)}): {_names(names)}")
    for note in summary.get("notes", []):
        print(f"note: {note}")


def _names(names: list[str], shown: int = 10) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _print_import(report: dict[str, Any] | None) -> None:
    if not report or report.get("format") in ("csv", "large_csv") and not report.get("warnings"):
        return
    shape = report["format"]
    described = FORMATS.get(shape) or (f"a {shape.removeprefix('large_')} label table read by DuckDB" if shape.startswith("large_") else shape)
    parts = [f"read as {described}: {report['labels']:,} raters' labels"]
    if report.get("cancelled"):
        parts.append(f"{report['cancelled']:,} cancelled left out")
    if report.get("ground_truth"):
        parts.append(f"{report['ground_truth']:,} ground-truth annotations read as gold")
    for reason, count in (report.get("skipped") or {}).items():
        parts.append(f"{count:,} {reason} left out")
    print("; ".join(parts))
    for warning in report.get("warnings") or []:
        print(f"warning: {warning}")


def _interval(intervals: dict[str, Any] | None, key: str, digits: int = 3) -> str:
    if not intervals or intervals.get(key) is None:
        return ""
    low, high = intervals[key]
    return f" [{low:.{digits}g}, {high:.{digits}g}]"


def _print_speed(speed: dict[str, Any] | None) -> None:
    if not speed:
        return
    intervals = speed.get("intervals")
    level = f"{speed.get('level', 0.95):.0%} profile-likelihood intervals" if intervals else "no intervals"
    print(
        f"speed–accuracy, pilot seconds ({speed['labels']:,} timed labels against {speed['truth']}; {level}): "
        f"λ {speed['discriminability']:.4g}{_interval(intervals, 'discriminability')}, "
        f"β {speed['accrual_rate']:.4g}/s{_interval(intervals, 'accrual_rate')}, "
        f"δ₀ {speed['base_time']:.4g} s{_interval(intervals, 'base_time')}"
    )
    raters = speed.get("raters") or []
    if raters:
        rates = sorted(raters, key=lambda r: r["accrual_rate"])
        print(f"raters' own β (λ and δ₀ pooled, {len(rates)} raters with ≥ 30 timed labels): slowest "
              f"{rates[0]['name']} {rates[0]['accrual_rate']:.3g}/s, median {rates[len(rates) // 2]['accrual_rate']:.3g}/s, "
              f"fastest {rates[-1]['name']} {rates[-1]['accrual_rate']:.3g}/s")


def _print_timing(timing: dict[str, Any] | None) -> None:
    if not timing:
        return
    if timing.get("median_seconds") is not None:
        print(f"time per label: median rater's median {timing['median_seconds']:.3g} s; raters under "
              f"{timing['fast_threshold']:.3g} s are flagged too fast")
        if timing["fast"]:
            print(f"too fast raters ({len(timing['fast'])}): {_names(list(timing['fast']))}")
    drift = timing.get("drift")
    if drift:
        low, high = drift["slope_interval"]
        bins = ", ".join(f"{row[3]:.3f}" for row in drift["bins"] if row[2])
        print(f"drift over each rater's sequence ({drift['raters']} raters, {drift['labels']:,} labels): accuracy by fifth "
              f"{bins}; slope {drift['slope']:+.3f} log-odds from first to last label ({drift['level']:.0%} interval "
              f"{low:+.3f} to {high:+.3f})")
