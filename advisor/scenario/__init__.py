"""The scenario: what a practitioner describes, its evented editing state, the design checks and the
field table (labels, units, ranges and help derived from the schema).
"""
