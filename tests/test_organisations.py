"""Organisations of a run: list ids kept, other bodies minted from the documents' own evidence."""

from __future__ import annotations

from pipeline.core.records import FundingAgencyRow, LeadRow
from pipeline.organisations import clean_name, mint_organisations

AGENCIES = {"UNDP": {"agency_id": "UNDP", "acronym": "UNDP", "name_en": "United Nations Development Programme"}}


def _m(doc: str, text: str, agency_id: str | None = None, is_group: bool = False, placeholder: bool = False):
    return LeadRow(item_id=f"{doc}#1", document_id=doc, agency_text=text, agency_id=agency_id, role="lead",
                   is_group=is_group, source_text=text, source_role="lead", placeholder=placeholder)


def test_an_acronym_defined_in_a_document_is_its_long_name_there_and_nowhere_else():
    mentions = [
        _m("co.pdf", "Departamento Nacional de Planeación (DNP)"),
        _m("co.pdf", "DNP"),
        _m("co.pdf", "Departamento Nacional de Planeacion"),  # written again without the accent
        _m("other.md", "DNP"),  # another document's DNP may be another body
        _m("other.md", "UNDP", "UNDP"),
        _m("other.md", "TBC", placeholder=True),
    ]
    ids, rows = mint_organisations(mentions, AGENCIES)
    dnp = ids[("co.pdf", "DNP")]
    assert dnp == "org:departamento-nacional-de-planeacion"
    assert ids[("co.pdf", "Departamento Nacional de Planeación (DNP)")] == dnp
    assert ids[("co.pdf", "Departamento Nacional de Planeacion")] == dnp
    assert ids[("other.md", "DNP")] != dnp and ids[("other.md", "DNP")].startswith("org:dnp-")
    assert ids[("other.md", "UNDP")] == "UNDP" and ("other.md", "TBC") not in ids
    by_id = {r["org_id"]: r for r in rows}
    assert (by_id[dnp]["acronym"], by_id[dnp]["source"], by_id[dnp]["mentions"], by_id[dnp]["first_document_id"]) == (
        "DNP", "document", 3, "co.pdf")
    assert by_id["UNDP"]["source"] == "list" and by_id["UNDP"]["name"] == "United Nations Development Programme"


def test_the_same_name_with_small_differences_is_one_body_across_documents():
    mentions = [_m("a.md", "XYZ Council*"), _m("b.md", "the XYZ Council."), _m("b.md", "Collector SIG", is_group=True),
                _m("b.md", "@darksonn"), _m("c.md", "National Development Centre"),
                FundingAgencyRow(item_id="d.md#4", document_id="d.md", agency_text="XYZ council", role="funder")]
    ids, rows = mint_organisations(mentions, AGENCIES)
    assert ids[("a.md", "XYZ Council*")] == ids[("b.md", "the XYZ Council.")] == "org:xyz-council"
    assert ids[("d.md", "XYZ council")] == "org:xyz-council"  # a funder is the same body as a lead
    assert ids[("b.md", "Collector SIG")] == "group:collector-sig"
    kinds = {r["org_id"]: r["kind"] for r in rows}
    assert kinds["org:darksonn"] == "person" and kinds["group:collector-sig"] == "group"
    assert ids[("c.md", "National Development Centre")] == "org:national-development-centre"  # not the OECD


def test_clean_name():
    assert clean_name("the XYZ Council*.") == "XYZ Council"
    assert clean_name("Alcaldía de Palmira.") == "Alcaldía de Palmira"
