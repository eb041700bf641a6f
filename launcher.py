"""The ``workplans`` command: its arguments are read before Prefect is imported, so ``--help``, ``--version`` and
a mistyped option answer at once; then ``flows.main`` runs the command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workplans`` console script: ``main(["--version"])`` prints ``workplans 0.1.0``."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] in (["extract"], ["serve"], ["export"], ["-h"], ["--help"], ["--version"]):
        from pipeline.cli import _parser

        try:
            parsed = _parser().parse_args(args)  # prints the help, the version or a one-line error and exits
        except SystemExit as e:
            return e.code if isinstance(e.code, int) else 0
        if parsed.command == "export":  # needs no flow: Prefect is never imported
            from pipeline.cli import main as cli_main

            return cli_main(args, None)
    from flows import main as flows_main

    return flows_main(args)


if __name__ == "__main__":
    sys.exit(main())
