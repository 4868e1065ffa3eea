from pathlib import Path

import numpy as np
import pytest

from qa import store
from qa.definition import (
    DEFINITION_DEPTH,
    LEAD_FACTOR,
    defined_subject,
    defines,
    definition_bonus,
    lead_words,
    leads_with,
    passage_openings,
)
from qa.fusion import FusionSettings, boost
from qa.lexical import analyze
from qa.search import Searcher
from qa.text import normalize
from tests.conftest import corpus_index


@pytest.mark.parametrize("question, subject", [
    ("آدولف هیتلر که بود؟", ("ادولف", "هیتلر")),
    ("سکولاریسم به چه معناست؟", ("سکولاریسم",)),
    ("خندق یعنی چه؟", ("خندق",)),
    ("خندق چیست", ("خندق",)),
    ("منظور از سکولاریسم چیست؟", ("سکولاریسم",)),
    ("تعریف سیاست چیست؟", ("سیاست",)),
    ("باروک را تعریف کنید.", ("باروک",)),
    ("هیتلر کیه؟", ("هیتلر",)),
    ("ویلهلم فریدریش هگل چه کسی بود؟", ("ویلهلم", "فریدریش", "هگل")),
    # When someone was born or died: the defining sentence has the dates.
    ("آدولف هیتلر در چه تاریخی متولد شد؟", ("ادولف", "هیتلر")),
    ("هیتلر کی به دنیا آمد؟", ("هیتلر",)),
    ("در چه سالی نلسون ماندلا درگذشت؟", ("نلسون", "ماندلا")),
    # A request to tell about it, as it reaches the signals (`qa.question_frame` has taken «توضیح
    # بده», «بگو», «توضیح دهید» off).
    ("درباره سکولاریسم", ("سکولاریسم",)),
    ("در مورد بنیتو موسولینی", ("بنیتو", "موسولینی")),
    ("سکولاریسم را", ("سکولاریسم",)),
    ("موسولینی رو معرفی کن", ("موسولینی",)),
    ("تعریف سکولاریسم", ("سکولاریسم",)),
    ("معنی یگانه انگاری را", ("یگانه", "انگار")),  # «... را بنویسید» once its instruction is off
    ("خندق", ("خندق",)),  # a name and nothing else: «درباره خندق توضیح بده» once its request is off
    ("بنیتو موسولینی", ("بنیتو", "موسولینی")),
])
def test_what_or_who_is_questions_give_their_subject(question: str, subject: tuple[str, ...]) -> None:
    assert defined_subject(normalize(question), analyze) == subject


@pytest.mark.parametrize("question", [
    "چرا پایتخت قزاقستان از آلماتی به آستانا منتقل شد؟",
    "پایتخت قزاقستان کدام شهر است؟",  # a question word in the subject: it asks which
    "کدام شهر پایتخت است؟",
    "شغل پدر بنیتو موسولینی چه بود؟",  # four words: a question about something else
    "در چه سالی جنگ تمام شد؟",
    "چیست؟",
    "چرا پایتخت را منتقل کردند؟",
    "درباره جنگ جهانی دوم و تاثیر آن بر ایران",  # more than a subject's words
])
def test_other_questions_have_no_subject(question: str) -> None:
    assert defined_subject(normalize(question), analyze) is None


def test_a_definition_is_a_sentence_that_opens_with_the_subject() -> None:
    assert defines(("خندق",), [("در", "محاصره"), ("خندق", "گودال")])
    assert not defines(("خندق",), [("در", "خندق")])
    assert not defines(("ادولف", "هیتلر"), [("ادولف",)])


def test_a_lead_is_the_name_before_a_parenthesis_that_opens_a_sentence() -> None:
    assert lead_words("بنیتو آمیلکاره آندره آ موسولینی (نام کامل به ایتالیایی) (زاده ۱۸۸۳) سیاستمدار بود.") \
        == "بنیتو آمیلکاره آندره آ موسولینی "
    assert lead_words("آدولف هیتلر (۱۸۸۹ – ۱۹۴۵) یک سیاستمدار آلمانی بود.") == "آدولف هیتلر "
    assert lead_words("هیتلر در زمان اقامت در وین تحت تأثیر شنرر قرار گرفت.") is None
    assert lead_words("(۱۲۳) قزاقستان کشوری پهناور است.") is None  # nothing before the parenthesis
    assert lead_words("در سال‌های پس از جنگ جهانی دوم هیتلر (رهبر) ...") is None  # too far in


def test_a_lead_names_the_subject_when_it_holds_its_words_in_order() -> None:
    lead = ("بنیتو", "امیلکاره", "اندره", "ا", "موسولینی")
    assert leads_with(("موسولینی",), [lead])
    assert leads_with(("بنیتو", "موسولینی"), [("ایتالیا",), lead])
    assert not leads_with(("موسولینی", "بنیتو"), [lead])
    assert not leads_with(("هیتلر",), [lead])
    openings = passage_openings("موسولینی به ایتالیا بازگشت. بنیتو موسولینی (زاده ۱۸۸۳) سیاستمدار بود.", analyze)
    assert openings.openings[0][0] == "موسولینی"
    assert openings.lead_names == (("بنیتو", "موسولینی"),)


def test_defining_passages_move_up_by_the_weight_within_the_depth_only() -> None:
    ids = np.arange(DEFINITION_DEPTH + 5)
    scores = np.linspace(1.0, 0.5, len(ids)).astype(np.float32)
    bonus = definition_bonus(ids, 0.3, {3, DEFINITION_DEPTH + 2})
    assert len(bonus) == DEFINITION_DEPTH and bonus[3] == 0.3 and bonus.sum() == pytest.approx(0.3)
    moved, moved_scores = boost(ids, scores, bonus)
    assert moved[0] == 3 and moved_scores[0] == pytest.approx(scores[3] + 0.3)
    assert moved[DEFINITION_DEPTH + 2] == DEFINITION_DEPTH + 2  # below the depth: not read
    assert sorted(moved.tolist()) == ids.tolist()
    same, _ = boost(ids, scores, definition_bonus(ids, 0.3, set()))
    assert same.tolist() == ids.tolist()
    leading = definition_bonus(ids, 0.3, {3, 5}, {5})
    assert leading[3] == 0.3 and leading[5] == pytest.approx(0.3 * LEAD_FACTOR)


DOCS = {
    "siege.txt": "---\nid: siege\ntitle: محاصره\n---\n"
    "در محاصره قلعه سپاه از روی خندق گذشت و خندق را پر کرد. آب خندق‌های عمیق و خندق پر آب مانع بودند.\n",
    "moat.txt": "---\nid: moat\ntitle: دفاع\n---\n"
    "خندق گودالی پر از آب است که گرد قلعه کنده می‌شد تا دشمن به دیوار نرسد.\n",
    "war.txt": "---\nid: war\ntitle: موسولینی در جنگ\n---\n"
    "موسولینی در جنگ زخمی شد و موسولینی به رم بازگشت و موسولینی حزب را رهبری کرد.\n",
    "lead.txt": "---\nid: lead\ntitle: زندگی\n---\n"
    "بنیتو آمیلکاره موسولینی (زاده ۱۸۸۳ – درگذشته ۱۹۴۵) سیاستمدار ایتالیایی و رهبر حزب فاشیست بود.\n",
}


@pytest.fixture
def moat_index(tmp_path: Path, fake_encoder) -> Path:  # type: ignore[no-untyped-def]
    return corpus_index(DOCS, tmp_path, fake_encoder)


def test_a_what_is_question_finds_the_passage_that_defines_it(moat_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    generation = store.load_current(moat_index)[0]
    plain = FusionSettings("blend", 0.0)
    words_only = Searcher(generation, fake_encoder, fusion=plain)
    assert words_only.search("خندق چیست؟", top_k=2).hits[0].passage.doc_id == "siege"  # more «خندق»
    # Two passages only: min-max blending puts them 1.0 apart, so the bonus must exceed that.
    leading = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0, definition_weight=1.1))
    assert leading.search("خندق چیست؟", top_k=2).hits[0].passage.doc_id == "moat"
    assert leading.search("خندق چیست؟", top_k=2).hits[0].passage.doc_id == "moat"  # openings cached
    assert leading.search("درباره خندق توضیح بده", top_k=2).hits[0].passage.doc_id == "moat"
    # Other questions are ranked as before.
    other = "چرا سپاه از روی خندق گذشت؟"
    assert ([h.passage.id for h in leading.search(other, top_k=2).hits]
            == [h.passage.id for h in words_only.search(other, top_k=2).hits])


def test_a_who_is_question_prefers_the_lead_to_sentences_that_open_with_the_name(
        moat_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    generation = store.load_current(moat_index)[0]
    words_only = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0))
    assert words_only.search("موسولینی کیست؟", top_k=3).hits[0].passage.doc_id == "war"  # more «موسولینی»
    # «war» opens its sentences with «موسولینی»; «lead» names him before a parenthesis.
    searcher = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0, definition_weight=0.3))
    assert searcher.search("موسولینی کیست؟", top_k=3).hits[0].passage.doc_id == "lead"
