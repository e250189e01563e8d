"""``python -m ui.panels.recommendations``: the tab on an example scenario."""

from ui.panels.recommendations.tab import main

main()
