"""The scenario: what a practitioner describes (``schema``), its evented editing state (``state``),
the field table (``fields``: labels, units, ranges and help derived from the schema), and what the
form needs on top of them without Qt (``formats``: switching a question's format; ``form_text``:
M typed as text and the messages that refuse an edit).
"""
