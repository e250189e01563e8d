"""Each major widget opens alone: ``python -m ui.<module>`` runs its preview
on example data (closed automatically after a moment) and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PREVIEWS = ("ui.panels.library", "ui.panels.editor", "ui.panels.results", "ui.panels.compare", "ui.main_window")


@pytest.mark.parametrize("module", PREVIEWS)
def test_preview_opens_and_closes(module, isolated_app_paths):
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", ANNOTATION_ADVISOR_PREVIEW_QUIT_MS="1500")
    env.pop("ANNOTATION_ADVISOR_DB")  # each preview makes its own database
    completed = subprocess.run([sys.executable, "-m", module], cwd=REPO, env=env, capture_output=True,
                               text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr, completed.stderr
    assert "Error" not in completed.stderr, completed.stderr
