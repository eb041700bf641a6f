"""The floors of the house (docs/architecture.md): every import of the project's own modules, read with ``ast``
(inside functions too), goes to the same floor or one below, and no modules import each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "extractors", "normalizers")
TOP_MODULES = ("flows", "launcher")

# From the ground up; a module is on the floor of the longest name below that is it or holds it.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ground", ("pipeline.core",)),  # the record model: document model, records, enums, errors
    ("tools", ("extractors", "normalizers")),  # one format to the document model; one phrase or name to a value
    # the rest of pipeline/: reading structure (outline, candidates, recogniser, assembly, normalisation) and
    # run.py, one document end to end; planned: pipeline/reading/
    ("reading", ("pipeline",)),
    ("output", ("pipeline.output",)),  # records to Parquet, snapshots, report, exports
    # orchestration, command line, serving, worker processes, results cache; planned: pipeline/running/
    ("running", ("pipeline.cli", "pipeline.orchestration", "pipeline.local_server", "pipeline.isolation",
                 "pipeline.cache", "pipeline.worker_base", "flows", "launcher")),
)


def module_files() -> dict[str, Path]:
    """Every module of the project by dotted name: ``"pipeline.core.records"`` -> its file."""
    found = {name: ROOT / f"{name}.py" for name in TOP_MODULES}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "fixtures" in path.parts or "__pycache__" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The project's modules that ``name`` imports anywhere in its file (``from a import b`` is ``a.b`` when that
    is a module, else ``a``; relative imports resolved)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # "pipeline.core.enums.Role" -> "pipeline.core.enums"
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def floor_of(module: str, floors: tuple[tuple[str, tuple[str, ...]], ...] = FLOORS) -> int:
    """The floor's number (0: ground) of the longest prefix naming ``module``: ``floor_of("pipeline.core.enums")``
    -> 0, ``floor_of("pipeline.cli")`` -> 4, ``floor_of("pipeline.recognise")`` -> 2."""
    best, number = -1, None
    for n, (_, prefixes) in enumerate(floors):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, number = len(prefix), n
    if number is None:
        raise LookupError(f"{module} is on no floor: add it to FLOORS")
    return number


def upward_imports(graph: dict[str, set[str]], floors: tuple = FLOORS) -> list[str]:
    """Each import from a lower floor to a higher one, as ``"a (floor) -> b (floor)"``."""
    names = [name for name, _ in floors]
    return sorted(f"{a} ({names[floor_of(a, floors)]}) -> {b} ({names[floor_of(b, floors)]})"
                  for a, targets in graph.items() for b in targets if floor_of(b, floors) > floor_of(a, floors))


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other in a circle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:  # v roots a component: it is what the stack holds from v up
            group = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_no_import_goes_up_a_floor():
    assert upward_imports(import_graph()) == []


def test_no_modules_import_each_other_in_a_circle():
    assert circles(import_graph()) == []


def test_every_floor_names_modules_that_exist_and_every_module_has_a_floor():
    graph = import_graph()
    for _, prefixes in FLOORS:
        for prefix in prefixes:
            assert any(m == prefix or m.startswith(prefix + ".") for m in graph), f"{prefix}: no such module"
    assert {floor_of(m) for m in graph} == set(range(len(FLOORS)))
    assert {m for m in graph if floor_of(m) == 0} == {
        "pipeline.core", "pipeline.core.enums", "pipeline.core.errors", "pipeline.core.model", "pipeline.core.records"}


def test_the_ground_floor_imports_nothing_of_the_project_but_itself():
    graph = import_graph()
    ground = {m for m in graph if floor_of(m) == 0}
    assert {t for m in ground for t in graph[m]} <= ground


def test_the_checks_fail_on_an_upward_import_and_on_a_circle():
    """The two checks can fail: an extractor importing the command line, three modules in a ring."""
    graph = {"extractors.pdf": {"pipeline.core.model", "pipeline.cli"}, "pipeline.core.model": set(),
             "pipeline.cli": set(), "pipeline.a": {"pipeline.b"}, "pipeline.b": {"pipeline.c"},
             "pipeline.c": {"pipeline.a"}}
    assert upward_imports(graph) == ["extractors.pdf (tools) -> pipeline.cli (running)"]
    assert circles(graph) == [["pipeline.a", "pipeline.b", "pipeline.c"]]


def test_imports_are_read_inside_functions_and_relative_ones_resolved(tmp_path):
    source = tmp_path / "x.py"
    source.write_text("def f():\n    from pipeline.output import store\n\nfrom . import enums\nimport flows\n")
    modules = {"pipeline.output", "pipeline.output.store", "pipeline.core.enums", "pipeline.core.x", "flows"}
    assert imports_of("pipeline.core.x", source, modules) == {"pipeline.output.store", "pipeline.core.enums", "flows"}
