"""Whether a file on disk is still the one written: its SHA-256 against the recorded one.

The export protocol records the SHA-256 of every file it wrote; the protocol
panel checks the files against it so a user sees at once whether a report was
moved, deleted or edited since.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

HASH_CHUNK_BYTES = 1 << 20
"""Files are hashed in pieces of this many bytes: a large report never sits in memory whole."""
STATES = ("same", "changed", "missing", "none")
"""What :func:`file_states` says of an entry: unchanged, changed, no file at the
path any more, or no file recorded (an analysis)."""


def file_states(entries: Sequence[tuple[str, str]]) -> list[str]:
    """Compare files on disk with their recorded hashes.

    Parameters
    ----------
    entries
        ``(path, sha256)`` pairs; an empty path is an entry that wrote no file.

    Returns
    -------
    list of str
        One of :data:`STATES` for each pair: ``"same"``, ``"changed"``,
        ``"missing"``, or ``"none"`` for an empty path.
    """
    states = []
    for path, recorded in entries:
        if not path:
            states.append("none")
            continue
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(HASH_CHUNK_BYTES), b""):
                    digest.update(chunk)
        except OSError:
            states.append("missing")
            continue
        states.append("same" if digest.hexdigest() == recorded.lower() else "changed")
    return states
