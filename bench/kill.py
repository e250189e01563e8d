"""Kill test of the SQLite store: SIGKILL during saves, restores and backups loses
nothing that was acknowledged, and the database checks clean after every kill.

Each round forks two writer processes on one database. Each opens the store and
loops over saves (new notes for one shared scenario, unique per save),
restores of a random earlier revision, and backups beside the database. Before
a call a writer reports the operation, and after the call *returns* (the
transaction committed) it reports an acknowledgement with the revision and its
SHA-256, unbuffered on a pipe. The bench kills both writers with SIGKILL at
random moments, then opens the database itself and verifies:

* every acknowledged revision is stored with the acknowledged hash (else it was
  lost), and every acknowledged backup passes the inspection every open makes
  (SQLite header, ``quick_check``, our tables, a known schema revision);
* ``ScenarioStore.check()`` (``integrity_check``, foreign keys, the schema's
  shape, every revision's hash) finds nothing;
* no ``.partial`` file of a killed backup is left after that open.

Run: ``python bench/kill.py [--kills 240] [--seed 17]``. Prints the counts and
exits with status 1 when anything was lost or a check failed. POSIX only
(``fork`` and ``SIGKILL``).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from advisor.errors import DatabaseError, StaleRevisionError  # noqa: E402
from advisor.scenario.schema import examples_dir, load_scenario_file  # noqa: E402
from advisor.storage.backups import PARTIAL_PATTERN  # noqa: E402
from advisor.storage.sqlite_files import inspect_sqlite_file  # noqa: E402
from advisor.storage.store import ScenarioStore  # noqa: E402

WRITERS_PER_ROUND = 2
KILLS_PER_DATABASE = 40
"""A fresh database every so many kills, so that the full check after each kill stays quick."""
KILL_AFTER_S = (0.01, 0.3)
"""Each writer is killed after a uniformly random time in this range (seconds) once it has opened the store."""


# ------------------------------------------------------------------ writer
def _writer(database: Path, scenario_id: int, out: int, seed: int) -> None:
    """A child process: save, restore and back up until killed; report on file descriptor ``out``."""
    rng = random.Random(seed)

    def say(line: str) -> None:
        os.write(out, (line + "\n").encode())

    store = ScenarioStore.open(database, seed=False)
    say("ready")
    number = 0
    while True:
        number += 1
        kind = rng.choices(["save", "restore", "backup"], weights=[70, 22, 8])[0]
        say(f"op {kind}")
        try:
            if kind == "save":
                current = store.get(scenario_id)
                # Unique content per save, of constant size (the whole JSON is stored per revision).
                edited = current.scenario.with_changes({"notes": f"log: writer {os.getpid()}, save {number}"})
                saved = store.save(edited, stored_id=scenario_id, base_revision=current.revision)
                say(f"ack save {saved.revision} {saved.scenario.content_hash()}")
            elif kind == "restore":
                newest = store.get(scenario_id).revision
                restored = store.restore(scenario_id, rng.randint(1, newest))
                if restored.wrote_revision:
                    say(f"ack restore {restored.revision} {restored.scenario.content_hash()}")
                else:
                    say("ack unchanged")
            else:
                target = database.with_name(f"{database.stem}.backup-kill-{os.getpid()}-{number}.sqlite")
                say(f"ack backup {store.backup(target)}")
        except StaleRevisionError:
            say("ack stale")  # the other writer saved first; nothing was written


# ------------------------------------------------------------------ parent
@dataclass
class Figures:
    kills: int = 0
    in_flight: Counter = field(default_factory=Counter)
    acknowledged: Counter = field(default_factory=Counter)
    lost: int = 0
    bad_backups: int = 0
    checks: int = 0
    check_failures: int = 0
    partials_before_open: int = 0
    partials_after_open: int = 0
    problems: list[str] = field(default_factory=list)


def _start_writer(database: Path, scenario_id: int, seed: int) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the parent's code
        os.close(read_end)
        status = 0
        try:
            _writer(database, scenario_id, write_end, seed)
        except BaseException as error:  # reported to the parent, which counts it as a problem
            os.write(write_end, f"\nerror {type(error).__name__}: {' '.join(str(error).split())}\n".encode())
            status = 3
        os._exit(status)
    os.close(write_end)
    return pid, read_end


def _read_line(descriptor: int) -> str:
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(descriptor, 1)
        if not chunk:
            break
        data += chunk
    return data.decode().strip()


def _read_all(descriptor: int) -> list[str]:
    chunks = []
    while chunk := os.read(descriptor, 65536):
        chunks.append(chunk)
    os.close(descriptor)
    return b"".join(chunks).decode().splitlines()


def _round(database: Path, scenario_id: int, rng: random.Random, acked: dict[int, str], figures: Figures) -> None:
    """Start the writers, then kill them one by one, verifying the database after each kill."""
    writers = [_start_writer(database, scenario_id, rng.randrange(2**32)) for _ in range(WRITERS_PER_ROUND)]
    for pid, descriptor in writers:
        if _read_line(descriptor) != "ready":
            raise SystemExit(f"kill bench: writer {pid} did not start")
    deadlines = sorted(rng.uniform(*KILL_AFTER_S) for _ in writers)
    started = time.monotonic()
    killed: set[int] = set()
    for (pid, descriptor), deadline in zip(writers, deadlines):
        time.sleep(max(0.0, deadline - (time.monotonic() - started)))
        os.kill(pid, signal.SIGKILL)
        lines = _read_all(descriptor)
        _, status = os.waitpid(pid, 0)
        killed.add(pid)
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            errors = [line for line in lines if line.startswith("error ")]
            figures.problems.append(f"writer {pid} ended on its own (status {status}): {errors[-1:] or 'no message'}")
        figures.kills += 1
        steps = [line for line in lines if line.startswith(("op ", "ack "))]
        last = steps[-1] if steps else ""
        figures.in_flight[last.split()[1] if last.startswith("op ") else "between calls"] += 1
        backups: list[Path] = []
        for line in steps:
            parts = line.split()
            if parts[0] != "ack":
                continue
            figures.acknowledged[parts[1]] += 1
            if parts[1] in ("save", "restore"):
                revision, content_hash = int(parts[2]), parts[3]
                if acked.setdefault(revision, content_hash) != content_hash:
                    figures.problems.append(f"revision {revision} acknowledged twice with different content")
            elif parts[1] == "backup":
                backups.append(Path(parts[2]))
        # The other writer may still be running: the checks read a consistent
        # snapshot, and only partial files of killed writers count as stale.
        _verify(database, scenario_id, acked, backups, killed, figures)
    for leftover in database.parent.glob(f"{database.stem}.backup-kill-*.sqlite"):
        leftover.unlink()  # whole backups a kill stopped before their acknowledgement


def _verify(
    database: Path, scenario_id: int, acked: dict[int, str], backups: list[Path], killed: set[int], figures: Figures
) -> None:
    def stale_partials() -> int:
        return sum(
            1 for p in database.parent.iterdir() if (m := PARTIAL_PATTERN.match(p.name)) and not m["sidecar"] and int(m["pid"]) in killed
        )

    figures.partials_before_open += stale_partials()
    with ScenarioStore.open(database, seed=False) as store:
        figures.partials_after_open += stale_partials()
        stored = {info.revision: info.content_hash for info in store.history(scenario_id)}
        lost = [revision for revision, content_hash in acked.items() if stored.get(revision) != content_hash]
        figures.lost += len(lost)
        if lost:
            figures.problems.append(f"acknowledged revisions lost: {sorted(lost)[:10]}")
        figures.checks += 1
        problems = store.check()
        if problems:
            figures.check_failures += 1
            figures.problems.append(f"db check after kill {figures.kills}: {problems[:3]}")
    for backup in backups:
        # The quick inspection every open makes: header, quick_check, our tables, known schema.
        try:
            if inspect_sqlite_file(backup) is None:
                raise DatabaseError("it is empty")
        except DatabaseError as error:
            figures.bad_backups += 1
            figures.problems.append(f"acknowledged backup {backup.name} does not open: {error}")
        for path in (backup, *(backup.with_name(backup.name + s) for s in ("-wal", "-shm"))):
            path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=240, help="SIGKILLs in all (default 240)")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    if not hasattr(os, "fork"):
        print("kill bench: needs fork and SIGKILL (POSIX)", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    figures = Figures()
    started = time.monotonic()
    rounds = -(-args.kills // WRITERS_PER_ROUND)
    first = load_scenario_file(sorted(examples_dir().glob("*.json"))[0]).with_changes({"name": "kill target", "notes": "log:"})
    with tempfile.TemporaryDirectory(prefix="advisor-kill-") as folder:
        os.environ["ANNOTATION_ADVISOR_DATA_DIR"] = folder
        for number in range(rounds):
            if number % (KILLS_PER_DATABASE // WRITERS_PER_ROUND) == 0:
                database = Path(folder) / f"part-{number}" / "scenarios.sqlite"
                with ScenarioStore.open(database, seed=False) as store:
                    scenario_id = store.create(first).id
                acked = {1: first.content_hash()}
            _round(database, scenario_id, rng, acked, figures)
    elapsed = time.monotonic() - started

    flight = ", ".join(f"{kind} {count}" for kind, count in figures.in_flight.most_common())
    acks = figures.acknowledged
    print(f"kill bench: {figures.kills} SIGKILLs in {rounds} rounds of {WRITERS_PER_ROUND} writers "
          f"(a fresh database every {KILLS_PER_DATABASE} kills), {elapsed:.1f} s")
    print(f"  in flight when killed: {flight}")
    print(f"  acknowledged writes: {acks['save'] + acks['restore']:,} revisions ({acks['save']:,} saves, {acks['restore']:,} restores), "
          f"{acks['backup']:,} backups; {acks['unchanged']:,} restores with nothing to change, {acks['stale']:,} stale saves refused")
    print(f"  lost acknowledged revisions: {figures.lost}")
    print(f"  acknowledged backups that fail the open's inspection: {figures.bad_backups}")
    print(f"  db check failures: {figures.check_failures} of {figures.checks} checks (one after each kill)")
    print(f"  partial backup files: {figures.partials_before_open} left by killed backups, "
          f"{figures.partials_after_open} still there after the next open")
    for problem in figures.problems[:20]:
        print(f"  problem: {problem}")
    failed = figures.lost or figures.bad_backups or figures.check_failures or figures.partials_after_open or figures.problems
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
