"""Waiting for another process's lock on an SQLite file: quietly at first, then with a
message, then refused on one line after the busy timeout.

SQLite answers "database is locked" once its busy timeout has passed. The wait
is cut in two (:class:`LockWait`) so that a short wait passes unnoticed and a
long one says what it is waiting for; the timeout is
``ANNOTATION_ADVISOR_BUSY_TIMEOUT`` seconds, or :data:`BUSY_TIMEOUT_MS`.
"""

from __future__ import annotations

import math
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from advisor.errors import DatabaseError
from advisor.storage.messages import one_line

BUSY_TIMEOUT_MS = 20_000
"""How long an SQLite writer waits for another process's lock before failing (default)."""
ENV_BUSY_TIMEOUT = "ANNOTATION_ADVISOR_BUSY_TIMEOUT"
"""Environment variable: the busy timeout in seconds (0 to 3600), instead of :data:`BUSY_TIMEOUT_MS`."""
MAX_BUSY_TIMEOUT_S = 3600.0
"""The longest busy timeout :data:`ENV_BUSY_TIMEOUT` may set, in seconds."""
QUIET_WAIT_MS = 1_000
"""A lock wait shorter than this (or a quarter of the timeout) passes without a message."""
Result = TypeVar("Result")
"""What the action run under a :class:`LockWait` returns."""


def busy_timeout_ms() -> int:
    """The busy timeout in milliseconds: ``ANNOTATION_ADVISOR_BUSY_TIMEOUT`` (seconds) or the default.

    Raises
    ------
    DatabaseError
        When the variable is not a number of seconds from 0 to 3600.
    """
    raw = os.environ.get(ENV_BUSY_TIMEOUT, "").strip()
    if not raw:
        return BUSY_TIMEOUT_MS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0.0 <= seconds <= MAX_BUSY_TIMEOUT_S):
        raise DatabaseError(
            f"{ENV_BUSY_TIMEOUT}: expected a number of seconds from 0 to {MAX_BUSY_TIMEOUT_S:g}, got {one_line(raw)[:40]!r}"
        )
    return int(round(seconds * 1000.0))


def print_waiting(message: str) -> None:
    """The default notice of a long wait: ``message`` on standard error, at once."""
    print(message, file=sys.stderr, flush=True)


def is_busy(error: BaseException) -> bool:
    """Whether an error (a driver error or SQLAlchemy's wrapper of one) is SQLite's "database is locked"."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)  # extended codes keep the primary one in the low byte
    text = str(original)
    return "database is locked" in text or "database is busy" in text


@dataclass(frozen=True)
class LockWait:
    """How an SQLite file's lock is waited for: quietly at first, then with a message, then refused.

    Parameters
    ----------
    where
        The database, as named in messages.
    timeout_ms
        The whole wait, in milliseconds (≥ 0).
    notify
        Called with one line when a wait outlasts the quiet part (default:
        printed on standard error).
    """

    where: str
    timeout_ms: int = BUSY_TIMEOUT_MS
    notify: Callable[[str], object] = print_waiting

    @property
    def quiet_ms(self) -> int:
        """The first part of the wait, without a message: 1 s, or a quarter of a shorter timeout."""
        return min(QUIET_WAIT_MS, self.timeout_ms // 4)

    def waiting_message(self) -> str:
        return (
            f"waiting up to {self.timeout_ms / 1000:g} s for another process to release its lock on {self.where} "
            f"(the busy timeout; {ENV_BUSY_TIMEOUT} sets it in seconds)"
        )

    def locked_error(self) -> DatabaseError:
        return DatabaseError(
            f"database {self.where} is locked by another process: gave up after waiting {self.timeout_ms / 1000:g} s "
            f"(the busy timeout; set {ENV_BUSY_TIMEOUT} to a number of seconds to wait longer); nothing was changed, try again later"
        )

    def run(self, action: Callable[[], Result], set_timeout: Callable[[int], object]) -> Result:
        """Run ``action`` (one SQLite call that may meet a lock) under this wait.

        ``set_timeout(ms)`` sets the connection's busy timeout; it is the full
        timeout again when this returns.
        """
        set_timeout(self.quiet_ms)
        try:
            try:
                return action()
            except sqlite3.OperationalError as error:
                if not is_busy(error):
                    raise
                if self.timeout_ms - self.quiet_ms <= 0:  # no time left to wait: refuse at once
                    raise self.locked_error() from None
            self.notify(self.waiting_message())
            set_timeout(self.timeout_ms - self.quiet_ms)
            try:
                return action()
            except sqlite3.OperationalError as error:
                if is_busy(error):
                    raise self.locked_error() from None
                raise
        finally:
            set_timeout(self.timeout_ms)
