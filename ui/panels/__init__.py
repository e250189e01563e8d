"""The main window's panels: library, editor, results, recommendations, compare, protocol and the
X–Y plot. A panel may use widgets and core, never a dialog or another panel.
"""
