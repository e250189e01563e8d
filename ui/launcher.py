"""The ``annotation-advisor`` entry point: the desktop app without arguments,
the command line (``advisor.cli``) with them. Qt is imported only for the app,
so the command line runs on machines without a display."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Open the app (no arguments) or run a command; returns the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments or (arguments[0] == "--db" and len(arguments) == 2):
        from ui.app import run_app

        return run_app(database=arguments[1] if arguments else None)
    from advisor.cli import main as cli_main

    return cli_main(arguments)


if __name__ == "__main__":
    sys.exit(main())
