"""Colours shared by the Recommendations tab's panels."""

from __future__ import annotations

GAIN_COLOUR = "#1b7f3b"
"""A change for the better (a lower risk), a design that meets the target."""
LOSS_COLOUR = "#b00020"
"""A change for the worse, a design that cannot meet the target."""
UNDECIDED_COLOUR = "#8d5a00"
"""A verdict the bounds cannot decide."""
MUTED_COLOUR = "#808080"
"""What does not apply, and status lines."""
ERROR_STYLE = "color: #b00020"
"""The style sheet of a status line that reports an error."""
