"""The scenario store, on SQLite and (when a server is given) on PostgreSQL.

Every test here runs once per backend. The PostgreSQL variants need
``ANNOTATION_ADVISOR_TEST_PG_URL`` (``postgresql+psycopg://user:password@host/db``);
each test gets a schema of its own, dropped afterwards. Without the variable
they skip, except under ``CI=true``, where a missing server is a failure.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from advisor.storage import migrations
from advisor.storage.db_models import Base
from advisor.errors import DatabaseError, ScenarioNotFoundError, ScenarioValidationError, StaleRevisionError
from advisor.files.locations import database_url as normalised_url
from advisor.files.output_paths import sqlite_file_path
from advisor.scenario.schema import (
    Scenario,
    examples_dir,
    load_scenario_file,
    scenario_from_dict,
    scenario_from_json,
)
from advisor.storage.diff import describe_changes
from advisor.storage.store import ScenarioStore

REPO = Path(__file__).resolve().parents[2]
PG_URL_VARIABLE = "ANNOTATION_ADVISOR_TEST_PG_URL"
EXAMPLE_FILES = sorted(examples_dir().glob("*.json"))


# ------------------------------------------------------------------ backends
def postgres_base_url() -> str:
    """The test server's URL, or skip (fail under CI=true) when none is given."""
    url = os.environ.get(PG_URL_VARIABLE, "").strip()
    if url:
        return normalised_url(url)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{PG_URL_VARIABLE} is not set, but CI=true: the PostgreSQL variants must run in CI (.ci/run starts a server)")
    pytest.skip(f"{PG_URL_VARIABLE} is not set: PostgreSQL variants skipped (set it to postgresql+psycopg://user:password@host/db)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    base = postgres_base_url()
    schema = f"advisor_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(database_url: str, new_database_file) -> Iterator[ScenarioStore]:
    path = sqlite_file_path(make_url(database_url))
    if path is not None:
        new_database_file(path, seed=False)
    opened = ScenarioStore.open(database_url, seed=False)
    yield opened
    opened.close()


def make_scenario(name: str = "pairwise check", **changes: Any) -> Scenario:
    data: dict[str, Any] = {
        "name": name,
        "notes": "made by the store tests",
        "tags": ["test", "pairwise"],
        "questions": [{"name": "better", "format": {"kind": "pairwise", "k": 3}}],
    }
    data.update(changes)
    return scenario_from_dict(data)


def snapshot(store: ScenarioStore) -> list[tuple[int, str, int, bool]]:
    """Everything a write could change, in a comparable form."""
    return [(s.id, s.name, s.revision, s.deleted) for s in store.list(include_deleted=True, order_by="created", limit=10_000)]


# ------------------------------------------------------------ opening, seed
def test_new_database_is_migrated_to_head_and_seeded_once(database_url):
    first = ScenarioStore.open(database_url)
    try:
        assert first.created_now and first.seeded == len(EXAMPLE_FILES) >= 6
        assert first.schema_revision == migrations.head_revision()
        assert sorted(s.name for s in first.list()) == sorted(load_scenario_file(p).name for p in EXAMPLE_FILES)
        assert all(first.history(s.id)[0].summary.startswith("example") for s in first.list())
    finally:
        first.close()
    again = ScenarioStore.open(database_url)
    try:
        assert (again.created_now, again.seeded, again.count()) == (False, 0, len(EXAMPLE_FILES))
    finally:
        again.close()


def test_the_examples_are_read_once_while_their_files_are_unchanged(tmp_path, monkeypatch):
    """Every new database is seeded from the example files: each is read and validated once per
    process and handed out again while its size and modification time stay the same; a changed file
    is read again."""
    import advisor.scenario.schema as schema

    folder = tmp_path / "examples"
    folder.mkdir()
    for path in EXAMPLE_FILES[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(schema, "examples_dir", lambda: folder)
    reads = []
    monkeypatch.setattr(schema, "load_scenario_file", lambda path: reads.append(path) or load_scenario_file(path))
    schema._example_file.cache_clear()
    first = schema.example_files()
    assert [path.name for path, _ in first] == [path.name for path in EXAMPLE_FILES[:2]]
    assert [scenario for _, scenario in first] == [load_scenario_file(path) for path in EXAMPLE_FILES[:2]]
    assert [scenario for _, scenario in schema.example_files()] == [scenario for _, scenario in first]
    assert len(reads) == 2  # the second listing read nothing
    changed = folder / EXAMPLE_FILES[0].name
    data = json.loads(changed.read_text())
    data["name"] = "An edited example"
    changed.write_text(json.dumps(data))
    assert schema.example_files()[0][1].name == "An edited example" and len(reads) == 3
    schema._example_file.cache_clear()


def test_seed_false_leaves_a_new_database_empty(database_url):
    with ScenarioStore.open(database_url, seed=False) as store:
        assert store.created_now and store.seeded == 0 and store.count() == 0 and store.tags() == []


def test_orm_models_and_migrations_agree(store, database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_closed_store_refuses_work(database_url):
    opened = ScenarioStore.open(database_url, seed=False)
    opened.close()
    opened.close()
    with pytest.raises(DatabaseError, match="closed"):
        opened.count()


DATA = REPO / "tests" / "data"


def test_a_schema_0001_database_with_scenarios_migrates_on_every_backend(database_url):
    """The committed 0001 rows, loaded into a 0001 schema on this backend, come through 0002 intact."""
    import sqlite3

    expected = json.loads((DATA / "schema_0001.expected.json").read_text(encoding="utf-8"))
    source = sqlite3.connect(f"{(DATA / 'schema_0001.sqlite').as_uri()}?mode=ro", uri=True)
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            migrations.upgrade(connection, "0001")
            for table in ("scenarios", "scenario_revisions", "tags", "scenario_tags"):
                cursor = source.execute(f"SELECT * FROM {table}")
                columns = [description[0] for description in cursor.description]
                rows = [dict(zip(columns, row)) for row in cursor]
                placeholders = ", ".join(f":{column}" for column in columns)
                connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"), rows)
                if engine.dialect.name == "postgresql" and "id" in columns:
                    # Rows copied with their ids leave the id sequence behind.
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    finally:
        source.close()
        engine.dispose()
    with ScenarioStore.open(database_url) as store:
        assert not store.created_now and store.seeded == 0
        assert store.schema_revision == migrations.head_revision()
        for data in expected["current"]:
            assert store.get(data["name"]).scenario.to_dict() == scenario_from_dict(data).to_dict()
            assert [r.content_hash for r in store.history(data["name"])] == expected["hashes"][data["name"]]
        assert store.check() == []
        added = store.create(make_scenario("after the migration"))
        store.delete(added.id)
        assert store.count() == 2 and store.count(include_deleted=True) == 3


# ------------------------------------------------------- JSON round trip
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_json_to_database_to_json_is_identical(store, example, tmp_path):
    original = load_scenario_file(example)
    stored = store.create(original)
    read_back = store.get(original.name).scenario
    assert read_back.to_dict() == original.to_dict()
    assert read_back.to_json() == original.to_json()
    assert read_back.content_hash() == original.content_hash() == store.history(stored.id)[0].content_hash
    # The file as written by an export reads back to the same scenario.
    exported = tmp_path / "exported.json"
    exported.write_text(read_back.to_json(), encoding="utf-8")
    assert scenario_from_json(exported.read_text(encoding="utf-8")) == original
    assert set(stored.tags) == set(original.tags) and set(store.tags()) == set(original.tags)


# ------------------------------------------------------- field validation
BASE_SCENARIO: dict[str, Any] = {
    "schema_version": 1,
    "name": "validated",
    "notes": "",
    "tags": ["a"],
    "target": {},
    "contexts": [{"name": "all"}],
    "questions": [{"name": "q", "format": {"kind": "ordinal", "k": 5}}],
    "raters": {"difficulty_classes": [{"weight": 1, "multiplier": 1}], "rater_types": [{"weight": 1}]},
    "campaign": {},
    "bounds": {},
    "overlap": {},
    "gold": {},
    "provenance": [{"source": "pilot.csv", "method": "dawid_skene"}],
}

# (dotted field, bad value, what the message must contain). Every field of the
# schema has a case; test_every_schema_field_has_a_bad_value_case keeps it so.
FIELD_CASES: list[tuple[str, Any, str]] = [
    ("schema_version", 99, "schema_version"),
    ("name", "   ", "name"),
    ("notes", "x" * 20_001, "notes"),
    ("tags", ["x" * 51], "tags"),
    ("target", "high", "target"),
    ("target.log2_m", 0, "target.log2_m"),
    ("target.separation", 1.5, "target.separation"),
    ("target.target_risk", 1.0, "target.target_risk"),
    ("target.model_bits", -1, "target.model_bits"),
    ("contexts", [], "contexts"),
    ("contexts.0.name", "", "contexts.0.name"),
    ("contexts.0.weight", 0, "contexts.0.weight"),
    ("contexts.0.difficulty", 11, "contexts.0.difficulty"),
    ("contexts.0.reading_words", -1, "contexts.0.reading_words"),
    ("questions", [], "questions"),
    ("questions.0.name", "", "questions.0.name"),
    ("questions.0.format", "likert", "questions.0.format"),
    ("questions.0.format.kind", "essay", "questions.0.format.kind"),
    ("questions.0.format.k", 99, "questions.0.format: k for ordinal"),
    ("questions.0.format.max_chars", 100, "questions.0.format: max_chars applies to free_text only"),
    ("questions.0.time_share", 0, "questions.0.time_share"),
    ("questions.0.slip_rate", 0.5, "questions.0.slip_rate"),
    ("questions.0.span", 0, "questions.0.span"),
    ("questions.0.aspects", 0, "questions.0.aspects"),
    ("questions.0.bits_per_char", 9, "questions.0.bits_per_char"),
    ("questions.0.chars_per_second", 0, "questions.0.chars_per_second"),
    ("questions.0.prior", [1, 1], "prior must have one share per answer (5), got 2"),
    ("questions.0.part", "", "questions.0.part"),
    ("questions.0.format.minimum", 0, "questions.0.format: minimum, maximum and step apply to scale only"),
    ("questions.0.format.maximum", 10, "questions.0.format: minimum, maximum and step apply to scale only"),
    ("questions.0.format.step", 0, "questions.0.format.step"),
    ("questions.0.bias", 6, "questions.0.bias"),
    ("questions.0.option_bias", [0.1], "option_bias applies to categorical questions"),
    ("raters", [], "raters"),
    ("raters.per_item", 0, "raters.per_item"),
    ("raters.correlation", 1.0, "raters.correlation"),
    ("raters.discriminability", 0, "raters.discriminability"),
    ("raters.accrual_rate", 0, "raters.accrual_rate"),
    ("raters.base_time", -1, "raters.base_time"),
    ("raters.reading_wpm", 0, "raters.reading_wpm"),
    ("raters.difficulty_classes", [{"weight": 1, "multiplier": 1}] * 4, "raters.difficulty_classes"),
    ("raters.difficulty_classes.0.weight", 0, "raters.difficulty_classes.0.weight"),
    ("raters.difficulty_classes.0.multiplier", 11, "raters.difficulty_classes.0.multiplier"),
    ("raters.rater_types", [{"weight": 1}] * 4, "raters.rater_types"),
    ("raters.rater_types.0.weight", -1, "raters.rater_types.0.weight"),
    ("raters.rater_types.0.dprime_multiplier", -1, "raters.rater_types.0.dprime_multiplier"),
    ("raters.rater_types.0.bias", 6, "raters.rater_types.0.bias"),
    ("campaign", 7, "campaign"),
    ("campaign.items", 0, "campaign.items"),
    ("campaign.seconds_per_item", 0, "campaign.seconds_per_item"),
    ("campaign.wage_per_hour", -1, "campaign.wage_per_hour"),
    ("campaign.platform_fee", -0.5, "campaign.platform_fee"),
    ("campaign.currency", "", "campaign.currency"),
    ("campaign.budget_cap", 0, "campaign.budget_cap"),
    ("campaign.deadline_hours", -1, "campaign.deadline_hours"),
    ("campaign.raters_available", 0, "campaign.raters_available"),
    ("bounds", "tight", "bounds"),
    ("bounds.delta", 0, "bounds.delta"),
    ("bounds.eta", 1, "bounds.eta"),
    ("bounds.observed_risk", 1, "bounds.observed_risk"),
    ("bounds.residual_nats", -1, "bounds.residual_nats"),
    ("bounds.context_nats", -1, "bounds.context_nats"),
    ("bounds.ceiling_form", "magic", "bounds.ceiling_form"),
    ("bounds.catoni_lambda", 0, "bounds.catoni_lambda"),
    ("overlap", 3, "overlap"),
    ("overlap.mode", "sometimes", "overlap.mode"),
    ("overlap.max_raters", 0, "overlap.max_raters"),
    ("overlap.stop_rule", "majority", "overlap.stop_rule"),
    ("overlap.stop_threshold", 1.5, "overlap.stop_threshold"),
    ("overlap.extra_share", -0.1, "overlap.extra_share"),
    ("overlap.extra_raters", 101, "overlap.extra_raters"),
    ("gold", "yes", "gold"),
    ("gold.share", 0.6, "gold.share"),
    ("gold.authoring_cost", -1, "gold.authoring_cost"),
    ("gold.pool_size", 0, "gold.pool_size"),
    ("gold.false_flag_rate", 0, "gold.false_flag_rate"),
    ("provenance", "pilot.csv", "provenance"),
    ("provenance.0.source", "", "provenance.0.source"),
    ("provenance.0.method", "", "provenance.0.method"),
    ("provenance.0.fields", [1], "provenance.0.fields"),
    ("provenance.0.detail", "x" * 5_001, "provenance.0.detail"),
    ("provenance.0.created", "x" * 41, "provenance.0.created"),
]


def _schema_fields(model: type, prefix: str = "") -> list[str]:
    """Every field path of a pydantic model, list items addressed as ``.0``."""
    from typing import get_args

    from pydantic import BaseModel

    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        annotation = info.annotation
        inner = [a for a in get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths += _schema_fields(annotation, f"{path}.")
        elif inner:
            paths += _schema_fields(inner[0], f"{path}.0.")
    return paths


def test_every_schema_field_has_a_bad_value_case():
    assert sorted(_schema_fields(Scenario)) == sorted(path for path, _, _ in FIELD_CASES)


def _with_value(path: str, value: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE_SCENARIO))
    parts = path.split(".")
    node: Any = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[parts[-1]] = value
    return data


def test_the_base_of_the_field_cases_is_valid():
    assert scenario_from_dict(BASE_SCENARIO).name == "validated"


@pytest.mark.parametrize(("path", "bad_value", "mention"), FIELD_CASES, ids=[case[0] for case in FIELD_CASES])
def test_every_field_rejects_a_bad_value_and_nothing_is_written(store, path, bad_value, mention):
    before = snapshot(store)
    with pytest.raises(ScenarioValidationError) as caught:
        store.create(_with_value(path, bad_value))
    message = str(caught.value)
    assert mention in message, message
    top = path.split(".")[0]
    assert any(field.startswith(top) for field, _ in caught.value.problems), caught.value.problems
    assert snapshot(store) == before


def test_an_unknown_field_is_named(store):
    with pytest.raises(ScenarioValidationError, match=r"raters\.per_itme: unknown field"):
        store.create(_with_value("raters.per_itme", 3))
    assert store.count() == 0


def test_a_duplicate_name_is_rejected_naming_the_name_field(store):
    store.create(make_scenario("taken"))
    before = snapshot(store)
    with pytest.raises(ScenarioValidationError, match="name: a scenario named 'taken' already exists") as caught:
        store.create(make_scenario("taken", notes="another"))
    assert caught.value.problems[0][0] == "name"
    assert snapshot(store) == before


def test_create_many_is_all_or_nothing(store):
    store.create(make_scenario("exists"))
    with pytest.raises(ScenarioValidationError, match="'exists' already exists"):
        store.create_many([make_scenario("fresh 1"), make_scenario("exists"), make_scenario("fresh 2")])
    assert [s.name for s in store.list()] == ["exists"]
    with pytest.raises(ScenarioValidationError, match="more than once"):
        store.create_many([make_scenario("twin"), make_scenario("twin")])
    ids = store.create_many([make_scenario(f"bulk {i}") for i in range(5)])
    assert len(set(ids)) == 5 and store.count() == 6


# ------------------------------------------------------ revisions, history
def test_every_save_is_a_revision_with_a_summary_of_the_change(store):
    stored = store.create(make_scenario())
    second = store.save(stored.scenario.with_changes({"raters.per_item": 5}), stored_id=stored.id, base_revision=1)
    third = store.save(second.scenario.with_changes({"notes": "a much longer note that is edited " * 3}), stored_id=stored.id, base_revision=2)
    assert (second.revision, third.revision) == (2, 3)
    history = store.history("pairwise check")
    assert [r.revision for r in history] == [1, 2, 3]
    assert history[0].summary == "created"
    assert history[1].summary == "raters.per_item 3 → 5"
    assert history[2].summary == "notes edited"
    assert [r.content_hash for r in history] == [stored.scenario.content_hash(), second.scenario.content_hash(), third.scenario.content_hash()]
    assert history[0].created <= history[1].created <= history[2].created
    assert store.get_revision(stored.id, 2) == second.scenario
    current = store.get(stored.id)
    assert (current.revision, current.scenario) == (3, third.scenario)
    assert current.updated >= current.created and current.created.tzinfo is not None


def test_saving_unchanged_content_adds_no_revision(store):
    stored = store.create(make_scenario())
    again = store.save(make_scenario(), stored_id=stored.id, base_revision=1)
    assert again.revision == 1 and len(store.history(stored.id)) == 1


def test_restore_makes_a_new_revision_with_the_old_content(store):
    stored = store.create(make_scenario())
    store.save(stored.scenario.with_changes({"campaign.items": 777, "tags": ["changed"]}), stored_id=stored.id, base_revision=1)
    restored = store.restore("pairwise check", 1)
    assert restored.revision == 3
    assert restored.scenario == stored.scenario
    assert store.get(stored.id).scenario.to_dict() == stored.scenario.to_dict()
    assert store.history(stored.id)[-1].summary.startswith("restored revision 1: ")
    assert set(store.tags()) == {"test", "pairwise"}
    with pytest.raises(ScenarioNotFoundError, match="revision 9 does not exist: the revisions are 1 to 3"):
        store.restore(stored.id, 9)


def test_restore_keeps_the_current_name(store):
    stored = store.create(make_scenario("old name"))
    store.rename(stored.id, "new name")
    restored = store.restore("new name", 1)
    assert restored.name == "new name" and restored.scenario.name == "new name"
    assert restored.scenario.with_changes({"name": "old name"}) == stored.scenario


def test_a_stale_save_is_refused_and_nothing_is_lost(store, database_url):
    stored = store.create(make_scenario())
    other_window = ScenarioStore.open(database_url, seed=False)
    try:
        theirs = other_window.get(stored.id)
        mine = store.get(stored.id)
        won = other_window.save(theirs.scenario.with_changes({"raters.per_item": 7}), stored_id=stored.id, base_revision=theirs.revision)
        with pytest.raises(StaleRevisionError) as caught:
            store.save(mine.scenario.with_changes({"raters.per_item": 9}), stored_id=stored.id, base_revision=mine.revision)
        assert (caught.value.base_revision, caught.value.current_revision) == (1, 2)
        assert "based on revision 1, the stored one is revision 2" in str(caught.value)
        current = store.get(stored.id)
        assert current.revision == 2 and current.scenario == won.scenario
        assert len(store.history(stored.id)) == 2
    finally:
        other_window.close()


def test_rename_checks_the_new_name(store):
    first = store.create(make_scenario("first"))
    store.create(make_scenario("second"))
    with pytest.raises(ScenarioValidationError, match="'second' already exists"):
        store.rename(first.id, "second")
    with pytest.raises(ScenarioValidationError, match="name"):
        store.rename(first.id, "   ")
    renamed = store.rename(first.id, "third")
    assert (renamed.name, renamed.revision) == ("third", 2)
    assert store.history("third")[-1].summary == 'renamed: name "first" → "third"'
    with pytest.raises(ScenarioNotFoundError):
        store.get("first")


def test_a_save_that_renames_onto_a_taken_name_is_refused(store):
    store.create(make_scenario("kept"))
    mover = store.create(make_scenario("mover"))
    with pytest.raises(ScenarioValidationError, match="'kept' already exists"):
        store.save(mover.scenario.with_changes({"name": "kept"}), stored_id=mover.id, base_revision=1)
    assert store.get(mover.id).revision == 1


# ------------------------------------------------ delete, undelete, purge
def test_delete_is_undoable_and_purge_is_final(store):
    stored = store.create(make_scenario("doomed"))
    store.save(stored.scenario.with_changes({"raters.per_item": 2}), stored_id=stored.id, base_revision=1)
    assert store.delete("doomed") == stored.id
    assert store.count() == 0 and store.count(include_deleted=True) == 1
    assert store.list(include_deleted=True)[0].deleted
    assert store.tags() == []
    with pytest.raises(ScenarioNotFoundError):
        store.get("doomed")
    with pytest.raises(ScenarioNotFoundError):
        store.save(stored.scenario, stored_id=stored.id, base_revision=2)
    back = store.undelete(stored.id)
    assert (back.name, back.revision) == ("doomed", 2) and store.count() == 1
    store.purge(stored.id)
    assert store.count(include_deleted=True) == 0
    with pytest.raises(ScenarioNotFoundError):
        store.history(stored.id)
    with pytest.raises(ScenarioNotFoundError):
        store.purge(stored.id)
    assert store.check() == []  # no orphaned revisions or tag links


def test_a_deleted_name_can_be_reused_and_then_undelete_is_refused(store):
    old = store.create(make_scenario("reused"))
    store.delete(old.id)
    new = store.create(make_scenario("reused", notes="the new one"))
    assert new.id != old.id and store.get("reused").id == new.id
    with pytest.raises(ScenarioValidationError, match="'reused' already exists"):
        store.undelete(old.id)
    assert store.get(old.id, include_deleted=True).id == old.id


# ----------------------------------------------------------------- listing
def test_list_searches_filters_orders_and_pages(store):
    store.create(make_scenario("Alpha", notes="medical images", tags=["medical"]))
    store.create(make_scenario("beta", notes="100% sure_thing", tags=["search"]))
    store.create(make_scenario("Gamma", notes="", tags=["medical", "binary"]))
    assert [s.name for s in store.list(order_by="name", descending=False)] == ["Alpha", "beta", "Gamma"]
    assert [s.name for s in store.list(order_by="created")] == ["Gamma", "beta", "Alpha"]
    assert [s.name for s in store.list(search="MEDICAL", order_by="name", descending=False)] == ["Alpha", "Gamma"]
    assert [s.name for s in store.list(search="binary")] == ["Gamma"]  # found by tag
    assert [s.name for s in store.list(search="0% s")] == ["beta"]  # % is literal
    assert store.list(search="_") == store.list(search="sure_")  # _ is literal
    assert [s.name for s in store.list(tag="medical", order_by="name", descending=False)] == ["Alpha", "Gamma"]
    assert store.count(tag="medical") == 2 and store.count(search="zzz") == 0
    assert [s.name for s in store.list(order_by="name", descending=False, limit=1, offset=1)] == ["beta"]
    summary = store.list(search="Gamma")[0]
    assert summary.tags == ("binary", "medical") and summary.revision == 1 and summary.notes_excerpt == ""
    assert store.tags() == ["binary", "medical", "search"]
    with pytest.raises(ValueError, match="order_by must be one of"):
        store.list(order_by="size")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        store.list(limit=-1)


def test_list_shows_an_excerpt_of_long_notes(store):
    store.create(make_scenario("long", notes="word " * 500))
    excerpt = store.list()[0].notes_excerpt
    assert excerpt.endswith("…") and len(excerpt) <= 160


def test_get_by_id_by_other_case_and_with_suggestions(store):
    stored = store.create(make_scenario("RLHF preference"))
    store.create(make_scenario("Medical screening"))
    assert store.get(stored.id).name == "RLHF preference"
    assert store.get(str(stored.id)).name == "RLHF preference"
    assert store.get("rlhf PREFERENCE").id == stored.id
    with pytest.raises(ScenarioNotFoundError, match="did you mean 'RLHF preference'"):
        store.get("RLHF preferance")
    with pytest.raises(ScenarioNotFoundError, match="no stored scenario named 'nothing like it'"):
        store.get("nothing like it")


# ---------------------------------------------------- protocol and pilots
def test_exports_are_recorded_newest_first(store):
    first = store.record_export(what="report", scenario_names=["a"], fmt="PDF", path="/tmp/a.pdf", sha256="ab" * 32, detail={"pages": 3})
    second = store.record_export(what="csv", scenario_names=["a", "b"], fmt="csv", path="/tmp/b.csv", sha256="CD" * 32, detail={})
    records = store.list_exports()
    assert [r.id for r in records] == [second, first]
    assert records[1].fmt == "pdf" and records[1].detail == {"pages": 3} and records[0].scenario_names == ("a", "b")
    assert records[0].sha256 == "cd" * 32
    with pytest.raises(ValueError, match="sha256: must be 64 hexadecimal digits"):
        store.record_export(what="x", scenario_names=[], fmt="pdf", path="p", sha256="zz", detail={})
    with pytest.raises(ValueError, match="detail: must be JSON data"):
        store.record_export(what="x", scenario_names=[], fmt="pdf", path="p", sha256="a" * 64, detail={"bad": float("nan")})
    assert len(store.list_exports()) == 2


def test_pilots_keep_their_bytes_and_summary(store):
    raw = b"item,rater,label\n1,a,\xff\x00yes\n"
    pilot_id = store.add_pilot("pilot one", source="pilot.csv", content=raw, summary={"raters": 1, "kappa": 0.4})
    pilot = store.get_pilot("pilot one")
    assert (pilot.id, pilot.content, pilot.summary, pilot.source) == (pilot_id, raw, {"raters": 1, "kappa": 0.4}, "pilot.csv")
    assert store.get_pilot(pilot_id) == pilot
    with pytest.raises(ScenarioValidationError, match="'pilot one' already exists"):
        store.add_pilot("pilot one", source="x", content=b"", summary={})
    with pytest.raises(ScenarioNotFoundError, match="did you mean 'pilot one'"):
        store.get_pilot("pilot 1")
    store.add_pilot("pilot two", source="y", content=b"", summary={})
    assert [p.name for p in store.list_pilots()] == ["pilot two", "pilot one"]


# ------------------------------------------------------------------- check
def test_check_finds_nothing_on_a_sound_database_and_finds_tampering(store, database_url):
    stored = store.create(make_scenario("sound"))
    assert store.check() == []
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE scenario_revisions SET content_json = replace(content_json, 'made by', 'changed by') WHERE scenario_id = :id"),
                {"id": stored.id},
            )
            connection.execute(text("UPDATE scenarios SET notes = 'drifted' WHERE id = :id"), {"id": stored.id})
    finally:
        engine.dispose()
    problems = store.check()
    assert any("does not match its SHA-256" in p for p in problems), problems
    assert any("indexed name or notes differ" in p for p in problems), problems


# ------------------------------------------------------------ concurrency
WORKER = textwrap.dedent(
    """
    import json, pathlib, sys, time
    from advisor.errors import ScenarioValidationError, StaleRevisionError
    from advisor.storage.store import ScenarioStore

    url, worker, shared_id, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), pathlib.Path(sys.argv[5])
    store = ScenarioStore.open(url, seed=False)
    base = store.get(shared_id).scenario
    go.with_name(f"ready-{worker}").touch()  # imported and open: the test may start both at once
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    conflicts, revisions, won = 0, [], []
    for i in range(count):
        store.create(base.with_changes({"name": f"{worker}-{i}"}))
        try:
            store.create(base.with_changes({"name": f"contested-{i}"}))
            won.append(i)
        except ScenarioValidationError as error:
            assert "already exists" in str(error), error
        while True:
            current = store.get(shared_id)
            edited = current.scenario.with_changes({"notes": current.scenario.notes + f" {worker}:{i}"})
            try:
                saved = store.save(edited, stored_id=shared_id, base_revision=current.revision)
            except StaleRevisionError:
                conflicts += 1
                continue
            revisions.append(saved.revision)
            break
    store.close()
    print(json.dumps({"worker": worker, "conflicts": conflicts, "revisions": revisions, "won": won}))
    """
)


def test_two_processes_writing_at_once_lose_nothing(store, database_url, tmp_path):
    count = 25
    shared = store.create(make_scenario("shared", notes="log:"))
    go = tmp_path / "go"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, database_url, name, str(shared.id), str(count), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        )
        for name in ("A", "B")
    ]
    # Both import and open their store before the start signal (each says so with a file).
    ready = [tmp_path / f"ready-{name}" for name in ("A", "B")]
    deadline = time.monotonic() + 120
    while not all(path.exists() for path in ready):
        assert time.monotonic() < deadline and all(worker.poll() is None for worker in workers), \
            "a worker did not get ready: " + " | ".join(worker.stderr.read() for worker in workers if worker.poll() is not None)
        time.sleep(0.01)
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    final = store.get(shared.id)
    markers = final.scenario.notes.split()[1:]
    expected = {f"{w}:{i}" for w in "AB" for i in range(count)}
    assert sorted(markers) == sorted(expected), "an update was lost or applied twice"
    assert final.revision == 1 + 2 * count
    assert [r.revision for r in store.history(shared.id)] == list(range(1, 2 * count + 2))
    won_revisions = sorted(results[0]["revisions"] + results[1]["revisions"])
    assert won_revisions == list(range(2, 2 * count + 2))  # each revision won by exactly one writer
    names = {s.name for s in store.list(limit=1000)}
    assert {f"{w}-{i}" for w in "AB" for i in range(count)} <= names
    assert sorted(results[0]["won"] + results[1]["won"]) == list(range(count))  # each contested name created once
    assert store.count() == 1 + 2 * count + count
    assert store.check() == []


def test_describe_changes_lists_adds_removals_and_edits():
    before = make_scenario().to_dict()
    after = make_scenario(questions=[{"name": "better", "format": {"kind": "pairwise", "k": 3}}, {"name": "why", "format": {"kind": "binary"}}]).to_dict()
    text_ = describe_changes(before, after, limit=2)
    assert text_.startswith('questions.1.name = "why" added') and "more" in text_
    assert describe_changes(after, before).startswith("questions.1.name removed")
    assert describe_changes(before, before) == "no change"


RESTORER = textwrap.dedent(
    """
    import contextlib, io, json, pathlib, sys, time
    from advisor.cli import main

    url, scenario_id, revision, go = sys.argv[1], sys.argv[2], sys.argv[3], pathlib.Path(sys.argv[4])
    print("ready", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["--db", url, "restore", scenario_id, revision])
    print(json.dumps({"revision": int(revision), "status": status, "out": out.getvalue(), "err": err.getvalue()}))
    """
)
RESTORED = re.compile(r"^restored revision (\d+) of '.*' as revision (\d+)$")
NOTHING_TO_DO = re.compile(r"^'.*' revision (\d+) has the same content as the current revision (\d+); nothing to do$")


def test_concurrent_restores_each_report_the_revision_they_stored(store, database_url, tmp_path):
    """Eight `restore` commands at once, of three different revisions: every one
    that reports a new revision reports a different one, the history holds
    exactly those, and a restore that found nothing to do names a revision
    that has the content it asked for."""
    stored = store.create(make_scenario("restored", notes="first"))
    store.save(stored.scenario.with_changes({"notes": "second"}), stored_id=stored.id, base_revision=1)
    store.save(stored.scenario.with_changes({"notes": "third"}), stored_id=stored.id, base_revision=2)
    requested = [1, 2, 1, 2, 1, 3, 1, 2]
    go = tmp_path / "go"
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", RESTORER, database_url, str(stored.id), str(revision), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True, env=environment,
        )
        for revision in requested
    ]
    for worker in workers:  # all have imported the app before any starts
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    # No restore lost a race for good. On a loaded machine a restore may wait more than the quiet
    # second for a rival's lock and say so on stderr: that notice is the only stderr allowed.
    waiting = re.compile(r"^waiting up to [\d.]+ s for another process to release its lock on ")
    assert all(r["status"] == 0 for r in reports), reports
    assert all(waiting.match(line) for r in reports for line in r["err"].splitlines()), reports
    history = {r.revision: r for r in store.history(stored.id)}
    content_hash = {number: info.content_hash for number, info in history.items()}
    created = []
    for report in reports:
        line = report["out"].strip()
        if (restored := RESTORED.match(line)) is not None:
            asked, new = int(restored[1]), int(restored[2])
            assert asked == report["revision"]
            assert history[new].summary.startswith(f"restored revision {asked}: ")
            assert content_hash[new] == content_hash[asked]
            created.append(new)
        else:
            nothing = NOTHING_TO_DO.match(line)
            assert nothing is not None, line
            assert int(nothing[1]) == report["revision"]
            assert content_hash[int(nothing[2])] == content_hash[report["revision"]]
    assert len(created) == len(set(created)), f"two restores claimed one revision: {sorted(created)}"
    assert sorted(created) == sorted(number for number in history if number > 3)
    assert store.get(stored.id).revision == max(history)
    assert store.check() == []


def test_check_reports_what_the_schema_lacks_on_every_backend(store, database_url):
    store.create(make_scenario("kept"))
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE pilots"))
            connection.execute(text("DROP INDEX ix_scenarios_created"))
    finally:
        engine.dispose()
    assert store.check() == [
        "schema: table pilots is missing",
        "schema: index ix_scenarios_created on scenarios (created) is missing",
    ]
