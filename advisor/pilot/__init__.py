"""Pilot annotations: read, summarise, calibrate a scenario, simulate.

A *pilot* is a small labelling run whose labels (and, where known, gold answers and the seconds
raters spent) tell what the interface really carries. The package, from the bottom up:

* :mod:`advisor.pilot.dataset`: :class:`PilotDataset`, one pilot as integer codes and names;
* :mod:`advisor.pilot.kernels`: the single-rater kernels and accuracy curves of the question
  formats a pilot can calibrate;
* :mod:`advisor.pilot.scenario_quantities`: the question a pilot measures in a scenario, its share
  of the judgment time and the contexts' difficulty and reading seconds;
* :mod:`advisor.pilot.numeric`: labels on a declared numeric scale, and the mean-score correlation;
* :mod:`advisor.pilot.reading`: :func:`read_pilot` for CSV and TSV files, and the size limits;
* :mod:`advisor.pilot.sources`: :func:`~advisor.pilot.sources.read_pilot_file`, every shape of pilot
  recognised by content (Label Studio, MTurk, Potato, Argilla, crowd-kit pairwise exports, and large
  label tables read by DuckDB);
* :mod:`advisor.pilot.rater_quality`: rater reports and the lazy / malicious flags;
* :mod:`advisor.pilot.speed_accuracy`: the speed–accuracy fit of timed labels, with intervals and
  raters' speeds;
* :mod:`advisor.pilot.rater_timing`: each rater's pace, the too-fast raters, and drift over time;
* :mod:`advisor.pilot.summary`: :func:`summarize`, one question's :class:`PilotSummary`
  (aggregation, agreement, capacity with its interval, ρ), and what the database keeps;
* :mod:`advisor.pilot.calibration`: :func:`apply_to_scenario`, a scenario's raters set from a
  summary, with provenance;
* :mod:`advisor.pilot.simulation`: :func:`simulate_pilot`, a synthetic pilot drawn from a scenario.
* :mod:`advisor.pilot.model_check`: :func:`~advisor.pilot.model_check.check_calibration`, the
  calibrated model's one-rater information beside what the pilot measured, with warnings.

The names below are re-exported so that ``from advisor.pilot import read_pilot`` keeps working;
new code imports from the module that holds the name. They are loaded on first use (PEP 562), so
that importing the package (the command line does, for every command) does not load the numerics
of calibration; code that changes a limit (a test lowering ``MAX_BYTES``) changes it in
:mod:`advisor.pilot.reading`.
"""

from __future__ import annotations

from advisor.lazy_exports import lazy_exports

_HOMES = {
    "apply_to_scenario": "calibration",
    "PilotDataset": "dataset",
    "NOMINAL_KINDS": "kernels", "ORDINAL_KINDS": "kernels", "cascade_kernel": "kernels",
    "RaterReport": "rater_quality", "rater_flag": "rater_quality",
    "COLUMN_ALIASES": "reading", "MAX_BYTES": "reading", "MAX_LABELS": "reading", "MAX_ROWS": "reading",
    "check_pilot_size": "reading", "read_pilot": "reading", "read_pilot_file": "sources",
    "question_index": "scenario_quantities", "scenario_contexts": "scenario_quantities",
    "simulate_pilot": "simulation",
    "MethodResult": "summary", "PilotSummary": "summary", "storage_summary": "summary", "summarize": "summary",
    "summary_options": "summary",
}
"""Each re-exported name and the module of this package that holds it."""

__all__ = sorted(_HOMES)


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)
