"""Benchmark: agency mentions resolved per second on the seeds' cells, and the one-off matcher build time."""

from __future__ import annotations

import argparse
import platform
import time

from normalizers.agencies import resolve_agencies
from normalizers.agency_lexicon import LANGS, lexicon
from pipeline.core.enums import Role
from tests.test_agencies import SEED_CELLS, UN_LANGUAGE_CELLS


def seed_cells() -> list[tuple[str, str, Role | None]]:
    """(lang, text, role) of every organisation-bearing seed cell (English) and the UN-language lines."""
    cells = [("en", text, Role(role) if role else None) for _, text, role, _ in SEED_CELLS]
    return cells + [(lang, text, Role(role) if role else None) for lang, text, role, _ in UN_LANGUAGE_CELLS]


def build_seconds(lang: str) -> float:
    """Seconds to build one language's tokenizer and matchers (``lexicon`` is cached, so clear it first).

    >>> build_seconds("en") > 0
    True
    """
    lexicon.cache_clear()
    start = time.perf_counter()
    lexicon(lang)
    return time.perf_counter() - start


def throughput(cells: list[tuple[str, str, Role | None]], rounds: int) -> tuple[int, int, float]:
    """Resolve every cell ``rounds`` times on warm matchers; returns (cells, mentions, seconds).

    >>> throughput([("en", "IOM/UNDP", Role.FUNDER)], 1)[:2]
    (1, 2)
    """
    for lang in {lang for lang, _, _ in cells}:
        lexicon(lang)  # warm: the first call builds the matcher
    n_cells = n_mentions = 0
    start = time.perf_counter()
    for _ in range(rounds):
        for lang, text, role in cells:
            n_mentions += len(resolve_agencies(text, lang, role))
            n_cells += 1
    return n_cells, n_mentions, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    """Print build times per language and warm throughput: ``python -m benchmarks.bench_agencies --rounds 20``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the cells (default 20)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    import spacy  # noqa: F401 - timed on purpose: part of the first call's cost

    spacy_import = time.perf_counter() - start
    first = {lang: build_seconds(lang) for lang in LANGS}  # first build also imports spacy.lang.<lang>
    rebuild = {lang: build_seconds(lang) for lang in LANGS}
    for lang in LANGS:
        lexicon(lang)

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"import spacy: {spacy_import:.2f} s")
    print("| lang | first build (s) | rebuild (s) |")
    print("|---|---|---|")
    for lang in LANGS:
        print(f"| {lang} | {first[lang]:.2f} | {rebuild[lang]:.2f} |")
    cells = seed_cells()
    en = [c for c in cells if c[0] == "en"]
    other = [c for c in cells if c[0] != "en"]
    print("| cells | cells resolved | mentions | seconds | mentions/s | cells/s |")
    print("|---|---|---|---|---|---|")
    for name, subset in (("seed cells (en)", en), ("UN-language lines", other), ("all", cells)):
        n_cells, n_mentions, seconds = throughput(subset, args.rounds)
        print(f"| {name} | {n_cells} | {n_mentions} | {seconds:.2f} | {n_mentions / seconds:,.0f} | "
              f"{n_cells / seconds:,.0f} |")


if __name__ == "__main__":
    main()
