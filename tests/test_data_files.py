"""Every file in normalizers/data loads, and none has a duplicate key, id or alias."""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA_DIR = Path(__file__).resolve().parent.parent / "normalizers" / "data"
DATA_FILES = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and not p.name.startswith("."))
ALIAS_COLUMN = re.compile(r"^(name|acronym|alias)", re.IGNORECASE)  # columns holding names that map to the id
ALIAS_SEPARATOR = "|"


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a mapping with the same key twice (PyYAML keeps the last silently)."""


def _construct_unique_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_yaml_strict(text: str) -> Any:
    """Parse YAML, raising on a duplicate mapping key at any depth."""
    return yaml.load(text, Loader=UniqueKeyLoader)  # a SafeLoader subclass


def _reject_duplicate_json_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ValueError(f"duplicate keys {dupes}")
    return dict(pairs)


def alias_key(value: str) -> str:
    """How two spellings of one alias compare: case, width, accents, hyphens and blanks do not count."""
    text = unicodedata.normalize("NFKC", value).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(re.sub(r"[-‐‑‒–—_«»\"“”]", " ", text).split())


def csv_problems(path: Path) -> list[str]:
    """Duplicate or empty ids (first column), ragged rows, and aliases that point at two ids."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    problems: list[str] = []
    if not header:
        return [f"{path.name}: no header"]
    if len(set(header)) != len(header):
        problems.append(f"{path.name}: repeated column names {header}")
    id_col = header[0]
    ids = [row[id_col] for row in rows]
    problems += [f"{path.name} line {i + 2}: empty {id_col}" for i, v in enumerate(ids) if not (v or "").strip()]
    repeated = sorted(v for v in set(ids) if ids.count(v) > 1)
    problems += [f"{path.name}: {id_col} {v!r} appears {ids.count(v)} times" for v in repeated]
    owner: dict[str, str] = {}
    for i, row in enumerate(rows):
        if None in row or any(v is None for v in row.values()):
            problems.append(f"{path.name} line {i + 2}: wrong number of fields")
            continue
        for col in (c for c in header if ALIAS_COLUMN.match(c)):
            values = [v.strip() for v in row[col].split(ALIAS_SEPARATOR) if v.strip()]
            if len({alias_key(v) for v in values}) != len(values):
                problems.append(f"{path.name} line {i + 2}: {col} lists one alias twice: {values}")
            for value in values:
                key = alias_key(value)
                if owner.setdefault(key, row[id_col]) != row[id_col]:
                    problems.append(f"{path.name}: alias {value!r} of {row[id_col]!r} already names {owner[key]!r}")
    return problems


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(DATA_DIR)))
def test_data_file_loads_without_duplicates(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        assert load_yaml_strict(text) is not None, f"{path.name} is empty"
    elif suffix == ".csv":
        assert csv_problems(path) == []
    elif suffix == ".json":
        json.loads(text, object_pairs_hook=_reject_duplicate_json_keys)


def test_data_directory_is_not_empty() -> None:
    assert any(p.suffix == ".csv" for p in DATA_FILES) and any(p.suffix == ".yaml" for p in DATA_FILES)


def test_strict_yaml_loader_rejects_a_duplicate_key_at_any_depth() -> None:
    assert load_yaml_strict("en:\n  months: {jan: 1}\nfr:\n  months: {jan: 1}\n") == {
        "en": {"months": {"jan": 1}}, "fr": {"months": {"jan": 1}}}
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'jan'"):
        load_yaml_strict("en:\n  months:\n    jan: 1\n    feb: 2\n    jan: 3\n")
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'en'"):
        load_yaml_strict("en: {}\nfr: {}\nen: {}\n")


def test_csv_check_finds_duplicate_ids_and_shared_aliases(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("agency_id,acronym,aliases_en\nIOM,IOM,\nIOM,OIM,\nILO,ILO,Iom\n", encoding="utf-8")
    assert csv_problems(bad) == [
        "bad.csv: agency_id 'IOM' appears 2 times",
        "bad.csv: alias 'Iom' of 'ILO' already names 'IOM'",
    ]


SIX = ("ar", "zh", "en", "fr", "ru", "es")
SCRIPTS = {"ar": r"[\u0600-\u06ff]", "zh": r"[\u4e00-\u9fff]", "ru": r"[\u0400-\u04ff]",
           "en": r"^[\x00-\x7f]+$", "fr": r"[A-Za-zÀ-ÿœ]", "es": r"[A-Za-zÀ-ÿ]"}
# the structure vocabulary given per language: every group must name every language
STRUCTURE_GROUPS = [
    *(("column_roles", key) for key in ("output", "priority_area", "activity", "deliverable", "milestone", "timeline",
                                        "lead", "funding", "other")),
    *(("lead_labels", key) for key in ("co-lead", "lead", "member", "chair", "co-chair")),
    *(("field_labels", key) for key in ("timeline", "lead", "co-lead", "partner", "contact", "note")),
    ("status_words", None),
]


@pytest.mark.parametrize(("group", "key"), STRUCTURE_GROUPS, ids=lambda v: str(v))
def test_structure_vocabulary_names_all_six_languages(group: str, key: str | None) -> None:
    data = load_yaml_strict((DATA_DIR / "labels.yaml").read_text(encoding="utf-8"))
    words = data[group] if key is None else data[group][key]
    assert sorted(words) == sorted(SIX)
    for lang in SIX:
        assert words[lang], f"{group} {key}: no {lang} entry"
        off = [w for w in words[lang] if not re.search(SCRIPTS[lang], str(w))]
        assert off == [], f"{group} {key} {lang}: {off} are not written in that language's script"


def test_status_words_and_labels_of_each_language():
    from pipeline.labels import classify, in_list
    from pipeline.vocabulary import field_of

    assert [in_list(w, "status_words") for w in ("Ongoing", "En cours", "En ejecución", "Выполняется",
                                                  "قيد التنفيذ", "进行中", "Delivery of the guide")] == [
        True, True, True, True, True, True, False]
    assert [field_of(w) for w in ("Status", "État d'avancement", "Estado de avance", "Ход выполнения",
                                  "حالة التنفيذ", "进展情况")] == ["note"] * 6
    assert [classify(w, "column_roles", prefix=True) for w in ("PRODUCTOS", "Entregables", "Сроки выполнения",
                                                                "الموعد النهائي", "截止日期", "Calendrier prévu")] == [
        "output", "deliverable", "timeline", "timeline", "timeline", "timeline"]
