"""Exception types of the application core.

Every error a user can cause carries a message that names the field or the
argument, the value and what is allowed; the command line prints it on one
line and exits with status 2, the GUI shows it next to the field.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Base class of every error raised by ``advisor``."""


class ScenarioValidationError(AdvisorError, ValueError):
    """A scenario (or a part of one) does not satisfy the schema.

    Parameters
    ----------
    message
        One readable line per problem, joined by ``"; "``.
    problems
        ``(field path, message)`` pairs, the field path dotted as in the JSON
        (``"questions.0.format.k"``), so that a form can mark the field.
    """

    def __init__(self, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.problems: list[tuple[str, str]] = list(problems or [])


class ScenarioNotFoundError(AdvisorError, LookupError):
    """No stored scenario has that name or id, and no file has that path."""


class StaleRevisionError(AdvisorError):
    """A save was based on a revision that is no longer the newest one."""

    def __init__(self, name: str, base_revision: int, current_revision: int):
        super().__init__(
            f"scenario {name!r} was changed elsewhere: this edit is based on revision "
            f"{base_revision}, the stored one is revision {current_revision}; reload or save as a new scenario"
        )
        self.name = name
        self.base_revision = base_revision
        self.current_revision = current_revision


class DatabaseError(AdvisorError):
    """The database cannot be opened, is corrupt, or is not ours."""


class DamagedSchemaError(DatabaseError):
    """A database of ours that lacks tables the app needs; ``problems`` lists them."""

    def __init__(self, message: str, problems: list[str] | tuple[str, ...]):
        super().__init__(message)
        self.problems = list(problems)


class ImportFormatError(AdvisorError, ValueError):
    """An imported file (interface config, pilot CSV, scenario JSON) is malformed."""


class InputLimitError(ImportFormatError):
    """Input beyond a limit, or a number that is not finite (:mod:`advisor.files.input_limits`).

    Attributes
    ----------
    field
        Dotted path of the offending value (``"campaign.budget_cap"``), or
        ``""`` for the document as a whole.
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class OutputPathError(AdvisorError, OSError):
    """A path the user named for output cannot or may not be written
    (:mod:`advisor.files.output_paths`).

    It is an :class:`OSError` as well, so that code which already reports a
    failed write (a full disk, a missing permission) reports this one the same
    way; the message is one line that names the path and the reason.
    """


class UnknownParameterError(AdvisorError, ValueError):
    """The unknown to solve for is not one of :data:`advisor.planning.solve.UNKNOWNS`."""


class FormatChoiceError(AdvisorError, ValueError):
    """An allowed format of the optimiser (:func:`advisor.planning.optimize.format_options`)
    cannot be read or does not fit the question."""


class FormatOptionError(AdvisorError, ValueError):
    """A ``--formats`` option of the command line is malformed or names no question."""


class SweepRangeError(AdvisorError, ValueError):
    """A sweep's variable, range, grid or outputs cannot be used; nothing was computed
    (:mod:`advisor.planning.sweep`)."""


class Cancelled(AdvisorError):
    """A computation stopped because its progress callback returned ``False``
    (the user pressed Cancel, or a newer request superseded it); see :mod:`advisor.progress`."""


class CompromiseError(AdvisorError, ValueError):
    """A compromise analysis's budget, item cost, raters or objective cannot be used (a budget that
    buys no item, among others); nothing was computed (:mod:`advisor.planning.compromise`)."""
