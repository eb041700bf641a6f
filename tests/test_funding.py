"""Funders against organisations only named, on every prose funding cell of the seeds and in other languages."""

from __future__ import annotations

import pytest

from normalizers import resolve_agencies, split_funders
from pipeline.core.enums import Role


def _split(text: str, lang: str = "en") -> tuple[list[str], list[str]]:
    funders, named = split_funders(text, resolve_agencies(text, lang, Role.FUNDER), lang)
    return [m.agency_id or m.text for m in funders], [m.agency_id or m.text for m in named]


# (cell as printed in the seeds, funders, only named); ids for organisations, text for groups
SEED_CELLS = [
    ("IOM/UNDP", ["IOM", "UNDP"], []),
    ("Task Force Co-Chairs, ITC-ILO, JMDI", ["Task Force Co-Chairs", "ITC-ILO", "JMDI"], []),
    ("GMG Chair (UNU) and members’ staff costs", ["UNU", "members"], []),
    ("GMG WG on Migration Mainstreaming and GMG staff costs", ["GMG WG on Migration Mainstreaming", "GMG"], []),
    ("IOM and ILO to further define", ["IOM", "ILO"], []),
    ("Significant research and capacity-building work will be carried out by UNU", ["UNU"], []),
    ("UNESCO in collaboration with other interested Task Force agencies", ["UNESCO"], ["Task Force agencies"]),
    ("ILO in collaboration with UN Women and other interested Task Force agencies", ["ILO"],
     ["UN-Women", "Task Force agencies"]),
    ("IOM in consultation with Task Force agencies e.g. WHO, ILO, UNHCR, OHCHR, WB and other members of the group "
     "with a special interest in (or in part of) the areas listed\nN.B. There are also synergies with the work taking "
     "place under the auspices of the KNOMAD Thematic Working Group on migrant rights and social aspects of migration",
     ["IOM"], ["Task Force agencies", "WHO", "ILO", "UNHCR", "OHCHR", "World-Bank", "members of the group",
               "KNOMAD Thematic Working Group on migrant rights and social aspects of migration"]),
    ("ILO has already earmarked some funds for this activity GMG agencies are invited to contribute good practices",
     ["ILO"], ["GMG agencies"]),
    ("ILO is earmarking funds for this activity. IOM and ILO-ITC will coordinate inputs to this activity\n"
     "GMG agencies will be invited to contribute in-kind by assisting in the trainings and/or in providing materials",
     ["ILO", "IOM", "ITC-ILO", "GMG agencies"], []),
    ("The initiative will be funded by the ILO A number of GMG agencies (e.g. IOM, UNODC, OHCHR, World Bank) will be "
     "invited to participate in the meeting", ["ILO"], ["GMG agencies", "IOM", "UNODC", "OHCHR", "World-Bank"]),
    ("Completion of this activity is linked to the broader work on the GMG migration guidance being undertaken under "
     "the auspices of the Working Group on Mainstreaming Migration into National Development Strategies, co-chaired "
     "by UNDP and IOM", [],
     ["GMG", "Working Group on Mainstreaming Migration into National Development Strategies", "UNDP", "IOM"]),
    ("Task Force member agencies contribute and participate in the GFMD preparatory and thematic meetings and Summit "
     "at their own cost\nILO in collaboration with other interested Task Force agencies",
     ["Task Force member agencies", "ILO"], ["GFMD", "Task Force agencies"]),
    ("To be produced by the ILO. Task Force members will be asked to participate in the Peer Review Process",
     ["ILO", "Task Force members"], []),
]

OTHER_LANGUAGES = [
    ("fr", "OIM en consultation avec les agences du Réseau, p. ex. OMS, OIT et HCR", ["IOM"],
     ["WHO", "ILO", "UNHCR"]),
    ("fr", "Financé par le PNUD ; l’UNICEF participe à la coordination", ["UNDP", "UNICEF"], []),
    ("fr", "Les membres participent à la réunion du FMMD à leurs frais", ["membres"], ["GFMD"]),
    ("es", "OIM en colaboración con ONU Mujeres y la OIT", ["IOM"], ["UN-Women", "ILO"]),
    ("es", "Financiado por el PNUD", ["UNDP"], []),
    ("ru", "МОМ в сотрудничестве с МОТ и УВКБ ООН", ["IOM"], ["ILO", "UNHCR"]),
]


@pytest.mark.parametrize(("text", "funders", "named"), SEED_CELLS, ids=[c[0][:40] for c in SEED_CELLS])
def test_seed_funding_cells(text, funders, named):
    assert _split(text) == (funders, named)


@pytest.mark.parametrize(("lang", "text", "funders", "named"), OTHER_LANGUAGES,
                         ids=[c[1][:40] for c in OTHER_LANGUAGES])
def test_funding_cells_in_other_languages(lang, text, funders, named):
    assert _split(text, lang) == (funders, named)


def test_language_without_funding_cues_keeps_every_name_a_funder():
    text = "国际移民组织与国际劳工组织合作"  # IOM in cooperation with ILO: no zh cue words, nothing dropped
    funders, named = _split(text, "zh")
    assert funders == ["IOM", "ILO"] and named == []


def test_every_mention_lands_on_exactly_one_side():
    for text, _, _ in SEED_CELLS:
        mentions = resolve_agencies(text, "en", Role.FUNDER)
        funders, named = split_funders(text, mentions, "en")
        assert sorted(map(id, funders + named)) == sorted(map(id, mentions))
        assert all(text[m.start:m.end] == m.text for m in mentions)
