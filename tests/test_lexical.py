"""Persian BM25: the analyzer's word forms, ranking, save/load, refusal, a brute-force reference."""

from __future__ import annotations

import json
import math
from collections import Counter

import bm25s
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.errors import IndexInvalidError, IndexMissingError, InputError
from qa.lexical import (
    CUT_WORDS_FILE,
    PARAMS_FILE,
    SEQUENCE_FILE,
    SEQUENCE_OFFSETS_FILE,
    LexicalIndex,
    analyze,
    analyze_passage,
    analyzer_settings,
    verb_tokens,
)
from qa.text import normalize

PASSAGES = [
    "کتابخانه ملی ایران در تهران است و میلیون‌ها کتاب دارد.",
    "رود کارون پرآب‌ترین رود ایران است و از کوه‌های زاگرس سرچشمه می‌گیرد.",
    "قرآن كتاب مقدس مسلمانان است و ۱۱۴ سوره دارد.",
    "بازی‌های المپیک تابستانی ۲۰۱۶ در شهر ریو دو ژانیرو برگزار شد.",
    "بنیتو موسولینی رهبر فاشیست‌های ایتالیا بود.",
    "رای‌گیری نهایی در کپنهاگ انجام شد و ریو برنده شد.",
    "دانشجویان دانشگاه تهران در کتابخانه‌های دانشکده‌ها درس می‌خوانند.",
]


def tokens_of(text: str) -> list[str]:
    return analyze(normalize(text))


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build([normalize(p) for p in PASSAGES])


@pytest.mark.parametrize(
    "form",
    [
        "کتاب",
        "کتاب‌ها",
        "کتاب ها",
        "کتابها",
        "کتاب‌های",
        "کتاب‌هایی",
        "کتاب‌هایشان",
        "کتابی",
        "كتاب",
        "کتابش",
    ],
)
def test_plural_and_clitic_forms_meet(form):
    assert tokens_of(form) == ["کتاب"]


@pytest.mark.parametrize(
    ("forms", "stem"),
    [
        (["بزرگ", "بزرگ‌تر", "بزرگتر", "بزرگ‌ترین", "بزرگترین"], "بزرگ"),
        (["سال", "سال‌ها", "سال‌های", "سالهای"], "سال"),  # «سالهای» is not «ساله» + «ای»
        (["دانشجو", "دانشجویان"], "دانشجو"),
        (["نماینده", "نمایندگان"], "نماینده"),
        (["مرده", "مردگان"], "مرده"),  # «گان» is the plural of a word in «ه», not of «مرد»
        (["بازیگر", "بازیگران", "بازیگرانش"], "بازیگر"),
    ],
)
def test_suffixes_are_removed_down_to_a_lexicon_word(forms, stem):
    assert {tuple(tokens_of(form)) for form in forms} == {(stem,)}


@pytest.mark.parametrize(("word", "not_read_as"), [("ریگان", "ریه"), ("ارگان", "اره")])
def test_a_word_in_gan_is_no_plural_of_a_three_letter_word(word, not_read_as):
    # names and loanwords ending so are far more common than such plurals
    assert tokens_of(word) != [not_read_as]


@pytest.mark.parametrize(
    ("forms", "stem"),
    [
        (["اروپا", "اروپایی", "اروپاییان", "اروپایی‌ها"], "اروپا"),
        (["کانادا", "کانادایی"], "کانادا"),
        (["آمریکا", "آمریکایی", "آمریکایی‌ها"], "امریکا"),
        # The plural of an adjective that is not a lexicon word itself, as the adjective is read.
        (["ایران", "ایرانی", "ایرانی‌ها", "ایرانیها", "ایرانی‌های"], "ایران"),
        (["ژاپن", "ژاپنی", "ژاپنی‌ها"], "ژاپن"),
    ],
)
def test_an_adjective_and_its_plural_are_read_as_their_word(forms, stem):
    assert {tuple(tokens_of(form)) for form in forms} == {(stem,)}


@pytest.mark.parametrize("word", ["بازی", "کشتی", "نهایی", "شناسایی", "کشتی‌ها"])
def test_other_words_ending_in_i_keep_it(word):
    # «ی» after a consonant makes other words too; «نها», «شناسا» are not words.
    assert tokens_of(word) == [normalize(word).removesuffix("ها")]


@pytest.mark.parametrize("word", ["موسولینی", "ایران", "تهران", "رزین", "2016", "python"])
def test_words_and_names_are_not_cut_into_other_words(word):
    assert tokens_of(word) == [normalize(word)]


@pytest.mark.parametrize(
    "variants",
    [
        ["کتاب‌خانه‌ها", "کتابخانه‌ها", "کتابخانهها", "کتاب‌خانه ها"],
        ["بین‌المللی", "بینالمللی"],
        ["قرآن", "قر\u0627\u0653ن", "قران"],  # composed and decomposed madda, and none
        ["مسئله", "مسیله"],
    ],
)
def test_orthographic_variants_meet(variants):
    assert len({tuple(tokens_of(v)) for v in variants}) == 1


def test_passages_also_carry_compound_parts():
    passage = analyze_passage(normalize("کتاب‌خانه‌های بین‌المللی"))
    assert {"کتابخانه", "کتاب", "خانه", "بینالمللی", "بین", "المللی"} <= set(passage)
    assert set(tokens_of("کتاب خانه بین المللی")) <= set(passage)
    assert analyze(normalize("کتابخانه")) == ["کتابخانه"]  # a question keeps the whole word


def test_a_passage_word_that_runs_a_function_word_into_a_word_also_gives_the_word():
    assert analyze_passage(normalize("درسال ۱۳۵۷ دردسترس بود"))[:4] == ["درسال", "سال", "1357", "دردسترس"]
    assert "دسترس" in analyze_passage(normalize("دردسترس"))
    assert "وجود" in analyze_passage(normalize("باوجود"))
    # lexicon words and names are left whole: «درمان» is no «در مان», «بهزاد» no «به زاد»
    for word in ("درمان", "بهترین", "ازدواج", "بهزاد", "بارنی"):
        assert analyze_passage(normalize(word)) == analyze(normalize(word))


@pytest.mark.parametrize("question", ["چه کسی؟", "کدام؟ چرا؟ چگونه؟", "", "؟!", "آیا"])
def test_question_words_only_give_no_tokens_and_no_hits(index, question):
    assert tokens_of(question) == []
    ids, scores = index.search(normalize(question), 5)
    assert ids.shape == scores.shape == (0,)


def test_unknown_words_give_no_hits(index):
    ids, scores = index.search(normalize("زیردریایی اتمی"), 5)
    assert len(ids) == len(scores) == 0


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("کتابخانه ملی کجاست؟", 0),
        ("کتاب خانه ملی ایران در کدام شهر است؟", 0),
        ("پرآب ترین رود ایران کدام است؟", 1),
        ("رودهای ایران از کدام کوه سرچشمه میگیرند؟", 1),
        ("قران چند سوره دارد؟", 2),
        ("بازی های المپیک 2016 در کدام شهر برگزار شد؟", 3),
        ("رهبر فاشیستها در ایتالیا که بود؟", 4),
        ("رای گیری نهایی کجا انجام شد؟", 5),
        ("دانشجو ها کجا درس میخوانند", 6),
    ],
)
def test_the_right_passage_ranks_first(index, question, expected):
    ids, scores = index.search(normalize(question), 3)
    assert ids[0] == expected
    assert np.all(np.diff(scores) <= 0)


def test_results_are_sorted_matching_rows_only(index):
    ids, scores = index.search(normalize("ایران تهران ریو"), 100)
    assert 0 < len(ids) < len(PASSAGES)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    assert np.all(scores > 0) and np.all(np.diff(scores) <= 0)
    assert len(set(ids.tolist())) == len(ids)
    top2, _ = index.search(normalize("ایران تهران ریو"), 2)
    assert top2.tolist() == ids[:2].tolist()


def test_search_many_matches_search(index):
    queries = [normalize(q) for q in ["کتاب", "چه؟", "رود کارون"]]
    for (ids, scores), query in zip(index.search_many(queries, 3), queries, strict=True):
        one_ids, one_scores = index.search(query, 3)
        assert ids.tolist() == one_ids.tolist() and scores.tolist() == one_scores.tolist()


def test_top_k_must_be_positive(index):
    with pytest.raises(InputError):
        index.search("کتاب", 0)


def test_an_empty_corpus_builds_and_finds_nothing():
    empty = LexicalIndex.build([])
    assert empty.size == 0
    assert len(empty.search("کتاب", 3)[0]) == 0


@pytest.mark.parametrize("mmap", [True, False])
def test_save_and_load_give_identical_results(index, tmp_path, mmap):
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical", mmap=mmap)
    assert loaded.size == index.size and loaded.settings() == index.settings()
    for question in ["کتاب خانه", "رود ایران", "ریو", "2016 المپیک", "چه کسی"]:
        a, b = index.search(normalize(question), 5), loaded.search(normalize(question), 5)
        assert a[0].tolist() == b[0].tolist() and a[1].tolist() == b[1].tolist()
    assert not list((tmp_path / "lexical").glob("*.pkl"))


def test_words_are_the_tokens_and_the_words_the_analyzer_cuts_as_written():
    built = LexicalIndex.build([normalize("شهر آلماتی در جنوب است"), normalize("کتاب‌ها")])
    words = set(built.words())
    assert "الماتی" in words and analyze("الماتی")[0] in words  # cut, so kept as written too
    assert {"شهر", "کتاب", "کتابها"} <= words and "آلماتی" not in words  # normalized, as questions are


@pytest.mark.parametrize("mmap", [True, False])
def test_words_survive_save_and_load_and_an_index_saved_without_them_still_loads(index, tmp_path, mmap):
    index.save(tmp_path / "lexical")
    assert sorted(LexicalIndex.load(tmp_path / "lexical", mmap=mmap).words()) == sorted(index.words())
    (tmp_path / "lexical" / CUT_WORDS_FILE).unlink()  # as an index built before them was saved
    tokens = sorted(word for word in index.words() if index.has_token(word))
    assert tokens != sorted(index.words())
    assert sorted(LexicalIndex.load(tmp_path / "lexical", mmap=mmap).words()) == tokens


def test_settings_record_the_analyzer(index):
    recorded = index.settings()
    assert {k: recorded[k] for k in LexicalIndex.settings_static()} == analyzer_settings()
    assert recorded["bm25"] == {"k1": index.k1, "b": index.b, "method": index.method}
    json.dumps(recorded)  # goes into the manifest as is


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p.update(analyzer_version=p["analyzer_version"] + 1),
        lambda p: p.update(lexicon="0" * 16),
        lambda p: p.update(question_words=["چه"]),
        lambda p: p.update(format_version=99),
        lambda p: p.update(num_docs=p["num_docs"] + 1),
        lambda p: p.pop("bm25"),
    ],
)
def test_a_tampered_params_file_is_refused(index, tmp_path, tamper):
    folder = tmp_path / "lexical"
    index.save(folder)
    params = json.loads((folder / PARAMS_FILE).read_text(encoding="utf-8"))
    tamper(params)
    (folder / PARAMS_FILE).write_text(json.dumps(params), encoding="utf-8")
    with pytest.raises(IndexInvalidError):
        LexicalIndex.load(folder)


def test_missing_or_broken_files_are_refused(index, tmp_path):
    with pytest.raises(IndexMissingError):
        LexicalIndex.load(tmp_path / "nowhere")
    folder = tmp_path / "lexical"
    index.save(folder)
    (folder / PARAMS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexInvalidError):
        LexicalIndex.load(folder)
    index.save(folder)
    (folder / "indptr.csc.index.npy").unlink()
    with pytest.raises(IndexInvalidError):
        LexicalIndex.load(folder)
    index.save(folder)
    (folder / SEQUENCE_FILE).unlink()
    with pytest.raises(IndexInvalidError, match="rebuild"):
        LexicalIndex.load(folder)


def test_a_word_sequence_that_disagrees_with_its_offsets_is_refused(index, tmp_path):
    folder = tmp_path / "lexical"
    index.save(folder)
    offsets = np.load(folder / SEQUENCE_OFFSETS_FILE)
    np.save(folder / SEQUENCE_OFFSETS_FILE, offsets[:-1])  # one passage short
    with pytest.raises(IndexInvalidError, match="word sequence"):
        LexicalIndex.load(folder)
    np.save(folder / SEQUENCE_OFFSETS_FILE, offsets)
    np.save(folder / SEQUENCE_FILE, np.load(folder / SEQUENCE_FILE)[:-1])
    with pytest.raises(IndexInvalidError, match="word sequence"):
        LexicalIndex.load(folder)


ORDER_PASSAGES = [
    "مادر هیتلر در سال ۱۹۰۷ درگذشت.",             # the pair, side by side
    "هیتلر به وین رفت و مادر او در لینتس ماند.",     # both words, apart
    "هیتلر مادر را دوست داشت.",                      # side by side, the other order
    "مادر کلارا بیمار بود.",                         # one word only
    "",
]


def brute_force_proximity(question: str, passage: str, corpus: list[str] = ORDER_PASSAGES) -> float:
    """The definition, spelled out: weighted share of the question's consecutive word pairs
    found side by side (either order) in the passage's analyzed tokens."""
    index = LexicalIndex.build([normalize(p) for p in corpus])
    weights = index.term_weights(normalize(question))
    query = analyze(normalize(question))
    pairs = [(a, b) for a, b in zip(query, query[1:], strict=False) if a != b]
    seq = analyze_passage(normalize(passage))
    side_by_side = {frozenset(p) for p in zip(seq, seq[1:], strict=False)}
    total = sum(weights[a] + weights[b] for a, b in pairs)
    found = sum(weights[a] + weights[b] for a, b in pairs if frozenset((a, b)) in side_by_side)
    return found / total if total else 0.0


@pytest.mark.parametrize("question", ["مادر هیتلر کی درگذشت؟", "هیتلر مادر", "مادر کلارا هیتلر",
                                      "مادر", "چه کسی؟", "سال ۱۹۰۷ مادر هیتلر"])
def test_proximity_is_the_share_of_word_pairs_side_by_side(question):
    index = LexicalIndex.build([normalize(p) for p in ORDER_PASSAGES])
    rows = np.arange(len(ORDER_PASSAGES))
    scores = index.proximity(normalize(question), rows)
    expected = [brute_force_proximity(question, p) for p in ORDER_PASSAGES]
    assert scores.tolist() == pytest.approx(expected, abs=1e-6)
    # Any subset of rows, in any order, gets the same scores.
    assert index.proximity(normalize(question), rows[::-2]).tolist() == pytest.approx(expected[::-2], abs=1e-6)


def test_proximity_of_a_long_question_equals_the_definition():
    # More than 16 distinct question words: the other way of finding them in the passages.
    question = " ".join(PASSAGES[1:4])
    assert len(set(analyze(normalize(question)))) > 16
    index = LexicalIndex.build([normalize(p) for p in PASSAGES])
    scores = index.proximity(normalize(question), np.arange(len(PASSAGES)))
    expected = [brute_force_proximity(question, p, PASSAGES) for p in PASSAGES]
    assert scores.tolist() == pytest.approx(expected, abs=1e-6)
    assert scores[1] > 0 and scores[0] < scores[1]


def test_proximity_ranks_the_passage_that_keeps_the_pair():
    index = LexicalIndex.build([normalize(p) for p in ORDER_PASSAGES])
    scores = index.proximity(normalize("مادر هیتلر چگونه درگذشت؟"), np.arange(len(ORDER_PASSAGES)))
    assert scores[0] > scores[1] and scores[2] > scores[1] and scores[3] == 0 and scores[4] == 0
    assert len(index.proximity(normalize("مادر هیتلر"), np.arange(0))) == 0


@pytest.mark.parametrize("mmap", [True, False])
def test_proximity_survives_save_and_load(tmp_path, mmap):
    index = LexicalIndex.build([normalize(p) for p in ORDER_PASSAGES])
    index.save(tmp_path / "lexical")
    loaded = LexicalIndex.load(tmp_path / "lexical", mmap=mmap)
    rows = np.arange(len(ORDER_PASSAGES))
    question = normalize("مادر هیتلر در سال ۱۹۰۷")
    assert loaded.proximity(question, rows).tolist() == index.proximity(question, rows).tolist()


def brute_force_bm25(
    docs: list[list[str]], query: list[str], k1: float, b: float, method: str
) -> np.ndarray:
    """BM25 written out term by term (Kamphuis et al. 2020, as bm25s names the variants)."""
    n = len(docs)
    avg_len = sum(map(len, docs)) / n
    df = Counter(t for doc in docs for t in set(doc))
    scores = np.zeros(n)
    for i, doc in enumerate(docs):
        tf = Counter(doc)
        for term in query:
            if tf[term] == 0:
                continue
            if method == "lucene":
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
            elif method == "robertson":
                idf = math.log(max(1.0, (n - df[term] + 0.5) / (df[term] + 0.5)))
            else:  # atire
                idf = math.log(n / df[term])
            norm = k1 * (1 - b + b * len(doc) / avg_len)
            gain = tf[term] * (k1 + 1) if method == "atire" else tf[term]
            scores[i] += idf * gain / (tf[term] + norm)
    return scores


@pytest.mark.parametrize(
    ("k1", "b", "method"),
    [(0.6, 0.9, "lucene"), (1.5, 0.75, "lucene"), (1.2, 0.5, "robertson"), (0.9, 1.0, "atire")],
)
def test_scores_equal_a_brute_force_reference(k1, b, method):
    texts = [normalize(p) for p in PASSAGES]
    # Without background statistics: this is bm25s's formula, term for term.
    index = LexicalIndex.build(texts, k1=k1, b=b, method=method, background=None)
    docs = [analyze_passage(t) for t in texts]
    library = bm25s.BM25(k1=k1, b=b, method=method)
    library.index(docs, show_progress=False)
    for question in ["کتاب ایران", "ایران ایران تهران", "ریو شهر المپیک 2016", "رود کوه"]:
        query = analyze(normalize(question))
        expected = brute_force_bm25(docs, query, k1, b, method)
        ids, scores = index.search(normalize(question), len(texts))
        full = np.zeros(len(texts))
        full[ids] = scores
        np.testing.assert_allclose(full, expected, atol=1e-5)
        np.testing.assert_allclose(full, library.get_scores(query), atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="کتابهایشانرودیرانچه‌ ؟ی0123456789آئ", max_size=40))
def test_analyze_is_total_and_search_sorted(text):
    normalized = normalize(text)
    assert analyze(normalized) == analyze(normalized)
    assert set(analyze(normalized)) <= set(analyze_passage(normalized))
    index = LexicalIndex.build([normalize(p) for p in PASSAGES[:3]])
    ids, scores = index.search(normalized, 3)
    assert len(ids) == len(scores) <= 3 and np.all(np.diff(scores) <= 0)


def test_word_token_is_analyze_without_the_cache() -> None:
    from qa.lexical import _ANALYZER, word_token

    for word in ("کتابها", "درختیی", "قزاقستان", "1991", "میریزند"):
        assert [word_token(word)] == analyze(word)
    assert word_token("کسانی") is None and analyze("کسانی") == []  # a question word
    # Question words with the copula or the plural on them, however the suffix is typed.
    for question_word in ("کیست", "چندمین", "کدام‌اند", "کدام اند", "کداماند", "کجاها"):
        assert analyze(normalize(question_word)) == [], question_word
    assert word_token("زیپیلوفسقک") == "زیپیلوفسقک" and "زیپیلوفسقک" not in _ANALYZER._query_cache


def test_verb_forms_are_told_from_nouns() -> None:
    question = normalize("روس‌هایی که در قزاقستان زندگی می‌کردند بعد از استقلال این کشور چه کردند؟")
    assert verb_tokens(question) == {analyze(normalize("می‌کردند"))[0], "کردند"}
    assert verb_tokens(normalize("قزاقستان کی از شوروی جدا شد؟")) == {"شد"}
    assert not verb_tokens(normalize("روابط قزاقستان با روسیه"))


def _fold_one(word: str) -> str:
    import unicodedata

    from qa.lexical import _FOLD, _LEXICON_LETTERS

    word = "".join(c for c in word.strip() if unicodedata.category(c) != "Mn")
    return word.translate(_LEXICON_LETTERS).translate(_FOLD).lower()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="أإٱؤةۀيكآئءابکی\u200c\u064e\u0651 \nAbΣ", max_size=10), max_size=8))
def test_lexicon_words_fold_together_as_each_alone(words: list[str]) -> None:
    from qa.lexical import _fold_lexicon_words

    assert _fold_lexicon_words(words) == [_fold_one(word) for word in words]


def test_together_says_whether_one_passage_holds_both_words(index: LexicalIndex) -> None:
    assert index.together("بنیتو", "موسولینی")
    assert index.together("ریو", "المپیک")
    assert not index.together("موسولینی", "کارون")  # each in a passage, never in one
    assert not index.together("موسولینی", "ناپلئون")  # a word no passage holds


def test_a_question_of_common_words_only_is_told_apart() -> None:
    from qa.background import Background

    texts = [normalize(p) for p in PASSAGES]
    background = Background(100, {"و": 60, "از": 45, "این": 16, "ایران": 3})
    index = LexicalIndex.build(texts, k1=1.2, b=0.75, method="lucene", background=background)
    assert index.only_common_words(["و", "از", "این"])  # each in more than 10% of the texts
    assert not index.only_common_words(["و", "ایران"])  # one word in 3%
    assert not index.only_common_words(["و", "نادیده"])  # a word the background never saw
    assert not index.only_common_words([])
    plain = LexicalIndex.build(texts, k1=1.2, b=0.75, method="lucene", background=None)
    assert not plain.only_common_words(["و"])  # no background: nothing to judge by
