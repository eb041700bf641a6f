"""The fitted decision: candidates labelled from annotated records, a deterministic fit on a few annotated plans,
the model read back from its JSON, and the recogniser deciding with it; the genre readers behind its features."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.decision import Model, using_model
from pipeline.evaluate import Probe, load_gold, match, norm_text
from pipeline.learn import annotated_documents, candidate_labels, document_candidates, fit, score_document, training_set
from pipeline.vocabulary import owner_prefix, split_action_label, subject_lead

ROOT = Path(__file__).resolve().parent.parent
SMALL = ("aswf_tac_minutes_2019_01_16", "intersect_cirwg_triage_items_2024", "otel_genai_observability_project")


@pytest.fixture(scope="module")
def small() -> list:
    docs = [d for d in annotated_documents(seeds=False) if d.name in SMALL]
    assert [d.name for d in docs] == sorted(SMALL)
    return docs


def test_annotated_documents_pair_files_and_records() -> None:
    docs = annotated_documents()
    names = {d.name for d in docs}
    assert "filecoin_devgrant_geo_web_proposal" in names and "wg6_services_access_draft_2019" in names
    assert all(d.path.exists() and d.gold.exists() for d in docs)
    assert not any(d.name.startswith("colombia") for d in docs)  # licence unknown: never copied in


def test_match_is_one_to_one_and_needs_similar_text() -> None:
    gold = [{"text": "Publish the guide", "ref": "1"}, {"text": "Hold a workshop on data", "ref": None}]
    probes = [Probe("a", "1. Publish the guide."), Probe("b", "Publish the guide"), Probe("c", "Budget")]
    assert match(gold, probes) == {0: "a"}  # the ref breaks the tie; "Budget" matches nothing
    assert norm_text("1.2 Draft the <b>report</b>;") == "draft the report"


def test_card_champion_is_the_lead_and_card_rows_are_no_items(small) -> None:
    triage = next(d for d in small if d.name == "intersect_cirwg_triage_items_2024")
    cands, feats = document_candidates(triage.path)
    hydra = next(c for c in cands if c.text.endswith("Hydra Development"))
    assert [lead.text for lead in hydra.leads] == ["Trym Bruset (primary), Sebastian Nagel (secondary)"]
    assert hydra.card and feats[cands.index(hydra)]["card"] == 1.0
    assert sum(c.card for c in cands) == 9  # every card heading
    assert not any(c.text.startswith(("Trym Bruset", "Hydra Development is")) for c in cands)


def test_labels_mark_the_candidates_matching_records(small) -> None:
    minutes = next(d for d in small if d.name == "aswf_tac_minutes_2019_01_16")
    cands, _ = document_candidates(minutes.path)
    labels = candidate_labels(cands, load_gold(minutes.gold))
    positives = [c for c, y in zip(cands, labels, strict=True) if y]
    assert "Feedback from OpenVDB on ongoing adoption-related work." in [c.text for c in positives]
    ken = next(c for c in positives if c.text.startswith("Feedback from OpenVDB"))
    assert [lead.text for lead in ken.leads] == ["Ken Museth"] and ken.action
    assert sum(labels) == 5


def test_fit_is_deterministic_and_round_trips(small) -> None:
    ts = training_set(small)
    first, second = fit(ts), fit(ts)
    assert first == second
    assert first.trained_on == tuple(sorted(SMALL))
    back = Model.from_json(first.to_json())
    assert back == first
    feats = ts.rows[0]
    assert back.probability(feats) == pytest.approx(first.probability(feats))
    assert 0.0 <= back.probability(feats) <= 1.0
    left_out = fit(ts, leave_out="aswf_tac_minutes_2019_01_16")
    assert "aswf_tac_minutes_2019_01_16" not in left_out.trained_on


def test_the_recogniser_decides_with_the_model_in_force(small) -> None:
    import extractors
    from pipeline.outline import build_outline
    from pipeline.recognise import recognise

    doc = next(d for d in small if d.name == "intersect_cirwg_triage_items_2024")
    nodes = build_outline(list(extractors.extract(doc.path).blocks))
    never = Model(("rule_score",), (0.0,), (1.0,), (0.0,), -50.0, 0.5, ("none",))
    always = Model(("rule_score",), (0.0,), (1.0,), (0.0,), 50.0, 0.5, ("all",))
    with using_model(never):
        assert recognise(nodes) == []
    with using_model(always):
        kept = recognise(nodes)
    assert "Hydra Development" in [c.text.split(". ", 1)[-1] for c in kept]
    assert all(c.score == 1.0 for c in kept)
    minutes = next(d for d in small if d.name == "aswf_tac_minutes_2019_01_16")
    shipped = score_document(minutes, None)  # the whole pipeline, with what ships
    assert (shipped.gold, shipped.extracted, shipped.matched, shipped.lead) == (5, 5, 5, (5, 5))


@pytest.mark.parametrize(("line", "owner", "text"), [
    ("Silona - to reach out Karen on glossary terms", "Silona", "Silona - to reach out Karen on glossary terms"),
    ("Leonard & Hwang to tabulate list for triage", "Leonard & Hwang", "Leonard & Hwang to tabulate list for triage"),
    ("Ken Museth: Feedback from OpenVDB", "Ken Museth", "Feedback from OpenVDB"),
    ("Involved Projects to Send Naomi the speaker names", "Involved Projects",
     "Involved Projects to Send Naomi the speaker names"),
])
def test_owner_first_lines(line: str, owner: str, text: str) -> None:
    assert owner_prefix(line) == (owner, text)


@pytest.mark.parametrize("line", ["Timeline: Q2 2021", "Deliverables: three guides", "publish the guide by May"])
def test_lines_without_an_owner(line: str) -> None:
    assert owner_prefix(line) is None


@pytest.mark.parametrize(("sentence", "lead"), [
    ("La DINUM s’est aussi engagée à publier un catalogue.", "DINUM"),
    ("Le ministère de la Culture s’engage à ouvrir ses codes sources.", "ministère de la Culture"),
    ("By June 2025, the Working Group will deliver a report.", "Working Group"),
    ("El Ministerio de Hacienda se compromete a publicar los datos.", "Ministerio de Hacienda"),
    ("We will publish the guide.", None),
    ("The group meets monthly and will report.", None),
])
def test_subject_of_a_committing_sentence(sentence: str, lead: str | None) -> None:
    assert subject_lead(sentence) == lead


def test_action_markers_in_six_languages() -> None:
    assert split_action_label("ACTION:\u200b LFE Staff to send specs") == (True, "LFE Staff to send specs")
    assert split_action_label("Acción: publicar el informe") == (True, "publicar el informe")
    assert split_action_label("Tech: complete and shipped") == (False, "Tech: complete and shipped")
