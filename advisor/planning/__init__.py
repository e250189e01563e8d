"""Many scenarios to advice: levers ranked by what they buy, the optimiser and its frontier,
solve-for-one-unknown, X–Y sweeps, and :func:`~advisor.planning.analysis.analyse`, which composes
them for the window, the command line and the reports.
"""
