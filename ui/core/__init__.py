"""What every window shares and nothing visible: the QApplication, settings, worker threads,
signal bindings, single-shot timers, undo, drafts and the widget previews.
"""
