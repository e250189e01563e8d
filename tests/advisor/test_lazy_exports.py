"""The packages that re-export lazily (PEP 562): every name resolves to the object of the
module that holds it, an unknown name is an AttributeError, and importing the command line
loads neither calibration's numerics nor the report renderers."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import advisor.pilot
import advisor.report


@pytest.mark.parametrize("package", [advisor.pilot, advisor.report], ids=lambda p: p.__name__)
def test_every_re_exported_name_is_its_home_modules_object(package):
    homes = package._HOMES
    assert sorted(homes) == package.__all__
    for name, home in homes.items():
        assert getattr(package, name) is getattr(importlib.import_module(f"{package.__name__}.{home}"), name)
    assert set(homes) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        package.no_such_name  # noqa: B018 - the attribute access is the test


def test_importing_the_command_line_loads_no_report_renderer_or_calibration():
    # Every command imports advisor.cli; the numerics (scipy, the models), the pilot summary and the
    # report renderers load only for the commands that use them (`list` starts in well under a second).
    code = ("import sys, advisor.cli; import advisor.pilot, advisor.report; "
            "print(sorted(m for m in ('advisor.pilot.calibration', 'advisor.pilot.summary', 'advisor.report.render_pdf', "
            "'matplotlib', 'scipy', 'models', 'duckdb') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


def test_evaluating_a_design_without_gold_items_loads_no_fitting_or_statistics_module():
    # scipy.optimize and scipy.stats (about 0.4 s to import) serve pilot fits and gold items only; the
    # window's first results wait for every module the evaluation imports.
    code = ("import sys; from advisor.evaluation.evaluate import evaluate; "
            "from advisor.scenario.schema import example_scenarios; "
            "designs = [s for s in example_scenarios() if s.gold.share == 0]; assert designs; "
            "[evaluate(s) for s in designs]; "
            "print(sorted(m for m in ('scipy.optimize', 'scipy.stats', 'alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert out.stdout.strip() == "[]"
