"""The ``annotation-advisor`` command line.

Each group of subcommands lives in its own module with a ``register(subparsers)``
function that adds its parsers and sets ``handler`` (a callable taking the
parsed arguments and returning an exit status). Errors a user can cause are
printed as one line on standard error with exit status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from advisor.cli import common, compromise, designs, interfaces, pilot, recommend, report, scenarios
from advisor.allocator import keep_freed_memory
from advisor.errors import AdvisorError

COMMAND_MODULES = (scenarios, recommend, report, pilot, interfaces, compromise, designs)


class OneLineArgumentParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on standard error
    (exit status 2), like every other error of the command line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        common.fail(f"{self.prog}: {message} (see '{self.prog} --help')")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every subcommand."""
    parser = OneLineArgumentParser(
        prog="annotation-advisor",
        description="Plan human-annotation campaigns from the information capacity of the labeling interface. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {common.app_version()}")
    common.add_db_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    keep_freed_memory()
    parser = build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (AdvisorError, ValueError) as error:
        common.fail(str(error))
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        common.fail("interrupted")
        return 130
    finally:
        common.close_store(args)
