"""The docs keep up with the code: every Parquet column documented, every command in the README."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.output.store import SCHEMAS

ROOT = Path(__file__).resolve().parent.parent


def test_every_parquet_column_is_in_the_data_dictionary():
    text = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\w+)\n(.*?)(?=^## |\Z)", text, re.S | re.M))
    for table, schema in SCHEMAS.items():
        assert table in sections, f"table {table} missing from the data dictionary"
        documented = set(re.findall(r"^\| `(\w+)` \|", sections[table], re.M))
        assert documented == set(schema.names), f"{table}: {set(schema.names) ^ documented}"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    lines = [ln.strip() for ln in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()[:2]]
    assert lines == ['pip install -e . && python flows.py', 'pip install -e ".[test]" && pytest']
    assert lines[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_cli_command_is_in_the_readme():
    from pipeline.cli import _parser

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = _parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"workplans {name}" in readme, f"`workplans {name}` is not documented in the README"


def test_cli_help_runs():
    out = subprocess.run([sys.executable, str(ROOT / "flows.py"), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "extract" in out.stdout


def test_flows_is_the_top_floor_no_package_module_imports_it():
    """``flows.py`` calls the CLI and serve code; they never import it back (no import circle)."""
    import ast

    importers = []
    for package in ("pipeline", "extractors", "normalizers"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) else [])
                if "flows" in names:
                    importers.append(path.relative_to(ROOT).as_posix())
    assert importers == []


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"], ["--version"], ["export", "--help"],
                                  ["extract", "--no-such-option"]])
def test_help_version_and_a_wrong_option_never_import_prefect(args):
    """``workplans --help`` answers in a fraction of a second: Prefect (1-5 s to import) is not imported."""
    code = ("import sys, launcher\ncode = launcher.main(sys.argv[1:])\n"
            "print('IMPORTED' if 'prefect' in sys.modules or 'pyarrow' in sys.modules else 'LIGHT', code)")
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.splitlines()[-1] == f"LIGHT {2 if '--no-such-option' in args else 0}", run.stderr


def test_version_is_the_packages():
    from importlib.metadata import version

    run = subprocess.run([sys.executable, "-c", "import sys, launcher; sys.exit(launcher.main(['--version']))"],
                         capture_output=True, text=True, cwd=ROOT)
    assert (run.returncode, run.stdout) == (0, f"workplans {version('workplans')}\n")


def test_the_license_is_the_one_the_package_declares():
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]["text"]
    assert declared == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
