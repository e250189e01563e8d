"""Where the app keeps its files: the database, preferences, backups.

Every location comes from :mod:`platformdirs` (the user's data and config
folders), and an environment variable overrides each one, so that tests,
scripts and teams can point the app elsewhere without touching the user's
own files:

``ANNOTATION_ADVISOR_DB``
    The scenario database: any SQLAlchemy URL (``sqlite:///file.sqlite``,
    ``postgresql+psycopg://user@host/db``) or a plain file path.
``ANNOTATION_ADVISOR_DATA_DIR``
    The data folder (default database, backups).
``ANNOTATION_ADVISOR_CONFIG_DIR``
    The config folder (preferences).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP_NAME = "annotation-advisor"
ENV_DATABASE = "ANNOTATION_ADVISOR_DB"
ENV_DATA_DIR = "ANNOTATION_ADVISOR_DATA_DIR"
ENV_CONFIG_DIR = "ANNOTATION_ADVISOR_CONFIG_DIR"
DEFAULT_DATABASE_FILENAME = "scenarios.sqlite"


def _from_environment(variable: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(variable, "").strip()
    return value or None


def _folder(variable: str, platform_folder: Callable[..., str]) -> Path:
    """The folder the variable names, else the platform's (a :mod:`platformdirs` function)."""
    override = _from_environment(variable)
    if override is not None:
        return Path(override).expanduser()
    return Path(platform_folder(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    """The folder for the default database and its backups (not created here).

    ``ANNOTATION_ADVISOR_DATA_DIR`` overrides the platform's user data folder.
    """
    return _folder(ENV_DATA_DIR, platformdirs.user_data_dir)


def user_config_dir() -> Path:
    """The folder for the preferences file (not created here).

    ``ANNOTATION_ADVISOR_CONFIG_DIR`` overrides the platform's user config folder.
    """
    return _folder(ENV_CONFIG_DIR, platformdirs.user_config_dir)


def default_database_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``ANNOTATION_ADVISOR_DB`` is given."""
    return user_data_dir() / DEFAULT_DATABASE_FILENAME


def is_database_url(text: str) -> bool:
    """True for an SQLAlchemy URL (``dialect[+driver]://...``), False for a file path.

    A Windows path such as ``C:\\data\\x.sqlite`` has no ``://`` and counts as a path.
    """
    scheme, separator, _ = text.partition("://")
    return bool(separator) and bool(scheme) and all(c.isalnum() or c in "+_-." for c in scheme)


def database_url(url_or_path: str | os.PathLike[str]) -> str:
    """An SQLAlchemy URL for a URL or a file path.

    Parameters
    ----------
    url_or_path
        An SQLAlchemy URL, returned unchanged (except that a bare
        ``postgresql://`` gets the psycopg 3 driver this app ships with), or a
        file path, which becomes an absolute ``sqlite:///`` URL.
    """
    text = os.fspath(url_or_path).strip()
    if not text:
        raise ValueError("database: expected an SQLAlchemy URL or a file path, got an empty string")
    if is_database_url(text):
        scheme, _, rest = text.partition("://")
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def default_database_url() -> str:
    """``ANNOTATION_ADVISOR_DB`` when set, else the SQLite file in the user data folder."""
    override = _from_environment(ENV_DATABASE)
    if override is not None:
        return database_url(override)
    return database_url(default_database_path())
