"""Each major widget opens alone: ``python -m ui.<module>`` runs its preview
on example data (closed right after its first paint) and exits cleanly. One
process opens the previews in turn (``python -m ui.core.preview``), as
``python -m`` runs each; one preview also runs in a process of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.conftest import PREVIEW_MODULES

REPO = Path(__file__).resolve().parents[2]

def _modules_with_a_preview() -> set[str]:
    """Modules of ``ui/`` that ``python -m`` runs: a package's ``__main__.py`` or a module with a
    ``__main__`` block, but the launcher (the app) and the runner of previews itself."""
    found = set()
    for path in (REPO / "ui").rglob("*.py"):
        name = ".".join(path.relative_to(REPO).with_suffix("").parts)
        if path.name == "__main__.py":
            found.add(name.removesuffix(".__main__"))
        elif 'if __name__ == "__main__":' in path.read_text(encoding="utf-8"):
            found.add(name)
    return found - {"ui.launcher", "ui.core.preview"}


def test_every_preview_is_opened_by_the_smoke_test():
    assert _modules_with_a_preview() == set(PREVIEW_MODULES)


@pytest.mark.parametrize("module", PREVIEW_MODULES)
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
