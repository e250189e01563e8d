"""Scenarios kept: the SQLite/PostgreSQL store with revisions and tags, its tables and migrations,
and the protocol of exports and analyses.
"""
