"""Reusable widgets with no knowledge of the app's state: cards, plots, charts, spin boxes,
two-pane splitters, a job's progress bar, read-only tables.
"""
