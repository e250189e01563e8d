"""Each major widget opens alone: ``python -m ui.<module>`` runs its preview
on example data (closed right after its first paint) and exits cleanly. One
process opens the previews in turn (``python -m ui.core.preview``), as
``python -m`` runs each; one preview also runs in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PREVIEWS = ("ui.panels.library", "ui.panels.editor", "ui.panels.results", "ui.panels.compare", "ui.panels.xy_plot",
            "ui.main_window")


@pytest.mark.parametrize("module", PREVIEWS)
def test_preview_opens_and_closes(module, preview_opens_and_closes):
    preview_opens_and_closes(module)


def test_the_main_window_preview_runs_alone_with_python_m(preview_environment):
    from ui.core.preview import PAINTED_MARKER

    completed = subprocess.run([sys.executable, "-m", "ui.main_window"], cwd=REPO, env=preview_environment,
                               capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False)
    assert completed.returncode == 0, completed.stderr
    assert f"{PAINTED_MARKER} Main window" in completed.stdout, completed.stdout
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "Error" not in completed.stderr, completed.stderr
