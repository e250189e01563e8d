"""Pilot annotations: read, summarise, calibrate a scenario, simulate.

A *pilot* is a small labelling run whose labels (and, where known, gold answers and the seconds
raters spent) tell what the interface really carries. The package, from the bottom up:

* :mod:`advisor.pilot.dataset`: :class:`PilotDataset`, one pilot as integer codes and names;
* :mod:`advisor.pilot.kernels`: the single-rater kernels and accuracy curves of the question
  formats a pilot can calibrate;
* :mod:`advisor.pilot.scenario_quantities`: the question a pilot measures in a scenario, its share
  of the judgment time and the contexts' difficulty and reading seconds;
* :mod:`advisor.pilot.reading`: :func:`read_pilot` for CSV and TSV files, and the size limits;
* :mod:`advisor.pilot.rater_quality`: rater reports and the lazy / malicious flags;
* :mod:`advisor.pilot.speed_accuracy`: the speed–accuracy fit of timed labels;
* :mod:`advisor.pilot.summary`: :func:`summarize`, one question's :class:`PilotSummary`
  (aggregation, agreement, capacity with its interval, ρ), and what the database keeps;
* :mod:`advisor.pilot.calibration`: :func:`apply_to_scenario`, a scenario's raters set from a
  summary, with provenance;
* :mod:`advisor.pilot.simulation`: :func:`simulate_pilot`, a synthetic pilot drawn from a scenario.

The names below are re-exported so that ``from advisor.pilot import read_pilot`` keeps working;
new code imports from the module that holds the name. The limits re-exported here are copies:
code that changes one (a test lowering ``MAX_BYTES``) changes it in :mod:`advisor.pilot.reading`.
"""

from __future__ import annotations

from advisor.pilot.calibration import apply_to_scenario
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.kernels import NOMINAL_KINDS, ORDINAL_KINDS, cascade_kernel
from advisor.pilot.rater_quality import RaterReport, rater_flag
from advisor.pilot.reading import COLUMN_ALIASES, MAX_BYTES, MAX_LABELS, MAX_ROWS, check_pilot_size, read_pilot
from advisor.pilot.scenario_quantities import question_index, scenario_contexts
from advisor.pilot.simulation import simulate_pilot
from advisor.pilot.summary import MethodResult, PilotSummary, storage_summary, summarize, summary_options

__all__ = [
    "MAX_ROWS",
    "MAX_LABELS",
    "MAX_BYTES",
    "check_pilot_size",
    "COLUMN_ALIASES",
    "NOMINAL_KINDS",
    "ORDINAL_KINDS",
    "PilotDataset",
    "PilotSummary",
    "MethodResult",
    "RaterReport",
    "read_pilot",
    "summarize",
    "rater_flag",
    "question_index",
    "apply_to_scenario",
    "simulate_pilot",
    "cascade_kernel",
    "storage_summary",
    "summary_options",
    "scenario_contexts",
]
