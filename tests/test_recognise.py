"""The general recogniser's stages on small plans written as users write them (plain functions and
run_document), both ways: what must be found and what must not."""

from __future__ import annotations

from pathlib import Path

from pipeline.core.enums import BlockKind, Status
from pipeline.core.model import Block, Cell, Provenance, Row
from pipeline.outline import build_outline, text_box_blocks
from pipeline.recognise import recognise
from pipeline.run import run_document
from pipeline.table_candidates import _header_and_body, activity_parts, column_roles, part_ref
from pipeline.vocabulary import conditional_timing, lead_in_prose, names_section, section_role, split_field_line

FIXTURES = Path(__file__).parent / "fixtures"

PLAN_ES = """# Plan de acción 2021-2023

## Introducción

Este plan fue elaborado con la ciudadanía. Sus objetivos son claros.

## Compromisos

1. Publicar los datos abiertos de contratación pública.

   ¿Quién ejecuta? Departamento Nacional de Planeación (DNP)

   Otros actores involucrados: Ministerio de Hacienda y Crédito Público

   Contacto: Ana Pérez - ana@example.org

   - Portal de datos actualizado: T2 2022
   - Guía de uso publicada: por confirmar

2. Formar a los funcionarios en datos abiertos.

   ¿Quién ejecuta? DNP
"""


def _run(tmp_path: Path, name: str, text: str):
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    (raw / name).write_text(text, encoding="utf-8")
    return run_document(raw / name, raw)


def test_numbered_commitments_with_label_lines_in_spanish(tmp_path):
    result = _run(tmp_path, "plan.md", PLAN_ES)
    assert result.status is Status.SUCCESS and result.language == "es"
    texts = [(i.ref, i.text, i.method) for i in result.items]
    assert texts == [
        ("1", "Publicar los datos abiertos de contratación pública.", "list_item"),
        (None, "Portal de datos actualizado: T2 2022", "list_item"),  # as printed, its date read as its timeline
        (None, "Guía de uso publicada: por confirmar", "list_item"),
        ("2", "Formar a los funcionarios en datos abiertos.", "list_item"),
    ]
    first = result.items[0]
    roles = {(lead.agency_text, lead.role) for lead in result.leads if lead.item_id == first.item_id}
    assert ("Departamento Nacional de Planeación (DNP)", "lead") in roles
    assert ("Ministerio de Hacienda y Crédito Público", "partner") in roles  # other actors are not leads
    assert not [r for r in roles if r[1] == "lead" and "Ministerio" in r[0]]
    portal, guide = result.items[1], result.items[2]
    assert (portal.parent_id, portal.timeline_text) == (first.item_id, "T2 2022")
    (tbc,) = [t for t in result.timelines if t.item_id == guide.item_id]
    assert (tbc.text, tbc.tbc, tbc.start) == ("por confirmar", True, None)
    # the introduction's sentences and the contact person are no work items
    assert not [i for i in result.items if "ciudadanía" in i.text or "Ana" in i.text]


def test_document_without_items_is_partial(tmp_path):
    result = _run(tmp_path, "notes.md", "# Notes\n\nWe met on Tuesday. Nothing was decided.\n")
    assert result.status is Status.PARTIAL and result.items == []
    assert [w.error_type for w in result.warnings] == ["no_items"]


def test_slide_text_box_title_bullets_and_wrapped_lines():
    box = Block(BlockKind.TABLE, rows=(Row((Cell("Roadmap 2025\n● Build the thing\nacross teams\n○ First part\n"
                                                 "○ (and a bracket)"),)),))
    blocks = text_box_blocks(box)
    assert [(b.kind.value, b.level, b.text) for b in blocks] == [
        ("heading", 9, "Roadmap 2025"),
        ("list_item", 0, "Build the thing across teams"),
        ("list_item", 1, "First part (and a bracket)"),
    ]
    kept = recognise(build_outline(blocks))
    assert [(c.text, c.timeline) for c in kept] == [("Build the thing across teams", "2025"),
                                                    ("First part (and a bracket)", "2025")]


def test_column_roles_from_header_words_and_cell_contents():
    header = Row((Cell("Key Activities"), Cell("Expected Deliverable"), Cell("Deadline"), Cell("Lead Entity"),
                  Cell("Status")))
    body = [Row((Cell("Train staff"), Cell("Report"), Cell("Q2 2024"), Cell("UNDP"), Cell("Ongoing")))]
    assert column_roles(header, body) == {0: "activity", 1: "deliverable", 2: "timeline", 3: "lead", 4: "other"}
    # no header words at all: the dates column is the timeline, the longest text the item
    body = [Row((Cell("Q1 2025"), Cell("Publish the annual report on migration data"))),
            Row((Cell("Q3 2025"), Cell("Hold the regional consultation with member states")))]
    assert column_roles(None, body) == {0: "timeline", 1: "activity"}


def test_vocabulary_helpers():
    assert section_role("Deliverables") == 1 and section_role("Background") == -1
    assert section_role("Entregables") == 1 and section_role("Contexte") == -1
    assert names_section("Expected results") and not names_section("SPARQL 1.2 Service Description")
    assert split_field_line("Lead = Vishal") == ("lead", "Lead", "Vishal")
    assert split_field_line("Design/PM = Graven") == ("other", "Design/PM", "Graven")
    assert split_field_line("Calendrier : T2 2021") == ("timeline", "Calendrier", "T2 2021")
    assert split_field_line("Support Member States in the review") is None
    assert lead_in_prose("The Packaging SIG is in charge of this project.") == "Packaging SIG"
    assert lead_in_prose("Managed by Collector SIG, the Collector needs a roadmap.") == "Collector SIG"
    assert lead_in_prose("Ce plan est piloté par la DINUM et ses partenaires.") == "DINUM"
    assert lead_in_prose("We will publish the guide.") is None
    assert lead_in_prose("此项工作由秘书处主导。") == "秘书处"  # "led by the Secretariat"
    assert lead_in_prose("N尚未确定，由 邱吉 主管后续通过性能数据决定。") == "邱吉"
    assert lead_in_prose("项目主管会议将于三月举行。") is None  # "主管" as a noun (a manager), no one leads
    assert conditional_timing("helm chart when the Operator becomes v1.0") == "when the Operator becomes v1.0"
    assert conditional_timing("Publish the guide") is None


def test_a_header_in_capitals_of_unknown_words_and_codes_of_units():
    """A layout's header row in capitals is a header whatever its words; under it, with no column named, a column of
    unit codes names the owners; a code column under a header in words ("Extension of": DPP) is no owner."""
    header = Row((Cell("TEMA\n(em ordem de prioridade)"), Cell("ATIVIDADES"), Cell("META/PRAZO"), Cell("UNIDADE")))
    body = [Row((Cell("Dados do orçamento"), Cell("1) Seleção da base de dados\n2) Publicação dos dados"),
                 Cell("DISPONÍVEL"), Cell("SOF"))),
            Row((Cell("Dados das empresas estatais"), Cell("1) Seleção da base\n2) Conferência dos dados"),
                 Cell("Nov/2016"), Cell("SE/DTI (suporte)")))]
    assert _header_and_body([header, *body])[0] is header
    assert column_roles(header, body)[3] == "lead"
    worded = Row((Cell("Credential"), Cell("Description"), Cell("Extension of")))
    typed = [Row((Cell("Copper Passport"), Cell("Quality of copper concentrate"), Cell("DPP"))),
             Row((Cell("Mine-site credential"), Cell("Mine-site sustainability"), Cell("DCC")))]
    assert column_roles(worded, typed)[2] != "lead"
    # priority levels in capitals are no owners, nor a state
    assert column_roles(None, [Row((Cell("Publish the annual report on data"), Cell("HIGH"))),
                               Row((Cell("Hold the regional consultation"), Cell("LOW")))])[1] != "lead"
    assert activity_parts("1) Seleção da base de dados e\nextração a partir do SIOP;\n2) Conferência dos Dados;") \
        == ["1) Seleção da base de dados e extração a partir do SIOP;", "2) Conferência dos Dados;"]
    assert activity_parts("2021 budget\nfor the team") == ["2021 budget for the team"]
    assert part_ref("2) Conferência dos Dados;") == ("2", "Conferência dos Dados;")


def test_a_pdf_table_headed_in_capitals_gives_one_item_per_counted_line_with_its_unit(tmp_path):
    """Two pages of a ministry's open-data plan (CC0, see tests/fixtures/README.md): a table whose header words the
    vocabulary does not know (Portuguese), numbered activities in one cell, the responsible unit as a code."""
    result = run_document(FIXTURES / "brasil_pda_2016_2017_pages_16_17_pt.pdf", FIXTURES)
    rows = [(i.page, i.ref, i.text, i.timeline_text, [lead.text for lead in i.leads]) for i in result.items]
    assert (1, "1", "Catálogo com os dados dos atributos do PPA em formato aberto", "Nov/2016*", []) in rows
    assert (2, "3", "Conferência dos Dados;", None, ["DEST"]) in rows
    assert sum(1 for r in rows if r[4] == ["SOF"]) == 8  # two rows of four counted activities each
    assert not any(r[2].startswith(("1)", "2)")) for r in rows)  # no cell left whole


def test_a_remark_after_a_sub_list_does_not_end_the_activities_label():
    text = ("Activities:\n\nOrganise three peer learning events:\n\n- one event on child detention\n"
            "- one event on transit settings\n\nThey will also serve to support regional networks.\n\n"
            "- Support submissions under the fund.\n- Liaise with the Hub on practices.\n")
    nodes = build_outline([Block(BlockKind.PARAGRAPH if not line.startswith("- ") else BlockKind.LIST_ITEM,
                                 line.removeprefix("- "), Provenance(1, k), marker="-" if line.startswith("- ")
                                 else None) for k, line in enumerate(p for p in text.split("\n") if p.strip())])
    label = nodes[0].index
    assert [n.intro for n in nodes if n.text.startswith(("Support", "Liaise"))] == [label, label]


PLAN_SCHEDULE = """# Open data implementation plan

## Actions

Action 1: The Records Office will publish an inventory of the city's datasets.

Action 2: Departments will name their data coordinators.

## Schedule

Within 30 days:

- Director names the Chief Data Officer and the members of the committee

Within 90 days:

- Chief Data Officer publishes the first summary update to the committee

## Roadmap

| Phase | Timeline | Tasks |
|---|---|---|
| Initial discussions | May - September 2024 | <ul><li>Hold the first group meetings.</li><li>Share it.</li></ul> |
| Writing | October - December 2024 | <ul><li>Draft the whitepaper chapters.</li></ul> |
"""


def test_committing_labels_relative_lead_ins_and_phase_rows(tmp_path):
    result = _run(tmp_path, "plan.md", PLAN_SCHEDULE)
    by_text = {i.text: i for i in result.items}
    leads = {(lead.item_id, lead.agency_text) for lead in result.leads}
    # a label line whose sentence commits a body: that body leads it
    action = by_text["The Records Office will publish an inventory of the city's datasets."]
    assert (action.item_id, "Records Office") in leads
    # a lead-in that is a span from the plan's start dates its list, though it names no calendar date
    assert by_text["Director names the Chief Data Officer and the members of the committee"].timeline_text \
        == "Within 30 days"
    assert by_text["Chief Data Officer publishes the first summary update to the committee"].timeline_text \
        == "Within 90 days"
    # a phase over the tasks of its row carries the row's period, as its tasks do
    assert by_text["Initial discussions"].timeline_text == "May - September 2024"
    assert by_text["Hold the first group meetings."].timeline_text == "May - September 2024"
    assert by_text["Writing"].timeline_text == "October - December 2024"
    # the lead-ins themselves are no items
    assert "Within 30 days" not in by_text and "Within 30 days:" not in by_text


def test_a_heading_of_the_same_lettered_series_is_a_sibling_whatever_its_type_size():
    """"Annex B" printed smaller than "Annex A" closes it: what follows is no longer under the results framework."""
    blocks = [Block(BlockKind.HEADING, "Project proposal", level=1),
              Block(BlockKind.HEADING, "Annex A: Results Framework", level=2),
              Block(BlockKind.PARAGRAPH, "Outcome 1 and its indicators."),
              Block(BlockKind.HEADING, "Annex B: Timeline", level=4),
              Block(BlockKind.PARAGRAPH, "Steering Group meetings: Q1 2020 - Q1 2022."),
              Block(BlockKind.HEADING, "Annex B.1: Detail", level=3)]
    nodes = build_outline(blocks)
    annex_b = next(n for n in nodes if n.text.startswith("Annex B:"))
    assert annex_b.headings == (0,) and annex_b.level == 2
    assert nodes[-2].headings == (0, annex_b.index)
    assert nodes[-1].headings == (0, annex_b.index)  # "B.1" is no letter of the series: under B, as printed


ROADMAP_FEATURES = """# Roadmap

## 2021 H1

### Core framework

#### Edge list-watch

- Support the list-watch interface at the edge.

#### Custom message channel

- Support custom messages between cloud and edge.

#### Third-party CNI integration

- Official integration of the flannel and calico plugins.

#### Ingress gateway at the edge

### Security

#### Complete the vulnerability scan
"""


def test_bare_headings_at_a_level_of_features_are_items(tmp_path):
    """Headings at the level whose headings mostly head their own bullets are features too when they have none; the
    headings over them are sections (a roadmap written as heading levels)."""
    result = _run(tmp_path, "roadmap.md", ROADMAP_FEATURES)
    texts = {i.text for i in result.items}
    assert {"Ingress gateway at the edge", "Complete the vulnerability scan", "Edge list-watch",
            "Support the list-watch interface at the edge."} <= texts
    assert "Roadmap" not in texts and "2021 H1" not in texts


def test_work_verbs_and_pointing_back_in_six_languages():
    from pipeline.decision import anaphoric, opens_with_work_verb

    assert all(opens_with_work_verb(t) for t in ["Add a cache layer", "Developing the guide", "Élaboration d'un guide",
                                                 "Разработка плана", "اضافة طبقة cache", "完善中文文档",
                                                 "Puesta en marcha del portal"])
    assert not any(opens_with_work_verb(t) for t in ["Background of the plan", "The Secretariat will", "2021 H1"])
    assert all(anaphoric(t) for t in ["They will also serve", "Ils seront publiés", "它们将", "Они будут"])
    assert not any(anaphoric(t) for t in ["IT systems upgrade", "This work package will", "Thematic areas"])
