"""Checking exported files against the SHA-256 recorded when they were written."""

from __future__ import annotations

import hashlib

from advisor.files.integrity import STATES, file_states


def test_each_file_is_same_changed_missing_or_none(tmp_path):
    content = b"a report\n" * 200_000  # more than one hashing piece
    same, changed = tmp_path / "same.html", tmp_path / "changed.csv"
    same.write_bytes(content)
    changed.write_bytes(content + b"edited afterwards\n")
    recorded = hashlib.sha256(content).hexdigest()
    entries = [(str(same), recorded.upper()), (str(changed), recorded), (str(tmp_path / "gone.pdf"), recorded),
               ("", "")]
    assert file_states(entries) == ["same", "changed", "missing", "none"]
    assert set(file_states(entries)) == set(STATES)
