"""The import graph has no cycle, checked independently of import-linter.

import-linter's ``acyclic_siblings`` contract (``make test`` runs it first)
looks for cycles between sibling packages; this test builds the module graph
with grimp (every import, including those inside functions) and runs Tarjan's
strongly-connected-components algorithm over it: a component of more than one
module is a cycle, whatever the packages involved.
"""

from __future__ import annotations

import grimp


def strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (the graph is deep enough to exhaust recursion)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index_of:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index_of:
                    index_of[successor] = low[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index_of[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_tarjan_finds_a_planted_cycle_and_nothing_in_a_chain():
    chain = {"a": {"b"}, "b": {"c"}, "c": set()}
    assert all(len(component) == 1 for component in strongly_connected_components(chain))
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert sorted(map(len, strongly_connected_components(planted))) == [1, 3]


def test_no_import_cycle_in_ui_advisor_or_models():
    imports = grimp.build_graph("ui", "advisor", "models")
    graph = {module: set(imports.find_modules_directly_imported_by(module)) & imports.modules for module in imports.modules}
    assert len(graph) > 90, "the graph should hold every module of the three packages"
    cycles = [component for component in strongly_connected_components(graph) if len(component) > 1]
    assert cycles == []


def test_nats_per_bit_is_written_out_twice_at_most():
    """Information is converted between nats and bits through ``models.info.LN2`` in the numerics and
    ``advisor.units.LN2`` in the front ends (which must not load the numerics to import it): no other
    module of the app or its benchmarks writes ln 2."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    written = re.compile(r"\b(?:math|np|numpy)\.log\(\s*2(?:\.0*)?\s*\)")
    places = [f"{path.relative_to(root).as_posix()}:{number}"
              for folder in ("advisor", "ui", "models", "bench", "scripts")
              for path in sorted((root / folder).rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
              if written.search(line)]
    assert sorted(place.split(":")[0] for place in places) == ["advisor/units.py", "models/info.py"], places
    import advisor.units
    import models.info

    assert advisor.units.LN2 == models.info.LN2


def test_only_the_file_dialogs_module_makes_qt_file_dialogs():
    """Qt's file dialog reads the files it lists (their icons and types), which drops the process's
    SQLite locks on the database's write-ahead log; ``ui.core.file_dialogs`` lists them by name."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    places = sorted(path.relative_to(root).as_posix() for path in (root / "ui").rglob("*.py")
                    if "QFileDialog" in path.read_text(encoding="utf-8"))
    assert places == ["ui/core/file_dialogs.py"], places
