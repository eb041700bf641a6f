"""Agency resolution on every organisation-bearing cell of the seeds, on UN-language editions, and the data file."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from normalizers.agencies import STEPS, agency_table, resolve_agencies, unresolved
from normalizers.agency_lexicon import (
    LANGS,
    TABLE_COLUMNS,
    agency_rows,
    agency_terms,
    alias_entries,
    fold,
    fold_phrase,
    lexicon,
    spelling_variants,
)
from normalizers.agency_steps import (
    CellText,
    Hit,
    absorb_owner_into_group,
    apply_cues,
    attach_parentheses,
    make_cell,
    match_known,
    merge_same_agency,
)
from normalizers.agency_unknowns import add_unknown
from pipeline.core.enums import Role
from pipeline.core.records import AgencyMention

L, CL, M, CH, CC, P, F = "lead", "co-lead", "member", "chair", "co-chair", "proposed", "funder"


def g(text: str) -> str:
    """Expected key of a group mention: its printed text."""
    return f"group:{text}"


def u(text: str) -> str:
    """Expected key of an organisation that is not in agencies.csv."""
    return f"?{text}"


def key(m: AgencyMention) -> str:
    if m.is_group:
        return g(m.text)
    return m.agency_id or u(m.text)


def resolved(text: str, lang: str = "en", role: str | None = None) -> list[tuple[str, str | None]]:
    mentions = resolve_agencies(text, lang, Role(role) if role else None)
    return [(key(m), m.role.value if m.role else None) for m in mentions]


# --- Long cells, exactly as the pipeline passes them (tests/expected conventions: <br> and line breaks -> one space).
CWG21_MEMBERS = (
    "ILO, OHCHR, UNHCR, UNITAR, UNODC, UNU, WHO, ACT Alliance; Action Committee represented by Migrant Forum in "
    "Asia; International Organization of Employers (IOE); Overseas Development Institute (OD)I; Development "
    "Center, Organisation for Economic Co-operation and Development (OECD); United Cities and Local Governments "
    "(UCLG)."
)
CWG22_MEMBERS = (
    "ILO, UNHCR, UNITAR, UNODC, WHO, UNU, ACT Alliance; Action Committee represented by Alianza Americas and "
    "Platform for International Cooperation for Undocumented Migrants (PICUM); Global Alliance of National Human "
    "Rights Institutions (GANHRI); International Organization of Employers (IOE); Development Center, Organisation "
    "for Economic Co-operation and Development (OECD); Quaker United Nations Office (QUNO); United Cities and Local "
    "Governments (UCLG)."
)
WS5_MEMBERS = (
    "Caritas International, IOM, International Trade Union Confederation (ITUC), Public Services International "
    "(PSI), UNCTAD"
)
WS6_MEMBERS = (
    "ACT Alliance; Action Committee represented by Alianza Americas, Platform for International Cooperation for "
    "Undocumented Migrants (PICUM), Migrant Forum in Asia; Global Alliance of National Human Rights Institutions "
    "(GANHRI); Global Research Forum on Diaspora & Transnationalism; IFAD; International Organization of Employers "
    "(IOE); ILO; Mayors Mechanism; Overseas Development Institute (ODI); Development Centre, Organisation for "
    "Economic Co-operation and Development (OECD); Quaker United Nations Office (QUNO); United Cities and Local "
    "Governments (UCLG); UNHCR; UNITAR; UNODC; UNU"
)
WG6_MEMBERS = "IOM, FAO, UNICEF, UNDP, UNAIDS, OHCHR, ILO, UN Women, UNFPA, PSI, UCLG"
ICRC_FOOTNOTE = (
    "¹The ICRC's co-lead role is limited to the actionable recommendations on strengthening cooperation on missing "
    "migrants and deliverables."
)
LEAD_WITH_GROUP = (
    "GMG Chair (UN Women) GMG agencies co-organizing preparatory events and submissions for the Roundtable sessions"
)
LEAD_TWO_WGS = (
    "Task Force co-Chairs and Working Group on mainstreaming migration into national development strategies co-Chairs"
)
FUND_HEALTH = (
    "IOM in consultation with Task Force agencies e.g. WHO, ILO, UNHCR, OHCHR, WB and other members of the group "
    "with a special interest in (or in part of) the areas listed N.B. There are also synergies with the work taking "
    "place under the auspices of the KNOMAD Thematic Working Group on migrant rights and social aspects of "
    "migration, which has been developing human rights indicators for migrants and their families, including in "
    "the area of the right to health"
)
FUND_GFMD = (
    "Task Force member agencies contribute and participate in the GFMD preparatory and thematic meetings and Summit "
    "at their own cost"
)
FUND_ACADEMY = (
    "ILO is earmarking funds for this activity. IOM and ILO-ITC will coordinate inputs to this activity GMG "
    "agencies will be invited to contribute in-kind by assisting in the trainings and/or in providing materials"
)
FUND_ACADEMY_2017 = FUND_ACADEMY.replace("in-kind by assisting", "in-kind in assisting")
FUND_RECRUITMENT = (
    "The initiative will be funded by the ILO A number of GMG agencies (e.g. IOM, UNODC, OHCHR, World Bank) will be "
    "invited to participate in the meeting"
)
FUND_NEXUS = (
    "Completion of this activity is linked to the broader work on the GMG migration guidance being undertaken under "
    "the auspices of the Working Group on Mainstreaming Migration into National Development Strategies, co-chaired "
    "by UNDP and IOM"
)
FUND_SDG = (
    "IOM and ILO to liaise on the harmonisation of the decent work indicators for SDG target 8.8 with the "
    "indicators for SDG target 10.7"
)
KNOMAD_WG = "KNOMAD Thematic Working Group on migrant rights and social aspects of migration"
NEXUS_WG = "Working Group on Mainstreaming Migration into National Development Strategies"
TWO_WG_SECOND = "Working Group on mainstreaming migration into national development strategies co-Chairs"

CWG21 = [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M), ("WHO", M),
         ("ACT-Alliance", M), ("MFA", M), ("IOE", M), ("ODI", M), ("OECD", M), ("UCLG", M)]
CWG22 = [("ILO", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("WHO", M), ("UNU", M), ("ACT-Alliance", M),
         ("Alianza-Americas", M), ("PICUM", M), ("GANHRI", M), ("IOE", M), ("OECD", M),
         ("QUNO", M), ("UCLG", M)]
WS5 = [("Caritas", M), ("IOM", M), ("ITUC", M), ("PSI", M), ("UNCTAD", M)]
WS6 = [("ACT-Alliance", M), ("Alianza-Americas", M), ("PICUM", M), ("MFA", M),
       ("GANHRI", M), ("GRFDT", M), ("IFAD", M), ("IOE", M), ("ILO", M), ("Mayors-Mechanism", M), ("ODI", M),
       ("OECD", M), ("QUNO", M), ("UCLG", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M)]
WG6 = [("IOM", M), ("FAO", M), ("UNICEF", M), ("UNDP", M), ("UNAIDS", M), ("OHCHR", M), ("ILO", M),
       ("UN-Women", M), ("UNFPA", M), ("PSI", M), ("UCLG", M)]

# (seed, cell or line as printed, role the cell gives, expected [(agency id | group | ?unknown, role)])
SEED_CELLS = [
    # gmg_workplan_2010.txt: the "Chairmanship:" line, as a cell and as the whole line
    ("2010", "UNDP (1st semester) and OHCHR (2nd semester)", CH, [("UNDP", CH), ("OHCHR", CH)]),
    ("2010", "Chairmanship: UNDP (1st semester) and OHCHR (2nd semester)", None, [("UNDP", CH), ("OHCHR", CH)]),
    # wg6_services_access_draft_2019.txt: "Leads:", "Working group members:", REQUIRED RESOURCES
    ("wg6", "WHO, UN-Habitat (proposed)", L, [("WHO", L), ("UN-Habitat", P)]),
    ("wg6", "Leads: WHO, UN-Habitat (proposed)", None, [("WHO", L), ("UN-Habitat", P)]),
    ("wg6", WG6_MEMBERS, M, WG6),
    ("wg6", "Working group members: " + WG6_MEMBERS, None, WG6),
    ("wg6", "Technical and Admin support for WG6 secretariat (WHO/UN-Habitat)", F,
     [(g("WG6 secretariat"), F), ("WHO", F), ("UN-Habitat", F)]),
    # un_network_workplan_2021_2022_webpage.txt: Core Working Groups 2.1 and 2.2
    ("2021", "IOM, UNDP", CL, [("IOM", CL), ("UNDP", CL)]),
    ("2021", "Co-leads: IOM, UNDP", None, [("IOM", CL), ("UNDP", CL)]),
    ("2021", CWG21_MEMBERS, M, CWG21),
    ("2021", "Members: " + CWG21_MEMBERS, None, CWG21),
    ("2021", "IOM, OHCHR, UNDP", CL, [("IOM", CL), ("OHCHR", CL), ("UNDP", CL)]),
    ("2021", "Co-leads: IOM, OHCHR, UNDP", None, [("IOM", CL), ("OHCHR", CL), ("UNDP", CL)]),
    ("2021", CWG22_MEMBERS, M, CWG22),
    ("2021", "Members: " + CWG22_MEMBERS, None, CWG22),
    # un_network_workplan_2022_2024_pdftext.txt: workstreams 5 and 6, the ICRC footnote
    ("2022", "ILO, UNDP", CL, [("ILO", CL), ("UNDP", CL)]),
    ("2022", "Co-leads\tILO, UNDP", None, [("ILO", CL), ("UNDP", CL)]),
    ("2022", WS5_MEMBERS, M, WS5),
    ("2022", "Members\t" + WS5_MEMBERS, None, WS5),
    ("2022", "Co-leads\n\nIOM, OHCHR, UNDP", None, [("IOM", CL), ("OHCHR", CL), ("UNDP", CL)]),
    ("2022", WS6_MEMBERS, M, WS6),
    ("2022", "Members\n\n" + WS6_MEMBERS, None, WS6),
    ("2022", ICRC_FOOTNOTE, CL, [("ICRC", CL)]),
    # gmg_multi_annual_workplan_2016_2018.md: every distinct Lead cell
    ("2016", "GMG Chair (UN Women)", L, [("UN-Women", CH)]),
    ("2016", LEAD_WITH_GROUP, L, [("UN-Women", CH), (g("GMG agencies"), L)]),
    ("2016", "GMG Chair (UN Women) and WGs and TFs", L, [("UN-Women", CH), (g("WGs and TFs"), L)]),
    ("2016", "GMG Chair and co-Chairs of WGs and TFs", L, [(g("GMG Chair"), CH), (g("co-Chairs of WGs and TFs"), CC)]),
    ("2016", "WG co-Chairs", L, [(g("WG co-Chairs"), CC)]),
    ("2016", "IOM", L, [("IOM", L)]),
    ("2016", "UNU", L, [("UNU", L)]),
    ("2016", "TBC", L, []),
    ("2016", "ILO", L, [("ILO", L)]),
    ("2016", LEAD_TWO_WGS, L, [(g("Task Force co-Chairs"), CC), (g(TWO_WG_SECOND), CC)]),
    ("2016", "Task Force co-Chairs", L, [(g("Task Force co-Chairs"), CC)]),
    ("2016", "Task Force co-\nChairs", L, [(g("Task Force co-\nChairs"), CC)]),
    ("2016", "UNESCO", L, [("UNESCO", L)]),
    ("2016", "ILO and UN Women", L, [("ILO", L), ("UN-Women", L)]),
    ("2016", "UN Women", L, [("UN-Women", L)]),
    ("2016", "ILO and UNHCR", L, [("ILO", L), ("UNHCR", L)]),
    ("2016", "ILO and\nUNHCR", L, [("ILO", L), ("UNHCR", L)]),
    ("2016", "CDTF", L, [(g("CDTF"), L)]),
    ("2016", "GMG Chair (UNU)", L, [("UNU", CH)]),
    ("2016", "GMG Chair (UNU), IOM and UNFPA", L, [("UNU", CH), ("IOM", L), ("UNFPA", L)]),
    ("2016", "GMG Chair (UNU) and members", L, [("UNU", CH), (g("members"), L)]),
    ("2016", "WG co-Chairs and members", L, [(g("WG co-Chairs"), CC), (g("members"), L)]),
    ("2016", "GMG Chair, IOM and UNFPA", L, [(g("GMG Chair"), CH), ("IOM", L), ("UNFPA", L)]),
    ("2016", "GMG Chair", L, [(g("GMG Chair"), CH)]),
    # gmg_multi_annual_workplan_2016_2018.md: every distinct Funding source cell
    ("2016", "GMG Chair", F, [(g("GMG Chair"), CH)]),
    ("2016", "GMG Chair and members' staff costs", F, [(g("GMG Chair"), CH), (g("members"), F)]),
    ("2016", "GMG Chair and members’ staff costs", F, [(g("GMG Chair"), CH), (g("members"), F)]),
    ("2016", "GMG Chair (UNU) and members’ staff costs", F, [("UNU", CH), (g("members"), F)]),
    ("2016", "GMG Chair and co-Chairs of WGs and TFs", F, [(g("GMG Chair"), CH), (g("co-Chairs of WGs and TFs"), CC)]),
    ("2016", "WG co-Chairs", F, [(g("WG co-Chairs"), CC)]),
    ("2016", "WG co-Chairs and members' staff costs", F, [(g("WG co-Chairs"), CC), (g("members"), F)]),
    ("2016", "IOM", F, [("IOM", F)]),
    ("2016", "UNU", F, [("UNU", F)]),
    ("2016", "UNDP", F, [("UNDP", F)]),
    ("2016", "IOM/UNDP", F, [("IOM", F), ("UNDP", F)]),
    ("2016", "TBC", F, []),
    ("2016", "GMG WG on Migration Mainstreaming and GMG staff costs", F,
     [(g("GMG WG on Migration Mainstreaming"), F), ("GMG", F)]),
    ("2016", "ILO has already earmarked some funds for this activity GMG agencies are invited to contribute good "
             "practices", F, [("ILO", F), (g("GMG agencies"), F)]),
    ("2016", "ILO has already earmarked some funds for this activity\n\nGMG agencies are invited to contribute good "
             "practices", F, [("ILO", F), (g("GMG agencies"), F)]),
    ("2016", FUND_HEALTH, F, [("IOM", F), (g("Task Force agencies"), F), ("WHO", F), ("ILO", F), ("UNHCR", F),
                              ("OHCHR", F), ("World-Bank", F), (g("members of the group"), F), (g(KNOMAD_WG), F)]),
    ("2016", "IOM in consultation with Task Force agencies", F, [("IOM", F), (g("Task Force agencies"), F)]),
    ("2016", "To be produced by the ILO. Task Force members will be asked to participate in the Peer Review Process",
     F, [("ILO", F), (g("Task Force members"), F)]),
    ("2016", FUND_GFMD, F, [(g("Task Force member agencies"), F), ("GFMD", F)]),
    ("2016", FUND_GFMD + " ILO in collaboration with other interested Task Force agencies", F,
     [(g("Task Force member agencies"), F), ("GFMD", F), ("ILO", F), (g("Task Force agencies"), F)]),
    ("2016", FUND_ACADEMY, F, [("ILO", F), ("IOM", F), ("ITC-ILO", F), (g("GMG agencies"), F)]),
    ("2016", FUND_ACADEMY_2017, F, [("ILO", F), ("IOM", F), ("ITC-ILO", F), (g("GMG agencies"), F)]),
    ("2016", FUND_RECRUITMENT, F, [("ILO", F), (g("GMG agencies"), F), ("IOM", F), ("UNODC", F), ("OHCHR", F),
                                   ("World-Bank", F)]),
    ("2016", FUND_NEXUS, F, [("GMG", F), (g(NEXUS_WG), F), ("UNDP", CC), ("IOM", CC)]),
    ("2016", FUND_SDG, F, [("IOM", F), ("ILO", F)]),
    ("2016", FUND_SDG + ", in collaboration with other interested Task Force agencies", F,
     [("IOM", F), ("ILO", F), (g("Task Force agencies"), F)]),
    ("2016", "IOM and ILO to further define", F, [("IOM", F), ("ILO", F)]),
    ("2016", "ILO and UNHCR to further define", F, [("ILO", F), ("UNHCR", F)]),
    ("2016", "Significant research and capacity-building work will be carried out by UNU", F, [("UNU", F)]),
    ("2016", "UNESCO in collaboration with other interested Task Force agencies", F,
     [("UNESCO", F), (g("Task Force agencies"), F)]),
    ("2016", "ILO in collaboration with UN Women and other interested Task Force agencies", F,
     [("ILO", F), ("UN-Women", F), (g("Task Force agencies"), F)]),
    ("2016", "UN Women in collaboration with other interested Task Force agencies", F,
     [("UN-Women", F), (g("Task Force agencies"), F)]),
    ("2016", "Task Force co-Chairs", F, [(g("Task Force co-Chairs"), CC)]),
    ("2016", "Task Force co-Chairs and members", F, [(g("Task Force co-Chairs"), CC), (g("members"), F)]),
    ("2016", "Task Force co-Chairs and GMG Support Team", F,
     [(g("Task Force co-Chairs"), CC), (g("GMG Support Team"), F)]),
    ("2016", "Task Force Co-Chairs, ITC-ILO, JMDI", F, [(g("Task Force Co-Chairs"), CC), ("ITC-ILO", F), ("JMDI", F)]),
    ("2016", "Task Force co-Chairs, ITC-ILO, JMDI", F, [(g("Task Force co-Chairs"), CC), ("ITC-ILO", F), ("JMDI", F)]),
]


@pytest.mark.parametrize(("seed", "text", "role", "expected"), SEED_CELLS)
def test_seed_cell(seed: str, text: str, role: str | None, expected: list[tuple[str, str]]) -> None:
    assert resolved(text, "en", role) == expected


@pytest.mark.parametrize(("seed", "text", "role", "expected"), SEED_CELLS)
def test_no_named_organisation_in_a_seed_cell_is_left_without_an_id(
    seed: str, text: str, role: str | None, expected: list[tuple[str, str]]
) -> None:
    assert unresolved(resolve_agencies(text, "en", Role(role) if role else None)) == []


# French: the real French edition of the 2021-2022 workplan (tests/fixtures/un_network_workplan_2021_2022_fr.txt),
# then lines written the way UN French documents write them. es/ru/ar/zh: lines written in the UN's own names and
# acronyms for the six-language editions (not copied from a seed: the seeds have no such edition).
FR_CWG21_MEMBERS = (
    "Membres : OIT, HCDH, HCR, UNITAR, ONUDC, UNU, OMS, ACT Alliance ; Comité d’action, représenté par le Migrant "
    "Forum in Asia ; Organisation internationale des employeurs (OIE) ; Overseas Development Institute (ODI) ; "
    "Centre de développement de l’Organisation de coopération et de développement économiques (OCDE) ; Cités et "
    "gouvernements locaux unis (CGLU)."
)
FR_CWG22_MEMBERS = (
    "Membres : OIT, HCR, UNITAR, ONUDC, OMS, UNU, ACT Alliance ; Comité d’action, représenté par Alianza Americas et "
    "la Plateforme pour la coopération internationale sur les sans-papiers (PICUM) ; Alliance mondiale des "
    "institutions nationales des droits de l’homme (GANHRI) ; Organisation internationale des employeurs (OIE) ; "
    "Centre de développement de l’Organisation de coopération et de développement économiques (OCDE) ; Bureau "
    "quaker auprès des Nations Unies (QUNO) ; Cités et gouvernements locaux unis (CGLU)."
)
FR_GUIDE = (
    "Élaborer des produits stratégiques [...] tels que le Guide des politiques et pratiques d’ONU-Femmes sur la "
    "mise en œuvre du Pacte mondial sur les migrations"
)
AR_CO_LEADS = "القيادة المشتركة: المنظمة الدولية للهجرة وبرنامج الأمم المتحدة الإنمائي"
ES_MEMBERS = (
    "Miembros: OIT, ACNUDH, ACNUR, UNITAR, UNODC, UNU, OMS, ACT Alliance; Comité de Acción representado por Migrant "
    "Forum in Asia; Organización Internacional de Empleadores (OIE); Ciudades y Gobiernos Locales Unidos (CGLU)."
)
AR_MEMBERS = ("منظمة العمل الدولية، مفوضية الأمم المتحدة السامية لحقوق الإنسان، مفوضية الأمم المتحدة لشؤون اللاجئين، "
              "منظمة الصحة العالمية")

UN_LANGUAGE_CELLS = [
    ("fr", "Codirection : OIM, PNUD", None, [("IOM", CL), ("UNDP", CL)]),
    ("fr", FR_CWG21_MEMBERS, None, [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M),
                                    ("WHO", M), ("ACT-Alliance", M), ("MFA", M),
                                    ("IOE", M), ("ODI", M), ("OECD", M), ("UCLG", M)]),
    ("fr", "Codirection : OIM, HCDH, PNUD", None, [("IOM", CL), ("OHCHR", CL), ("UNDP", CL)]),
    ("fr", FR_CWG22_MEMBERS, None, [("ILO", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("WHO", M), ("UNU", M),
                                    ("ACT-Alliance", M), ("Alianza-Americas", M),
                                    ("PICUM", M), ("GANHRI", M), ("IOE", M), ("OECD", M), ("QUNO", M), ("UCLG", M)]),
    ("fr", FR_GUIDE, L, [("UN-Women", L)]),
    ("fr", "Président du GMG (ONU-Femmes)", L, [("UN-Women", CH)]),
    ("fr", "ONU-Habitat (proposé)", L, [("UN-Habitat", P)]),
    ("fr", "OIT et FNUAP", L, [("ILO", L), ("UNFPA", L)]),
    ("fr", "Coprésidents du groupe de travail et membres", L, [(g("Coprésidents du groupe de travail"), CC),
                                                                (g("membres"), L)]),
    ("fr", "Organisation internationale pour les migrations et Banque mondiale", F, [("IOM", F), ("World-Bank", F)]),
    ("es", "Codirección: OIM, PNUD", None, [("IOM", CL), ("UNDP", CL)]),
    ("es", ES_MEMBERS, None, [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M),
                              ("WHO", M), ("ACT-Alliance", M), ("MFA", M), ("IOE", M),
                              ("UCLG", M)]),
    ("es", "Presidencia del GMG (ONU Mujeres)", L, [("UN-Women", CH)]),
    ("es", "ONU-Hábitat (propuesto)", L, [("UN-Habitat", P)]),
    ("es", "OIT y ONU-Mujeres", L, [("ILO", L), ("UN-Women", L)]),
    ("es", "Organización Mundial de la Salud y Fondo de Población de las Naciones Unidas", L,
     [("WHO", L), ("UNFPA", L)]),
    ("es", "Banco Mundial, FIDA y CEPAL", F, [("World-Bank", F), ("IFAD", F), ("ECLAC", F)]),
    ("es", "Copresidentes del grupo de trabajo", L, [(g("Copresidentes del grupo de trabajo"), CC)]),
    ("ru", "Соруководители: МОМ, ПРООН", None, [("IOM", CL), ("UNDP", CL)]),
    ("ru", "Члены: МОТ, УВКПЧ, УВКБ ООН, ЮНИТАР, УНП ООН, УООН, ВОЗ", None,
     [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M), ("WHO", M)]),
    ("ru", "Председатель ГГМ (Структура «ООН-женщины»)", L, [("UN-Women", CH)]),
    ("ru", "ООН-Хабитат (предлагается)", L, [("UN-Habitat", P)]),
    ("ru", "МОТ и ЮНЕСКО", L, [("ILO", L), ("UNESCO", L)]),
    ("ru", "Международная организация по миграции и Всемирный банк", F, [("IOM", F), ("World-Bank", F)]),
    ("ru", "ЮНИСЕФ, ЮНФПА, ЮНЭЙДС, ФАО", M, [("UNICEF", M), ("UNFPA", M), ("UNAIDS", M), ("FAO", M)]),
    ("ru", "Сопредседатели рабочей группы", L, [(g("Сопредседатели рабочей группы"), CC)]),
    ("ar", AR_CO_LEADS, None, [("IOM", CL), ("UNDP", CL)]),
    ("ar", AR_MEMBERS, M, [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("WHO", M)]),
    ("ar", "هيئة الأمم المتحدة للمرأة (مقترح)", L, [("UN-Women", P)]),
    ("ar", "اليونيسف واليونسكو", L, [("UNICEF", L), ("UNESCO", L)]),
    ("ar", "رئيس الفريق العالمي المعني بالهجرة (هيئة الأمم المتحدة للمرأة)", L, [("UN-Women", CH)]),
    ("ar", "البنك الدولي وصندوق النقد الدولي", F, [("World-Bank", F), ("IMF", F)]),
    ("ar", "الأعضاء: منظمة الأغذية والزراعة، المفوضية الأوروبية", None, [("FAO", M), ("EC", M)]),
    ("zh", "共同牵头方：国际移民组织、开发署", None, [("IOM", CL), ("UNDP", CL)]),
    ("zh", "成员：劳工组织、人权高专办、难民署、训研所、毒品和犯罪问题办公室、联合国大学、世卫组织", None,
     [("ILO", M), ("OHCHR", M), ("UNHCR", M), ("UNITAR", M), ("UNODC", M), ("UNU", M), ("WHO", M)]),
    ("zh", "全球移民问题小组主席（妇女署）", L, [("UN-Women", CH)]),
    ("zh", "人居署（拟议）", L, [("UN-Habitat", P)]),
    ("zh", "联合国儿童基金会和联合国人口基金", L, [("UNICEF", L), ("UNFPA", L)]),
    ("zh", "世界银行与国际农业发展基金", F, [("World-Bank", F), ("IFAD", F)]),
    ("zh", "工作组共同主席", L, [(g("工作组共同主席"), CC)]),
    ("zh", "IOM和UNDP", L, [("IOM", L), ("UNDP", L)]),
]


@pytest.mark.parametrize(("lang", "text", "role", "expected"), UN_LANGUAGE_CELLS)
def test_un_language_cell(lang: str, text: str, role: str | None, expected: list[tuple[str, str]]) -> None:
    assert resolved(text, lang, role) == expected


def test_every_un_language_has_at_least_eight_mentions_with_an_id() -> None:
    counts = {lang: 0 for lang in ("fr", "es", "ru", "ar", "zh")}
    for lang, _, _, expected in UN_LANGUAGE_CELLS:
        counts[lang] += sum(1 for k, _ in expected if not k.startswith(("group:", "?")))
    assert all(n >= 8 for n in counts.values()), counts


# The names the UN itself uses, one per line: (language, printed, id)
UN_NAMES = [
    ("fr", "ONU-Femmes", "UN-Women"),
    ("es", "ONU Mujeres", "UN-Women"),
    ("es", "ONU-Mujeres", "UN-Women"),
    ("ar", "هيئة الأمم المتحدة للمرأة", "UN-Women"),
    ("zh", "妇女署", "UN-Women"),
    ("zh", "联合国促进性别平等和增强妇女权能署", "UN-Women"),
    ("ru", "Структура «ООН-женщины»", "UN-Women"),
    ("fr", "OIM", "IOM"),
    ("es", "OIM", "IOM"),
    ("ru", "МОМ", "IOM"),
    ("ar", "المنظمة الدولية للهجرة", "IOM"),
    ("zh", "国际移民组织", "IOM"),
    ("fr", "Haut-Commissariat des Nations Unies aux droits de l’homme", "OHCHR"),
    ("es", "ACNUDH", "OHCHR"),
    ("ru", "УВКБ", "UNHCR"),
    ("zh", "人权高专办", "OHCHR"),
    ("fr", "CNUCED", "UNCTAD"),
    ("es", "CEPAL", "ECLAC"),
    ("ru", "ЭСКАТО", "ESCAP"),
    ("ar", "الإسكوا", "ESCWA"),
    ("fr", "DAES", "UN-DESA"),
    ("zh", "经社部", "UN-DESA"),
    ("fr", "CIF-OIT", "ITC-ILO"),
    ("fr", "Banque mondiale", "World-Bank"),
    ("en", "UN Women", "UN-Women"),
    ("en", "UNWomen", "UN-Women"),
    ("en", "UN-Women", "UN-Women"),
    ("en", "un women", "UN-Women"),
    ("en", "WB", "World-Bank"),
    ("en", "World Bank Group", "World-Bank"),
    ("en", "ILO-ITC", "ITC-ILO"),
    ("en", "ITC-ILO", "ITC-ILO"),
    ("en", "ITC ILO", "ITC-ILO"),
    ("en", "Overseas Development Institute (OD)I", "ODI"),
    ("en", "Caritas International", "Caritas"),
    ("en", "Caritas Internationalis", "Caritas"),
    ("en", "UN DOCO", "DOCO"),
    ("en", "DOCO", "DOCO"),
    ("en", "UN Development Operations Coordination Office (UN DOCO)", "DOCO"),
    ("en", "UN DESA", "UN-DESA"),
    ("en", "SRSG", "SRSG"),
    ("en", "International Labor Organization", "ILO"),
    ("en", "Organization for Economic Cooperation and Development", "OECD"),
    ("en", "Platform for International Cooperation on Undocumented Migrants", "PICUM"),
    ("en", "European Commission", "EC"),
    ("en", "Global Forum on Migration and Development (GFMD)", "GFMD"),
    ("en", "Gallup", "Gallup"),
    ("en", "Microsoft", "Microsoft"),
    ("en", "University of Cambridge", "University-of-Cambridge"),
]


@pytest.mark.parametrize(("lang", "text", "agency_id"), UN_NAMES)
def test_un_name(lang: str, text: str, agency_id: str) -> None:
    assert [(m.agency_id, m.text) for m in resolve_agencies(text, lang)] == [(agency_id, text)]


# Behaviour one rule at a time: (text, role, expected)
RULES = [
    ("who will lead the work", L, []),  # an acronym never matches lower case
    ("Who will lead: TBC", L, []),
    ("WHO will lead", L, [("WHO", L)]),
    ("Unicef and Unesco", L, [("UNICEF", L), ("UNESCO", L)]),
    ("Acme Foundation and IOM", L, [(u("Acme Foundation"), L), ("IOM", L)]),
    ("IOM, Acme Foundation and Bar Institute", L, [("IOM", L), (u("Acme Foundation"), L), (u("Bar Institute"), L)]),
    ("IOM, Acme", M, [("IOM", M), (u("Acme"), M)]),
    ("Acme Foundation (AF), IOM", M, [(u("Acme Foundation (AF)"), M), ("IOM", M)]),
    ("Acme Employers Federation (IOE)", M, [("IOE", M)]),  # name + acronym: one mention
    ("XYZO and UNDP", L, [(u("XYZO"), L), ("UNDP", L)]),
    # one-word names joined by "and" / "&" are several (people in minutes); a body's name of several words is one
    ("Hwang and Leonard", L, [(u("Hwang"), L), (u("Leonard"), L)]),
    ("Ben, Leonard & Duncan", L, [(u("Ben"), L), (u("Leonard"), L), (u("Duncan"), L)]),
    ("Ministry of Labour and Social Affairs", L, [(u("Ministry of Labour and Social Affairs"), L)]),
    ("Netherlands, ILO, IFC, UNICEF and UNHCR", M,
     [(u("Netherlands"), M), ("ILO", M), ("IFC", M), ("UNICEF", M), ("UNHCR", M)]),
    ("UNICEF in partnership with Microsoft and the University of Cambridge", L,
     [("UNICEF", L), ("Microsoft", L), ("University-of-Cambridge", L)]),
    ("ITC-ILO Learning Centre", L, [("ITC-ILO", L)]),
    # a misspelt acronym (SRSB for SRSG) is not guessed: an unknown body, as printed
    ("the SRSB for Migration and Development and the GFMD Chair", L,
     [(u("SRSB for Migration"), L), (u("Development"), L), (g("GFMD Chair"), CH)]),
    # the represented committee is who MFA speaks for: MFA is the member named
    ("Action Committee represented by Migrant Forum in Asia", M, [("MFA", M)]),
    ("WG co-Chairs (IOM, UNDP)", L, [("IOM", CC), ("UNDP", CC)]),
    ("UNDP (Chair)", L, [("UNDP", CH)]),
    ("UNHCR (tbc)", L, [("UNHCR", L)]),
    ("A number of GMG agencies (e.g. IOM, UNODC)", F, [(g("GMG agencies"), F), ("IOM", F), ("UNODC", F)]),
    ("Capacity Development Task Force (CDTF)", L, [(g("Capacity Development Task Force (CDTF)"), L)]),
    ("the Working Group on X, chaired by UNFPA", F, [(g("Working Group on X"), F), ("UNFPA", CH)]),
    ("SDG target 8.8, GCM, IMRF and COVID-19 with UNDAF and UNCTs in GFMD IV", F, [(g("UNCTs"), F), ("GFMD", F)]),
    ("", L, []),
]


@pytest.mark.parametrize(("text", "role", "expected"), RULES)
def test_rule(text: str, role: str | None, expected: list[tuple[str, str]]) -> None:
    assert resolved(text, "en", role) == expected


def test_mention_keeps_the_printed_text() -> None:
    assert resolve_agencies("GMG Chair (UNU), International Organization of Employers (IOE)", "en", Role.LEAD) == [
        AgencyMention(text="UNU", agency_id="UNU", role=Role.CHAIR),
        AgencyMention(text="International Organization of Employers (IOE)", agency_id="IOE", role=Role.LEAD),
    ]
    assert resolve_agencies("WG co-Chairs", "en", Role.FUNDER) == [
        AgencyMention(text="WG co-Chairs", agency_id=None, role=Role.CO_CHAIR, is_group=True)
    ]


def test_unresolved_lists_only_unknown_organisations() -> None:
    mentions = resolve_agencies("Acme Foundation, WG co-Chairs and IOM", "en", Role.LEAD)
    assert unresolved(mentions) == [AgencyMention(text="Acme Foundation", role=Role.LEAD)]


# --- the steps, each alone
def _hits(text: str, lang: str = "en") -> tuple[list[Hit], CellText]:
    cell = make_cell(text, lang, Role.LEAD)
    return match_known(cell), cell


def _spans(text: str, hits: list[Hit]) -> list[tuple[str, str | None, bool, str | None]]:
    return [(text[h.start:h.end], h.agency_id, h.is_group, h.role.value if h.role else None) for h in hits]


def test_steps_run_in_this_order() -> None:
    assert [s.__name__ for s in STEPS] == [
        "merge_same_agency", "absorb_owner_into_group", "attach_parentheses", "add_unknown", "merge_unit_into_owner",
        "drop_represented", "apply_cues"]


def test_match_known_finds_longest_names_and_groups() -> None:
    text = "GMG Chair (UN Women), ILO-ITC and GMG agencies"
    hits, _ = _hits(text)
    assert _spans(text, hits) == [
        ("GMG Chair", None, True, CH), ("UN Women", "UN-Women", False, None),
        ("ILO-ITC", "ITC-ILO", False, None), ("GMG agencies", None, True, None)]


def test_make_cell_strips_a_label_and_takes_its_role() -> None:
    cell = make_cell("Working group members: IOM", "en", Role.LEAD)
    assert (cell.text[cell.body_start:], cell.role) == ("IOM", Role.MEMBER)
    assert make_cell("Members of the group", "en", Role.LEAD).body_start == 0  # no colon: not a label


def test_merge_same_agency_alone() -> None:
    text = "Organisation for Economic Co-operation and Development (OECD); UN Women, UNWomen"
    hits, cell = _hits(text)
    assert len(hits) == 4
    assert _spans(text, merge_same_agency(hits, cell)) == [
        ("Organisation for Economic Co-operation and Development (OECD)", "OECD", False, None),
        ("UN Women", "UN-Women", False, None), ("UNWomen", "UN-Women", False, None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a unit named in apposition to its organisation's full name is that organisation
        ("Development Centre, Organisation for Economic Co-operation and Development (OECD)",
         [("Development Centre, Organisation for Economic Co-operation and Development (OECD)", "OECD")]),
        # "Development Centre" alone is no alias of the OECD: a national centre stays itself
        ("National Development Centre", [("National Development Centre", None)]),
        ("National Development Centre, UNDP", [("National Development Centre", None), ("UNDP", "UNDP")]),
    ],
)
def test_unit_in_apposition_joins_its_organisation_and_nothing_else(text, expected) -> None:
    assert [(m.text, m.agency_id) for m in resolve_agencies(text)] == expected


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("Action Committee represented by Migrant Forum in Asia", "en", [("Migrant Forum in Asia", "MFA")]),
        ("ONUDD, ACNUR", "es", [("ONUDD", "UNODC"), ("ACNUR", "UNHCR")]),
        ("ONUDD et HCR", "fr", [("ONUDD", "UNODC"), ("HCR", "UNHCR")]),
        ("مفوضية الأمم المتحدة السامية لشؤون اللاجئين", "ar",
         [("مفوضية الأمم المتحدة السامية لشؤون اللاجئين", "UNHCR")]),
        # after two commas the last "y" separates list members; inside a name it does not
        ("Ministerio de Hacienda y Crédito Público, Departamento Administrativo de la Función Pública, Departamento "
         "Nacional de Planeación y Colombia Compra Eficiente", "es",
         [("Ministerio de Hacienda y Crédito Público", None),
          ("Departamento Administrativo de la Función Pública", None),
          ("Departamento Nacional de Planeación", None), ("Colombia Compra Eficiente", None)]),
        ("Secretaría de Planeación de la Gobernación de Boyacá", "es",
         [("Secretaría de Planeación de la Gobernación de Boyacá", None), ("Gobernación de Boyacá", None)]),
    ],
)
def test_names_of_bodies_in_lists_and_languages(text, lang, expected) -> None:
    assert [(m.text, m.agency_id) for m in resolve_agencies(text, lang)] == expected



def test_absorb_owner_into_group_alone() -> None:
    text = "KNOMAD Thematic Working Group on remittances"
    hits, cell = _hits(text)
    assert _spans(text, absorb_owner_into_group(hits, cell)) == [(text, None, True, None)]


def test_attach_parentheses_alone() -> None:
    text = "UN-Habitat (proposed), GMG Chair (UNU)"
    hits, cell = _hits(text)
    out = [h for h in attach_parentheses(hits, cell) if not h.silent]
    assert _spans(text, out) == [("UN-Habitat (proposed)", "UN-Habitat", False, P), ("UNU", "UNU", False, CH)]


def test_add_unknown_alone() -> None:
    text = "Acme Foundation, IOM and the Peer Review Process of XYZO"
    hits, cell = _hits(text)
    assert _spans(text, add_unknown(hits, cell)) == [
        ("IOM", "IOM", False, None), ("Acme Foundation", None, False, None), ("XYZO", None, False, None)]


def test_apply_cues_alone() -> None:
    text = "the group co-chaired by UNDP and IOM; UNFPA"
    hits, cell = _hits(text)
    assert _spans(text, apply_cues(hits, cell)) == [("UNDP", "UNDP", False, CC), ("IOM", "IOM", False, CC),
                                                    ("UNFPA", "UNFPA", False, None)]


# --- data file and lexicon
REQUIRED_IDS = [
    "IOM", "UNDP", "UN-Women", "UN-Habitat", "WHO", "OHCHR", "ILO", "UNHCR", "UNICEF", "UNFPA", "UNAIDS", "FAO",
    "UNESCO", "UNODC", "UNITAR", "UNU", "UNCTAD", "UN-DESA", "IFAD", "World-Bank", "ICRC", "OECD", "UCLG", "ITC-ILO",
    "DOCO", "OCHA", "UNEP", "UNOPS", "WFP", "ITU", "UPU", "WMO", "IMO", "ICAO", "UNIDO", "UNWTO", "WIPO", "IAEA",
    "UNRWA", "UNSSC", "UNRISD", "ECA", "ECE", "ECLAC", "ESCAP", "ESCWA", "IFC", "IMF", "MFA", "PICUM", "QUNO",
    "GANHRI", "ODI", "IOE", "ITUC", "PSI", "Caritas", "ACT-Alliance", "Mayors-Mechanism", "Alianza-Americas", "GRFDT",
    "KNOMAD", "JMDI", "Gallup", "EC", "GFMD", "SRSG", "Action-Committee", "GMG",
]
KINDS = {"un_entity", "other_intergovernmental", "civil_society", "network", "other"}


def test_data_file_covers_the_un_system_and_every_seed_organisation() -> None:
    ids = [r["agency_id"] for r in agency_rows()]
    assert sorted(set(REQUIRED_IDS) - set(ids)) == []
    assert len(ids) == len(set(ids)) >= 95


def test_data_file_rows_are_well_formed() -> None:
    for row in agency_rows():
        assert re.fullmatch(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", row["agency_id"]), row["agency_id"]
        assert row["kind"] in KINDS, row
        assert row["name_en"], row
        assert re.fullmatch(r"(?:XM-DAC-\d+)?", row["iati_id"]), row


def test_no_alias_names_two_organisations_in_any_language() -> None:
    for lang in LANGS:
        owner: dict[str, str] = {}
        for alias, agency_id in alias_entries(lang):
            for variant in spelling_variants(fold_phrase(alias)):
                assert owner.setdefault(variant, agency_id) == agency_id, (lang, alias, owner[variant], agency_id)


def test_every_term_in_the_yaml_is_text() -> None:
    """YAML 1.1 reads bare on/yes/no/y as booleans: every word list must stay strings."""
    def walk(value: object) -> None:
        if isinstance(value, dict):
            assert all(isinstance(k, str) for k in value), value
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        else:
            assert isinstance(value, str), value

    walk(agency_terms())
    assert set(agency_terms()) == {"common", *LANGS}


def test_agency_table() -> None:
    table = agency_table()
    assert len(table) == len(agency_rows())
    assert all(tuple(row) == TABLE_COLUMNS for row in table)
    iom = next(r for r in table if r["agency_id"] == "IOM")
    assert iom == {
        "agency_id": "IOM", "acronym": "IOM", "name_en": "International Organization for Migration",
        "kind": "un_entity", "iati_id": "XM-DAC-47066",
        "name_ar": "المنظمة الدولية للهجرة", "acronym_ar": None, "name_zh": "国际移民组织", "acronym_zh": "移民组织",
        "name_fr": "Organisation internationale pour les migrations", "acronym_fr": "OIM",
        "name_ru": "Международная организация по миграции", "acronym_ru": "МОМ",
        "name_es": "Organización Internacional para las Migraciones", "acronym_es": "OIM",
    }


def test_lexicon_is_built_once_per_language_from_blank_pipelines() -> None:
    assert lexicon("en") is lexicon("en")
    assert lexicon("zh").nlp.tokenizer.segmenter == "char"  # no jieba/pkuseg download needed
    for lang in LANGS:
        assert lexicon(lang).nlp.pipe_names == []  # spacy.blank: tokenizer only, no model


def test_fold_maps_back_to_the_original_text() -> None:
    folded = fold("UN-Women’s  (IOM/UNDP)")
    assert folded.text == "un women's ( iom / undp ) "
    start = folded.text.index("iom")
    assert folded.original_span(start, start + 3) == (13, 16)


def test_unknown_language_falls_back_to_english_names() -> None:
    assert resolved("IOM, UNDP", "de", L) == [("IOM", L), ("UNDP", L)]


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=80), lang=st.sampled_from(LANGS), role=st.sampled_from([None, *Role]))
def test_resolve_never_raises_and_keeps_printed_text(text: str, lang: str, role: Role | None) -> None:
    mentions = resolve_agencies(text, lang, role)
    for m in mentions:
        assert m.text and m.text in text and m.text == m.text.strip()
        assert not (m.is_group and m.agency_id)


@settings(max_examples=40, deadline=None)
@given(parts=st.lists(st.sampled_from(["IOM", "UN Women", "WB", "OHCHR", "ILO-ITC", "Acme Foundation", "members"]),
                      min_size=1, max_size=6).filter(lambda p: p[0] != "members"),  # "members\n..." is a label
       sep=st.sampled_from([", ", "; ", " and ", "/", "\n"]))
@example(parts=["Acme Foundation", "members"], sep="\n")  # found by hypothesis 6.100: a line break ends a name
def test_lists_yield_one_mention_per_item(parts: list[str], sep: str) -> None:
    assert len(resolve_agencies(sep.join(parts), "en", Role.MEMBER)) == len(parts)


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("Funded by UNDP", "en", [("UNDP", "UNDP")]),
    ("Financé par le PNUD", "fr", [("PNUD", "UNDP")]),
    ("Les membres participent", "fr", [("membres", None)]),
    ("Acme Foundation and IOM", "en", [("Acme Foundation", None), ("IOM", "IOM")]),
    # found by the property test below: four unknown names, too long to be one name, are four names
    (" and ".join(["Acme Foundation"] * 4), "en", [("Acme Foundation", None)] * 4),
])
def test_prose_words_before_a_name_are_not_organisations(text, lang, expected):
    """A capitalised verb running into "by"/"par" before a name, or an article before a group, is prose."""
    assert [(m.text, m.agency_id) for m in resolve_agencies(text, lang, Role.FUNDER)] == expected


def test_a_very_long_cell_is_read_in_its_first_part() -> None:
    from normalizers.agencies import MAX_CELL_CHARS

    mentions = resolve_agencies("IOM, " * 20_000)
    assert 0 < len(mentions) <= MAX_CELL_CHARS // 5 and {m.agency_id for m in mentions} == {"IOM"}
