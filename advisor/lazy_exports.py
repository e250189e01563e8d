"""Names a package re-exports from its modules, loaded on first use (PEP 562).

A package whose modules load heavy dependencies (the numerics of calibration, matplotlib and
reportlab for reports) can still offer ``from advisor.pilot import read_pilot``: the package
maps each public name to the module that holds it and imports that module only when the name is
first asked for. The command line imports such packages for every command and pays nothing for
the names it does not use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of a package that re-exports lazily.

    Parameters
    ----------
    package
        The package's dotted name (``__name__`` in its ``__init__``).
    homes
        Each re-exported name and the submodule of ``package`` that holds it.

    Returns
    -------
    (getattr, dir)
        Assign them to the package's ``__getattr__`` and ``__dir__``.
    """
    module = importlib.import_module(package)

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{home}"), name)

    def __dir__() -> list[str]:
        return sorted(set(vars(module)) | set(homes))

    return __getattr__, __dir__
