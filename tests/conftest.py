"""Test set-up shared by every tier.

Qt must never find a display or touch the user's files: the platform is set to
offscreen before any Qt import, and every path the app would write to points
into a temporary folder for the whole session.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ANNOTATION_ADVISOR_NO_OPEN", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

_session_home = Path(tempfile.mkdtemp(prefix="annotation-advisor-tests-"))
for _variable, _folder in (
    ("ANNOTATION_ADVISOR_DATA_DIR", "data"),
    ("ANNOTATION_ADVISOR_CONFIG_DIR", "config"),
):
    os.environ.setdefault(_variable, str(_session_home / _folder))
os.environ.setdefault("ANNOTATION_ADVISOR_DB", f"sqlite:///{_session_home / 'default.db'}")

# As the app and the command line do: freed memory is kept for the next arrays.
from advisor.allocator import keep_freed_memory  # noqa: E402 - after the environment above

keep_freed_memory()

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
"""The shared data folder lies beside the checkout (as in CI)."""


@pytest.fixture(scope="session")
def new_database_file(tmp_path_factory):
    """``put(target, seed=True) -> target``: the SQLite file ``ScenarioStore.open`` makes for a new
    database (migrated to the newest schema; seeded with the examples unless ``seed`` is false), put at
    ``target``. Each kind is made once per worker by the store itself, closed, and copied after:
    migrating and seeding a new file takes about 50 ms, a copy well under 1. The tests of making a
    database open a new path themselves (tests/advisor/test_store.py, test_store_paths.py)."""
    made: dict[bool, Path] = {}

    def put(target: Path, seed: bool = True) -> Path:
        if seed not in made:
            from advisor.storage.store import ScenarioStore

            path = tmp_path_factory.mktemp("new-database") / "new.sqlite"
            ScenarioStore.open(path, seed=seed).close()
            made[seed] = path
        shutil.copyfile(made[seed], target)
        return target

    return put


def pytest_addoption(parser):
    parser.addoption("--all-seeds", action="store_true", default=False,
                     help="also run the validation of the real pilots over seeds 0-4 (several minutes; "
                          "`make validate`)")


def pytest_collection_modifyitems(config, items):
    # The real pilots' validation over five seeds repeats the seed-0 protocol (which always runs)
    # four more times: minutes of CPU that `make test` leaves to `make validate`.
    if config.getoption("--all-seeds"):
        return
    skip = pytest.mark.skip(reason="the validation over seeds 0-4 runs with --all-seeds (make validate)")
    for item in items:
        if "seeds" in item.keywords:
            item.add_marker(skip)


SAME_WORKER_AFTER = {"tests/advisor/test_report.py": "tests/advisor/test_optimize.py"}
"""Test files that run on the same worker as another, after it: the report tests' full reports ask
the optimiser for the searches that test_optimize.py's examples ran, and the optimiser keeps them
(``advisor.planning.optimize.RESULT_CACHE_SIZE``), so they are not searched twice."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    # `make test` distributes whole files (--dist loadfile); this keeps that and joins the files above.
    if config.getoption("dist", None) != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return SAME_WORKER_AFTER.get(path, path)

    return FilesTogether(config, log)


def pytest_collection_finish(session):
    # Every imported package, test module and test function lives for the whole session; in the
    # permanent generation the collector's full passes skip them (about 400,000 objects in a
    # worker by the end, 200-300 ms a pass, some 35 passes: 8-9 s of each worker's time).
    import gc

    gc.freeze()
    # A full pass only after 100 (not 10) passes of the middle generation: the objects the tests
    # make and drop are mostly freed by their reference counts, and the cycles among them wait a
    # little longer. Measured over the whole suite: time in the collector 6.6 / 7.2 s → 2.5 /
    # 2.9 s per worker, full passes 5.0 / 5.6 s → 0.6 / 1.1 s.
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)
