"""Right-to-left PDF lines put back in reading order: made-up lines in both paragraph directions."""

from __future__ import annotations

import pytest

from extractors.pdf_bidi import (
    bracket_mirroring,
    drawing_order,
    edge_runs,
    paragraph_is_rtl,
    visual_to_logical,
)

ROUND_LTR = frozenset({("()", False)})  # LibreOffice: brackets outside Arabic runs come out swapped
ROUND_RTL = frozenset({("()", True)})  # a producer giving the glyph drawn: brackets inside Arabic runs swapped


@pytest.mark.parametrize(("visual", "logical"), [
    # a left-to-right paragraph (LibreOffice): Arabic runs reversed, the rest left as drawn
    ("6 لماعلا قيرفلا لمع ةطخ عورشم", "مشروع خطة عمل الفريق العامل 6"),
    ("1.1 تالاكولا اهتعضو يتلا", "1.1 التي وضعتها الوكالات"),
    ("3.3. ينمز لودج عضو", "3.3. وضع جدول زمني"),
    ("2019 ربمسيد/لوألا", "الأول/ديسمبر 2019"),
    ("2024-2022 ةرتفلا لاوط", "طوال الفترة 2022-2024"),
    ("25/11/2019 خيراتب UNHCR", "بتاريخ 25/11/2019 UNHCR"),
    ("19و 16و 15", "15 و16 و19"),
    ("XX ،ةمئاقلا تاسرامملا", "XX الممارسات القائمة،"),
    ("- تاسرامملا لضفأ", "- أفضل الممارسات"),
    ("<p>3.1 لماعلا قيرفلا عضي", "<p>3.1 يضع الفريق العامل"),
    (")حرتقم( ةدحتملا ممألا لئوم", "موئل الأمم المتحدة (مقترح)"),
    ("ةيمسرلا ريغ ةكبشلا نوكراشملا )SISNet(", "المشاركون الشبكة غير الرسمية )SISNet("),
    # a number broken at the line end ends the line: "03/" + "2020" on the next line
    ("ةيرفصلا ةدوسملا دادعإ 03/", "إعداد المسودة الصفرية 03/"),
    # a line carrying on a run from the line before: its first words are at the right
    ("ةحصلا .11و )10.7", "10.7) و11. الصحة"),
    ("Latin text only 2019", "Latin text only 2019"),
])
def test_left_to_right_paragraph(visual, logical):
    assert visual_to_logical(visual, rtl_paragraph=False) == logical


@pytest.mark.parametrize(("visual", "logical"), [
    # a right-to-left paragraph (Word and most producers): the whole line reversed, Latin and numbers kept
    ("UNHCR ةيضوفم", "مفوضية UNHCR"),
    ("2019 ربمسيد 25 يف", "في 25 ديسمبر 2019"),
    ("UNDP و UNHCR ةدايقب", "بقيادة UNHCR و UNDP"),
    ("2020 وينوي - ويام", "مايو - يونيو 2020"),
    ("1.2 طاشنلا", "النشاط 1.2"),
])
def test_right_to_left_paragraph(visual, logical):
    assert visual_to_logical(visual, rtl_paragraph=True) == logical


def test_brackets_swapped_as_they_pair_on_the_page():
    # LibreOffice names the glyph ")" once as "(": brackets around Latin text come out swapped
    lines = [("نوكراشملا )SISNet(", False), (")حرتقم( ةدحتملا ممألا", False)]
    mirror = bracket_mirroring(lines)
    assert mirror == ROUND_LTR
    assert visual_to_logical(lines[0][0], False, mirror) == "المشاركون (SISNet)"
    assert visual_to_logical(lines[1][0], False, mirror) == "الأمم المتحدة (مقترح)"
    # a producer giving the glyphs drawn: brackets inside right-to-left runs are the swapped ones
    rtl_line = "(حرتقم) UNHCR ةيضوفم"
    assert bracket_mirroring([(rtl_line, True)]) == ROUND_RTL
    assert visual_to_logical(rtl_line, True, ROUND_RTL) == "مفوضية UNHCR (مقترح)"
    # angle brackets of markup keep their own choice
    assert bracket_mirroring([("<p>3.1 لماعلا قيرفلا", False), ("نوكراشملا )SISNet(", False)]) == ROUND_LTR
    assert bracket_mirroring([("no brackets ةكبشلا", False)]) == frozenset()


def test_paragraph_direction_from_alignment():
    # flush left and short: left-to-right paragraphs; flush right and short: right-to-left
    assert not paragraph_is_rtl([(57, 538, 10), (57, 230, 10), (63, 538, 10)], 57, 538)
    assert paragraph_is_rtl([(57, 538, 10), (300, 538, 10)], 57, 538)
    # full or centred lines say nothing: right to left, as most Arabic documents are
    assert paragraph_is_rtl([(57, 538, 10), (150, 400, 10)], 57, 538)


def test_vowel_mark_stays_after_its_letter():
    alef = {"text": "ا", "x0": 10.0, "x1": 16.0}
    tanween = {"text": "\u064b", "x0": 9.9, "x1": 15.9}  # drawn on the alef, its box starting a little left
    ra = {"text": "ر", "x0": 16.0, "x1": 22.0}
    chars = drawing_order([ra, alef, tanween])
    assert [c["text"] for c in chars] == ["\u064b", "ا", "ر"]
    # "اًر" drawn -> "راً" read: the mark after the alef
    assert visual_to_logical("".join(c["text"] for c in chars), False) == "را\u064b"
    latin = drawing_order([{"text": "\u0301", "x0": 0.5, "x1": 3.0}, {"text": "e", "x0": 0.0, "x1": 4.0}])
    assert [c["text"] for c in latin] == ["e", "\u0301"]


def test_edge_runs():
    assert edge_runs("2019 ربمسيد UNHCR", False) == (True, False)
    assert edge_runs("UNHCR 2019 زيزعت", False) == (False, True)
    assert edge_runs("", False) == (False, False)
