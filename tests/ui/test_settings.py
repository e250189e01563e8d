"""The app-wide display unit and where the UI keeps its settings."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ui.core.settings import DisplaySettings, config_dir, data_dir, display_settings, ui_settings


def test_paths_follow_the_environment(isolated_app_paths):
    assert config_dir() == isolated_app_paths / "config"
    assert data_dir() == isolated_app_paths / "data"
    assert Path(ui_settings().fileName()).parent == isolated_app_paths / "config"


def test_unit_switch_converts_and_signals(qtbot):
    units = display_settings()
    assert units.unit == "bits"
    assert units.convert(math.log(2)) == pytest.approx(1.0)
    assert units.format_info(math.log(8), per_item=True) == "3.00 bits/item"
    with qtbot.waitSignal(units.unit_changed) as blocker:
        units.toggle_unit()
    assert blocker.args == ["nats"]
    assert units.convert(1.5) == 1.5 and units.to_nats(1.5) == 1.5
    with qtbot.assertNotEmitted(units.unit_changed):
        units.set_unit("nats")


def test_unit_is_remembered_and_validated(qtbot):
    display_settings().set_unit("nats")
    assert DisplaySettings().unit == "nats"
    with pytest.raises(ValueError, match="'bits' or 'nats'"):
        display_settings().set_unit("bans")
