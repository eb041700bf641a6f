"""Genres of plans read by form, both ways: task cards under a background heading, a tag printed on every
title, minutes whose notes are not items, and the readers' arbitration region by region. Real annotated plans
(``annotated/docs``) and small plans written as users write them."""

from __future__ import annotations

from pathlib import Path

import extractors
from pipeline.candidates import split_ref
from pipeline.labels import in_list
from pipeline.outline import build_outline
from pipeline.recognise import propose
from pipeline.run import run_document

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "annotated" / "docs"


def _leads(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for lead in result.leads:
        out.setdefault(lead.item_id, []).append(lead.agency_text)
    return out


def test_task_cards_under_an_introduction_heading_are_items_with_their_champion():
    result = run_document(DOCS / "intersect_cirwg_inflight_items_2024.md", DOCS)
    leads = _leads(result)
    got = [(i.ref, i.text, i.method, leads.get(i.item_id)) for i in result.items]
    assert len(got) == 13
    assert got[0] == ("OCG-1", "Cardano Onchain Governance - Voltaire Era", "heading", ["IO Engineering"])
    assert got[-1] == ("IDT-1", "Identity Management", "heading", ["Tweag"])
    assert not any("Pre-contracted" in text for _, text, _, _ in got)  # the tag on every title is not its text
    assert not any(text == "Future works planned" for _, text, _, _ in got)


def _outline(tmp_path: Path, text: str) -> list:
    """The outline of a small Markdown plan, read as the pipeline reads a file."""
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    return build_outline(list(extractors.extract(path).blocks))


def test_a_tag_on_some_titles_only_stays(tmp_path):
    cands, _, _ = propose(_outline(tmp_path, "# Plan\n\n## Work\n\n- Build the portal (draft)\n"
                                             "- Train the staff (draft)\n- Publish the guide\n- Open the data\n"
                                             "- Hire a data steward\n"))
    assert [c.text for c in cands if c.method == "list_item"][:2] == ["Build the portal (draft)",
                                                                      "Train the staff (draft)"]


def test_a_tag_on_every_title_goes(tmp_path):
    cands, _, _ = propose(_outline(tmp_path, "# Plan\n\n## Work\n\n- Build the portal (Funded)\n"
                                             "- Train the staff (Funded)\n- Publish the guide (Funded)\n"))
    assert [c.text for c in cands if c.method == "list_item"] == ["Build the portal", "Train the staff",
                                                                  "Publish the guide"]


def test_letter_codes_with_a_hyphen_are_refs_and_names_with_a_hyphen_are_not():
    assert split_ref("OCG-1. Cardano Onchain Governance") == ("OCG-1", "Cardano Onchain Governance")
    assert split_ref("G-20 summit preparations") == (None, "G-20 summit preparations")


def test_session_notes_of_a_summit_are_not_items_its_call_to_action_table_is():
    result = run_document(DOCS / "k8s_leadership_summit_2017_call_to_actions.md", DOCS)
    texts = [i.text for i in result.items]
    leads = _leads(result)
    rows = [(i.text, leads.get(i.item_id)) for i in result.items if i.method == "table_row"]
    assert rows[:2] == [("Read-only on SIG-Leads list instead of closed SIG Cloud", ["SIG"]),
                        ("Proposal for how we recognize contributions", ["Quinton Hoole"])]
    assert len(rows) == 7
    for note in ("Create certificate for SIGs", "watch time zones", "Too little governance"):
        assert note not in texts
    assert len(texts) <= 11


def test_minutes_with_an_action_items_section_keep_its_actions_not_the_follow_ups_noted_above():
    result = run_document(DOCS / "aswf_tac_minutes_2019_01_16.md", DOCS)
    leads = _leads(result)
    got = [(i.text, leads.get(i.item_id)) for i in result.items]
    assert got[0] == ("Feedback from OpenVDB on ongoing adoption-related work.", ["Ken Museth"])
    assert len(got) == 5
    assert not any(text.startswith("Check with Linux Foundation") for text, _ in got)


def test_minutes_discussion_bullets_under_numbered_topics_are_not_items():
    result = run_document(DOCS / "untp_steering_group_meetings.md", DOCS)
    texts = {i.text for i in result.items}
    assert "Harley outlined four models: identity-preserved, segregation, mass balance, and book-and-claim." \
        not in texts
    assert not any(t.startswith("Adriana suggested using online whiteboards") for t in texts)
    assert "Send direct email (not via Gaggle) to clarify mailing list and meeting details." in texts
    assert len(result.items) < 450  # 894 when every bullet of the notes was read as an item


def test_ai_is_not_an_action_label_but_action_items_is():
    assert not in_list("AI / ML Code Generation Use / Reporting", "action_labels", prefix=True)
    assert in_list("Action Items (AIs)", "action_labels", prefix=True)


def test_an_owner_line_over_its_tasks_gives_them_their_lead(tmp_path):
    path = tmp_path / "minutes.md"
    path.write_text("# Steering group\n\n## Action items\n\n* **Steve:**\n  * Send the agenda to members.\n"
                    "  * Update the meeting time on the website.\n* **Brett & Nick:**\n"
                    "  * Review the data flows paper.\n* **Ongoing Work:**\n  * Draft the pilot guide.\n",
                    encoding="utf-8")
    result = run_document(path, tmp_path)
    leads = _leads(result)
    got = [(i.text, leads.get(i.item_id)) for i in result.items]
    assert got == [("Send the agenda to members.", ["Steve"]),
                   ("Update the meeting time on the website.", ["Steve"]),
                   ("Review the data flows paper.", ["Brett", "Nick"]),  # two people
                   ("Draft the pilot guide.", None)]  # "Ongoing Work:" is a state over its tasks, no item, no owner


def test_owner_names_and_what_is_not_one():
    from pipeline.vocabulary import owner_label, owner_prefix, subject_lead

    assert owner_label("**Steve:**") == "Steve"
    assert owner_label("UN Women:") == "UN Women"
    assert owner_label("Steve will send it:") is None
    assert owner_label("Completed:") is None
    assert subject_lead("UN Women will publish the report by June 2022.") == "UN Women"
    assert owner_prefix("Plan to test the model with sample certificates") is None
    assert owner_prefix("Desenvolvimento de novos métodos na API") is None  # "...to de": a name ends at a word
    from pipeline.vocabulary import present_subject

    # a schedule line "<owner> <verb of work in the present> ...": its owner, as "will" would name it
    assert present_subject("ETS Director identifies the Chief Data Officer") == "ETS Director"
    assert present_subject("The Secretariat circulates the draft to members") == "Secretariat"
    assert present_subject("GMG report on progress of migration related commitments") is None  # a noun, not a verb
    assert present_subject("Documentation updates") is None and present_subject("Users provide feedback") is None
    assert owner_prefix("Steve to update the SVC draft") == ("Steve", "Steve to update the SVC draft")


def test_a_french_roadmap_by_fiscal_quarter_dates_its_items_by_the_quarter_s_months():
    import datetime as dt

    result = run_document(DOCS / "gcds_feuille_de_route_2026_2027.md", DOCS)
    texts = [i.text for i in result.items]
    assert result.language == "fr"
    assert not any(t.startswith(("1er trimestre", "2e trimestre")) for t in texts)  # periods, not items
    assert not any(t.startswith("Lancement de la version 1.0") for t in texts)  # under "Réalisations": done
    first = next(i for i in result.items if "Publication du composant alerte" in i.text)
    timeline = next(t for t in result.timelines if t.item_id == first.item_id)
    assert (timeline.start, timeline.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def test_minutes_in_one_html_table_give_each_owner_s_action_with_its_owner():
    result = run_document(DOCS / "intersect_cirwg_minutes_2024_06_17.md", DOCS)
    leads = _leads(result)
    got = [(i.text, leads.get(i.item_id)) for i in result.items]
    assert len(got) == 14
    assert ("Hwang to raise this request for approval.", ["Hwang"]) in got  # two owners' actions in one cell
    assert ("Group to reach out to potential members for nomination next session.", ["Group"]) in got
    assert ("Silona - to continue working on glossary introduction slide deck", ["Silona"]) in got
    assert not any(text == "None" for text, _ in got)  # "None" in the actions column is no item


def test_task_list_boxes_and_emphasis_marks_are_not_part_of_the_text():
    from extractors.markdown import inline_text

    assert inline_text("**M2**: _Deployment_") == "**M2**: Deployment"
    assert inline_text("a snake_case_name and 2 * 3 * 4") == "a snake_case_name and 2 * 3 * 4"
    result = run_document(DOCS / "ossf_sirt_plan_3_execution.md", DOCS)
    texts = [i.text for i in result.items]
    assert "Discovery and documentation" in texts
    assert not any(t.startswith(("[ ]", "[x]", "_")) for t in texts)


def test_a_plan_where_nothing_reaches_the_threshold_keeps_its_near_misses(tmp_path):
    import math

    from pipeline.decision import Model
    from pipeline.recognise import decide

    nodes = _outline(tmp_path, "# Plan\n\n## Work\n\n- Build the portal\n- Train the staff\n\n"
                               "We will also write a report.\n")
    unsure = Model(("rule_score",), (0.0,), (1.0,), (0.0,), math.log(0.4 / 0.6), 0.5)  # 0.4 for every candidate
    cands, _, roles = propose(nodes)
    assert decide(cands, roles, nodes, unsure) == []
    cands, _, roles = propose(nodes)
    kept = decide(cands, roles, nodes, unsure, at_least_one=True)
    assert [c.text for c in kept if c.method == "list_item"] == ["Build the portal", "Train the staff"]
    assert all(c.score == 0.4 for c in kept) and not any(c.method == "prose_sentence" for c in kept)
