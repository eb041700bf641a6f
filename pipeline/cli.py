"""Command line: ``workplans extract RAW_DIR --out OUT_DIR`` and ``workplans serve``."""

from __future__ import annotations

import argparse
import sys

from pipeline.environment import prepare_prefect


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workplans", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    ext = sub.add_parser("extract", help="extract every workplan in RAW_DIR into Parquet tables in OUT_DIR")
    ext.add_argument("raw_dir", nargs="?", default="raw")
    ext.add_argument("--out", default="output", help="output folder (default: output)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``workplans`` console script; returns the process exit code."""
    args = _parser().parse_args(argv)
    prepare_prefect()
    if args.command == "extract":
        from flows import extract_workplans

        try:
            report = extract_workplans(raw_dir=args.raw_dir, out_dir=args.out)
        except FileNotFoundError as e:
            print(f"workplans: {e}", file=sys.stderr)
            return 2
        print(report.summary_line())
        print(f"Parquet tables and run_report.md written to {args.out}/")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
