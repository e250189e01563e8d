"""Write ``schema_0001.sqlite``: a small database of schema revision 0001.

It is made by this app's own migration 0001 (not by hand), holds two
scenarios (one with two revisions, tags on both) and is committed, so that a
test can check that every later version still opens, migrates and reads it.
``schema_0001.expected.json`` holds what the test must find. Run once per new
schema revision, from the repository root::

    python tests/data/make_schema_0001.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from advisor.storage import migrations  # noqa: E402
from advisor.scenario.schema import scenario_from_dict  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = HERE / "schema_0001.sqlite"
EXPECTED = HERE / "schema_0001.expected.json"

BINARY_CHECK = {
    "schema_version": 1,
    "name": "Legacy binary spam check",
    "notes": "Stored by schema 0001; one question, default raters.",
    "tags": ["legacy", "binary"],
    "questions": [{"name": "spam", "format": {"kind": "binary"}}],
    "campaign": {"items": 2000, "seconds_per_item": 12, "wage_per_hour": 14},
}
LIKERT_FIRST = {
    "schema_version": 1,
    "name": "Legacy Likert rubric",
    "notes": "Stored by schema 0001 and edited once.",
    "tags": ["legacy", "likert"],
    "questions": [{"name": "quality", "format": {"kind": "ordinal", "k": 5}}],
    "raters": {"per_item": 2},
}
LIKERT_SECOND = {**LIKERT_FIRST, "raters": {"per_item": 3}, "tags": ["legacy", "likert", "edited"]}


def _as_stored(data: dict) -> tuple[str, str]:
    """The JSON text and hash the app writes for a scenario (every field, defaults filled in)."""
    scenario = scenario_from_dict(data)
    return scenario.to_json(indent=None), scenario.content_hash()


def main() -> None:
    DATABASE.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{DATABASE}")
    with engine.begin() as connection:
        migrations.upgrade(connection, "0001")
        tags = sorted({tag for data in (BINARY_CHECK, LIKERT_SECOND) for tag in data["tags"]})
        for number, tag in enumerate(tags, start=1):
            connection.execute(text("INSERT INTO tags (id, name) VALUES (:id, :name)"), {"id": number, "name": tag})
        tag_ids = {tag: number for number, tag in enumerate(tags, start=1)}
        stored = [
            (1, [BINARY_CHECK], ["2024-03-01 09:00:00.000000"]),
            (2, [LIKERT_FIRST, LIKERT_SECOND], ["2024-03-02 10:00:00.000000", "2024-03-05 16:30:00.000000"]),
        ]
        for scenario_id, revisions, times in stored:
            current = revisions[-1]
            connection.execute(
                text(
                    "INSERT INTO scenarios (id, name, notes, revision, created, updated) "
                    "VALUES (:id, :name, :notes, :revision, :created, :updated)"
                ),
                {"id": scenario_id, "name": current["name"], "notes": current["notes"], "revision": len(revisions),
                 "created": times[0], "updated": times[-1]},
            )
            for number, (data, when) in enumerate(zip(revisions, times), start=1):
                connection.execute(
                    text(
                        "INSERT INTO scenario_revisions (scenario_id, revision, content_json, content_hash, "
                        "schema_version, summary, created) VALUES (:sid, :rev, :json, :hash, 1, :summary, :created)"
                    ),
                    {"sid": scenario_id, "rev": number, "json": _as_stored(data)[0], "hash": _as_stored(data)[1],
                     "summary": "created" if number == 1 else "raters.per_item 2 → 3", "created": when},
                )
            for tag in current["tags"]:
                connection.execute(
                    text("INSERT INTO scenario_tags (scenario_id, tag_id) VALUES (:sid, :tid)"),
                    {"sid": scenario_id, "tid": tag_ids[tag]},
                )
    engine.dispose()
    EXPECTED.write_text(
        json.dumps({"current": [BINARY_CHECK, LIKERT_SECOND], "history": {LIKERT_FIRST["name"]: [LIKERT_FIRST, LIKERT_SECOND]},
                    "hashes": {LIKERT_FIRST["name"]: [_as_stored(LIKERT_FIRST)[1], _as_stored(LIKERT_SECOND)[1]],
                               BINARY_CHECK["name"]: [_as_stored(BINARY_CHECK)[1]]}},
                   indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {DATABASE} ({DATABASE.stat().st_size} bytes) and {EXPECTED.name}")


if __name__ == "__main__":
    main()
