"""The consistency check of a scenario database (``annotation-advisor db check``).

It reads everything and changes nothing: SQLite's own checks, the schema
revision, the schema's shape against :mod:`advisor.storage.db_models`
(:func:`schema_problems`), and every scenario and revision (:func:`database_problems`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from advisor.errors import ScenarioValidationError
from advisor.progress import ProgressCallback
from advisor.scenario.schema import scenario_from_dict
from advisor.storage import migrations
from advisor.storage.db_models import Base, RevisionRow, ScenarioRow
from advisor.storage.messages import one_line
from advisor.storage.scenario_rows import tags_of
from advisor.storage.stored_values import json_hash

"""Called as ``progress(done, total)`` while scenarios are checked."""

ROW_CHECK_TABLES = frozenset({"scenarios", "scenario_revisions", "tags", "scenario_tags"})
"""The tables :func:`database_problems` reads row by row."""


def _describe_schema_difference(difference: Any) -> tuple[str | None, bool]:
    """One of Alembic's ``compare_metadata`` differences as (problem or None, rows still readable).

    Only what the app needs and lacks is a problem: a missing table, column,
    index, unique or foreign key constraint, or a column of another type or
    nullability. Extra tables, columns and indexes are left alone (they do not
    stop the app).
    """
    if isinstance(difference, list):  # column modifications come grouped
        found = [_describe_schema_difference(item) for item in difference]
        lines = [line for line, _ in found if line]
        return ("; ".join(lines) if lines else None), all(readable for _, readable in found)
    kind = difference[0]
    if kind == "add_table":
        table = difference[1]
        return f"table {table.name} is missing", table.name not in ROW_CHECK_TABLES
    if kind == "add_column":
        _, _, table_name, column = difference
        return f"column {table_name}.{column.name} is missing", table_name not in ROW_CHECK_TABLES
    if kind == "add_index":
        index = difference[1]
        columns = ", ".join(column.name for column in index.columns)
        unique = "unique " if index.unique else ""
        return f"{unique}index {index.name} on {index.table.name} ({columns}) is missing", True
    if kind in ("add_constraint", "add_fk"):
        constraint = difference[1]
        what = "foreign key" if kind == "add_fk" else "constraint"
        columns = ", ".join(column.name for column in constraint.columns)
        return f"{what} {constraint.name or ''} on {constraint.table.name} ({columns}) is missing".replace("  ", " "), True
    if kind == "modify_type":
        _, _, table_name, column_name, _, existing, wanted = difference
        return f"column {table_name}.{column_name} has type {existing}, expected {wanted}", True
    if kind == "modify_nullable":
        _, _, table_name, column_name, _, existing, wanted = difference
        if wanted is False and existing is True:
            return f"column {table_name}.{column_name} accepts NULL, expected NOT NULL", True
        return None, True
    return None, True


def schema_problems(connection: Connection) -> tuple[list[str], bool]:
    """Compare the database's tables, columns and indexes with the app's (:mod:`advisor.storage.db_models`).

    Returns
    -------
    problems : list of str
        One line per missing or different table, column, index or constraint;
        empty when the schema has the shape the app needs.
    rows_readable : bool
        False when a table or column that the row checks read is missing.
    """
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    problems: list[str] = []
    readable = True
    try:
        differences = compare_metadata(context, Base.metadata)
    except (SQLAlchemyError, LookupError, TypeError, ValueError) as error:  # reflection of an odd schema
        return [f"schema: cannot be compared with the app's ({one_line(error)})"], False
    for difference in differences:
        line, rows_ok = _describe_schema_difference(difference)
        readable = readable and rows_ok
        if line:
            problems.append(f"schema: {line}")
    return problems, readable


def database_problems(session: Session, progress: ProgressCallback | None = None) -> list[str]:
    """Every problem found in the database of ``session``, one line each; empty when there is none.

    Checks SQLite's ``integrity_check`` and ``foreign_key_check``, the schema
    revision, the schema's shape (:func:`schema_problems`), and for every
    scenario: that its current revision exists and validates, that the
    indexed name, notes and tags match the JSON, and that every revision's
    JSON matches its stored hash. The scenarios are not read when a table or
    column they are read from is missing.

    Parameters
    ----------
    session
        A session with an open (read) transaction.
    progress
        Called as ``progress(done, total)`` while scenarios are checked.
    """
    problems: list[str] = []
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
        problems += [f"SQLite integrity_check: {line}" for line in integrity if line != "ok"]
        for row in connection.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(f"table {row[0]}, row {row[1]}: refers to a missing row of {row[2]}")
    version = migrations.current_revision(connection)
    if version != migrations.head_revision():
        problems.append(f"schema revision is {version}, expected {migrations.head_revision()}")
    shape, rows_readable = schema_problems(connection)
    problems += shape
    if not rows_readable:
        problems.append("the scenarios were not checked: a table or column they are read from is missing")
        return problems
    total = int(session.scalar(select(func.count(ScenarioRow.id))) or 0)
    tags = tags_of(session, None)
    revisions = session.execute(
        select(RevisionRow.scenario_id, RevisionRow.revision, RevisionRow.content_json, RevisionRow.content_hash)
        .order_by(RevisionRow.scenario_id, RevisionRow.revision)
        .execution_options(yield_per=500)
    )
    latest: dict[int, tuple[int, str]] = {}
    for scenario_id, number, content, stored_hash in revisions:
        try:
            actual_hash = json_hash(content)
        except ValueError:
            problems.append(f"scenario {scenario_id} revision {number}: the stored JSON cannot be read")
            continue
        if actual_hash != stored_hash:
            problems.append(f"scenario {scenario_id} revision {number}: content does not match its SHA-256")
        latest[scenario_id] = (number, content)
    rows = session.execute(
        select(ScenarioRow.id, ScenarioRow.name, ScenarioRow.notes, ScenarioRow.revision).order_by(ScenarioRow.id)
    )
    for done, row in enumerate(rows, start=1):
        label = f"scenario {row.name!r} (id {row.id})"
        number, content = latest.get(row.id, (None, None))
        if number != row.revision or content is None:
            problems.append(f"{label}: current revision {row.revision} is missing (newest stored: {number})")
        else:
            try:
                scenario = scenario_from_dict(json.loads(content))
            except ScenarioValidationError as error:
                problems.append(f"{label}: revision {number} no longer validates: {error}")
            else:
                if scenario.name != row.name or scenario.notes != row.notes:
                    problems.append(f"{label}: the indexed name or notes differ from revision {number}")
                if sorted(scenario.tags) != sorted(tags.get(row.id, ())):
                    problems.append(f"{label}: the indexed tags differ from revision {number}")
        if progress is not None:
            progress(done, total)
    return problems
