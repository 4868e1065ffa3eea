from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import store
from qa.errors import InputError
from qa.fusion import FusionSettings
from qa.lexical import LexicalIndex, analyze
from qa.search import Searcher
from qa.synonyms import MAX_SYNONYMS, Thesaurus, load_thesaurus, parse
from qa.text import normalize


def analyze_text(text: str) -> list[str]:
    return analyze(normalize(text))


def thesaurus(*lines: str) -> Thesaurus:
    return Thesaurus(synonyms=parse(lines, analyze_text))


def test_lines_become_token_phrases_both_ways():
    found = thesaurus("# a comment", "", "درگذشت\tفوت|از دنیا رفت", "آغاز\tشروع").synonyms
    assert found[analyze_text("درگذشت")[0]] == (("فوت",), tuple(analyze_text("از دنیا رفت")))
    # A one-word synonym leads back to its headword; a phrase does not.
    assert found["فوت"] == ((analyze_text("درگذشت")[0],),)
    assert found["شروع"] == ((analyze_text("آغاز")[0],),)


def test_headwords_are_analyzed_like_questions():
    # Arabic ي, a plural suffix: looked up by the token a question would give.
    found = thesaurus("كتابها\tنوشته|اثر").synonyms
    assert analyze_text("کتاب")[0] in found


def test_a_synonym_equal_to_its_headword_or_a_phrase_headword_is_skipped():
    found = thesaurus("كتاب\tکتاب", "از دنیا رفت\tمرد").synonyms
    assert found == {}


def test_synonyms_are_capped_best_first():
    synonyms = [f"واژه{chr(0x0627 + i)}" for i in range(MAX_SYNONYMS + 3)]
    found = thesaurus("آغاز\t" + "|".join(synonyms)).synonyms[analyze_text("آغاز")[0]]
    assert len(found) == MAX_SYNONYMS
    assert found[0] == tuple(analyze_text(synonyms[0]))


def test_a_line_without_a_tab_is_an_input_error():
    with pytest.raises(InputError, match="line 2"):
        parse(["آغاز\tشروع", "آغاز شروع"], analyze_text)


def test_expansions_leave_out_the_question_own_words_and_share_phrase_weight():
    expansions = thesaurus("درگذشت\tفوت|از دنیا رفت").expansions(analyze_text("او کی درگذشت و فوت کرد؟"))
    assert "فوت" not in expansions  # already asked
    phrase = analyze_text("از دنیا رفت")
    assert expansions == {token: pytest.approx(1 / len(phrase)) for token in phrase}


def test_expansions_weigh_each_synonym_by_the_word_it_stands_for():
    found = thesaurus("درگذشت\tفوت", "آغاز\tشروع")
    asked = analyze_text("درگذشت و آغاز")
    weights = {analyze_text("درگذشت")[0]: 3.0, analyze_text("آغاز")[0]: 0.5}
    assert found.expansions(asked, weight_of=lambda token: weights.get(token, 1.0)) == {
        "فوت": pytest.approx(3.0), "شروع": pytest.approx(0.5)}


def test_a_phrase_the_question_says_counts_as_its_headword():
    found = thesaurus("درگذشت\tفوت|از دنیا رفت|جان باخت", "متولد\tزاده|به دنیا آمده")
    asked = analyze_text("شاعر کی از دنیا رفت؟")
    read = found.for_question(asked)
    died = analyze_text("درگذشت")[0]
    for token in analyze_text("از دنیا رفت"):
        # The phrase's words now also stand for the headword and its one-word synonyms.
        assert (died,) in read[token] and ("فوت",) in read[token]
    assert read.get(analyze_text("شاعر")[0]) is None
    assert found.expansions(asked)[died] == pytest.approx(1.0)
    assert found.expansions(asked)["فوت"] == pytest.approx(1.0)


def test_a_phrase_matches_with_another_verb_ending_but_only_whole_and_in_order():
    found = thesaurus("متولد\tزاده|به دنیا آمده")
    born = analyze_text("متولد")[0]
    assert born in found.expansions(analyze_text("او کجا به دنیا آمد؟"))  # «آمد» for «آمده»
    assert born in found.expansions(analyze_text("کجا به دنیا آمدند"))
    assert born not in found.expansions(analyze_text("دنیا به کجا آمد"))  # words out of order
    assert born not in found.expansions(analyze_text("به دنیای تازه آمد"))  # words apart
    assert born not in found.expansions(analyze_text("به دنیا امدادرسانی"))  # another word
    # Without a phrase in the question, the thesaurus's own mapping is used as it is.
    assert found.for_question(analyze_text("زاده کجاست")) is found.synonyms


def test_a_phrase_counts_in_coverage_where_the_passage_has_its_headword():
    from qa.abstain import coverage

    found = thesaurus("درگذشت\tفوت|از دنیا رفت")
    asked = analyze_text("شاعر کی از دنیا رفت")
    weights = dict.fromkeys(asked, 1.0)
    passage = set(analyze_text("شاعر در شیراز درگذشت"))
    assert coverage(weights, passage, found.for_question(asked)) == 1.0
    assert coverage(weights, passage, found.synonyms) < 1.0


def test_phrases_are_read_as_their_headword_only_in_that_direction():
    from qa.synonyms import parse_phrases

    phrases = parse_phrases(["# phrases", "متولد\tبه دنیا آمد|زاده|متولد شد|چشم به جهان گشود"], analyze_text)
    born = analyze_text("متولد")[0]
    # A one-word phrase, or one holding the headword itself, adds nothing: left out.
    assert phrases == {born: (tuple(analyze_text("به دنیا آمد")), tuple(analyze_text("چشم به جهان گشود")))}
    found = Thesaurus(synonyms=parse(["متولد\tزاده"], analyze_text), phrases=phrases)
    expanded = found.expansions(analyze_text("او کجا به دنیا آمد؟"))
    assert expanded[born] == pytest.approx(1.0) and expanded["زاده"] == pytest.approx(1.0)
    # The headword asked is widened by its synonyms, not by these phrases.
    assert set(found.expansions(analyze_text("او کجا متولد شد"))) == {"زاده"}


def test_a_thesaurus_file_of_ones_own_is_read_without_the_bundled_phrases(tmp_path: Path):
    from qa.synonyms import thesaurus_for

    own = tmp_path / "own.tsv"
    own.write_text("درگذشت\tفوت\n", encoding="utf-8")
    assert thesaurus_for(str(own)).phrases == {}
    bundled = load_thesaurus()
    assert len(bundled.phrases) > 1000
    assert analyze_text("متولد")[0] in bundled.expansions(analyze_text("کجا به دنیا آمد"))


def test_the_bundled_thesaurus_loads_and_expands():
    bundled = load_thesaurus()
    assert len(bundled.synonyms) > 1000
    assert "فوت" in bundled.expansions(analyze_text("درگذشت"))


@pytest.mark.parametrize(("words", "digits"), [
    ("قرن نوزدهم", "قرن ۱۹"), ("نوزدهمین دوره", "دوره 19"), ("جنگ جهانی دوم", "جنگ جهانی ۲"),
    ("سی‌امین سالگرد", "سالگرد ۳۰"), ("هفتصد سال", "۷۰۰ سال"),
])
def test_number_words_and_their_digits_cover_each_other(words: str, digits: str):
    from qa.abstain import coverage

    synonyms = load_thesaurus().synonyms
    for question, passage in ((words, digits), (digits, words)):
        weights = dict.fromkeys(analyze_text(question), 1.0)
        assert coverage(weights, set(analyze_text(passage)), synonyms) == 1.0, (question, passage)


def test_number_words_that_are_also_other_words_bring_no_digits():
    synonyms = load_thesaurus().synonyms
    for word in ("نه", "ده", "یک"):  # 'no', 'village', 'a'
        assert not any(phrase[0].isdigit() for phrase in synonyms.get(analyze_text(word)[0], ())), word


@pytest.mark.parametrize(("asked", "said"), [
    ("مخترع", "اختراع"), ("زادگاه", "متولد"), ("اهل", "متولد"), ("آرامگاه", "دفن"), ("مؤسس", "تأسیس"),
])
def test_a_noun_for_the_doer_or_the_place_finds_the_deed(asked: str, said: str):
    # «مخترع والیبال کیست؟» of a passage that says «... اختراع کرد»: no synonym, a derivation
    assert analyze_text(said)[0] in load_thesaurus().expansions(analyze_text(asked))


def test_an_unreadable_thesaurus_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read"):
        load_thesaurus(tmp_path / "missing.tsv")
    broken = tmp_path / "broken.tsv"
    broken.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InputError, match="UTF-8"):
        load_thesaurus(broken)


TEXTS = [normalize(t) for t in (
    "شاعر در سال ۱۳۰۰ درگذشت و در شیراز به خاک سپرده شد.",
    "شاعر در سال ۱۲۳۰ در شیراز به دنیا آمد.",
    "شهر شیراز باغ‌های بسیار دارد.",
)]


def test_extra_tokens_are_scored_as_weighted_query_words():
    index = LexicalIndex.build(TEXTS, background=None)
    question = normalize("شاعر کی فوت کرد")
    plain = index.search(question, 3)  # passages 0 and 1 by «شاعر» alone
    none = index.search(question, 3, {})
    assert [a.tolist() for a in none] == [a.tolist() for a in plain]
    expanded = index.search(question, 3, {"درگذشت": 0.5})
    assert expanded[0][0] == 0
    died = index.search(normalize("درگذشت"), 3)
    assert died[0].tolist() == [0]
    gain = expanded[1][0] - dict(zip(plain[0].tolist(), plain[1].tolist(), strict=True))[0]
    assert gain == pytest.approx(0.5 * died[1][0], rel=1e-5)
    # A synonym the question already has adds nothing; an unknown or weightless one neither.
    same = index.search(question, 3, {"شاعر": 1.0, "ناشناخته": 1.0, "درگذشت": 0.0})
    assert [a.tolist() for a in same] == [a.tolist() for a in plain]


@pytest.fixture
def synonym_searcher(tiny_index: Path, fake_encoder) -> Searcher:  # type: ignore[no-untyped-def]
    return Searcher(store.load_current(tiny_index)[0], fake_encoder,
                    fusion=FusionSettings("blend", 0.1, subword_weight=0.45, synonym_weight=0.5),
                    thesaurus=thesaurus("پایتخت\tکرسی"))


def test_hybrid_search_finds_a_passage_by_a_synonym(synonym_searcher: Searcher):
    question = normalize("کرسی کشور")  # no passage has either word; one says «پایتخت»
    vector = synonym_searcher.encoder.encode_queries([question])[0]
    _, with_synonyms = synonym_searcher.rankings(question, vector, 5, "hybrid")
    _, without = synonym_searcher.rankings(question, vector, 5, "hybrid", FusionSettings(synonym_weight=0.0))
    _, lexical = synonym_searcher.rankings(question, vector, 5, "lexical")
    capital = [p.id for p in synonym_searcher.metadata.all_passages() if "پایتخت" in p.text]
    assert with_synonyms[0].tolist() == capital
    assert len(without[0]) == 0
    # The lexical retriever stays plain BM25.
    assert np.array_equal(lexical[0], without[0])
    assert synonym_searcher.search("کرسی کشور", top_k=1).hits[0].passage.id == capital[0]


def test_synonyms_of_a_word_no_passage_holds_take_the_absent_weight(synonym_searcher: Searcher):
    synonym_searcher.thesaurus = thesaurus("پایتخت\tکرسی", "ایران\tکشور")
    question = normalize("کرسی ایران")  # no passage says «کرسی»; some say «ایران»
    asked, held = analyze_text("کرسی")[0], analyze_text("ایران")[0]
    assert not synonym_searcher.lexical.has_token(asked) and synonym_searcher.lexical.has_token(held)
    capital, country = analyze_text("پایتخت")[0], analyze_text("کشور")[0]
    assert synonym_searcher.synonym_tokens(question, 0.5) == {capital: 0.5, country: 0.5}
    assert synonym_searcher.synonym_tokens(question, 0.5, 3.0) == {capital: 3.0, country: 0.5}
    assert synonym_searcher.synonym_tokens(question, 0.0, 3.0) == {}  # synonyms off: none at all
    # A word only one passage holds: its synonyms at the rare weight.
    synonym_searcher.thesaurus = thesaurus("پایتخت\tکرسی", "ایران\tکشور", "دماوند\tدنباوند")
    rare, rare_synonym = analyze_text("دماوند")[0], analyze_text("دنباوند")[0]
    assert synonym_searcher.lexical.token_frequency(rare) == 1
    assert synonym_searcher.lexical.token_frequency(held) > 1
    assert synonym_searcher.synonym_tokens(normalize("کرسی ایران دماوند"), 0.5, 3.0, 1.0) == {
        capital: 3.0, country: 0.5, rare_synonym: 1.0}
    assert synonym_searcher.synonym_tokens(normalize("کرسی ایران دماوند"), 0.5, 3.0) == {
        capital: 3.0, country: 0.5, rare_synonym: 0.5}
    # The fusion's setting is what a search uses; the ranking moves the passage with «پایتخت» up.
    vector = synonym_searcher.encoder.encode_queries([question])[0]
    plain = synonym_searcher.rankings(question, vector, 5, "hybrid")[1]
    absent = synonym_searcher.rankings(question, vector, 5, "hybrid",
                                       replace(synonym_searcher.fusion, absent_synonym_weight=3.0))[1]
    scores = dict(zip(*(a.tolist() for a in plain), strict=True))
    boosted = dict(zip(*(a.tolist() for a in absent), strict=True))
    holds_capital = [p.id for p in synonym_searcher.metadata.all_passages() if "پایتخت" in p.text]
    assert holds_capital and all(boosted[i] > scores[i] for i in holds_capital)


def test_a_synonym_in_the_passage_covers_the_question_word():
    from qa.abstain import coverage

    weights = {"شاعر": 1.0, "فوت": 3.0}
    synonyms = thesaurus("درگذشت\tفوت|از دنیا رفت").synonyms
    passage = set(analyze_text("شاعر در شیراز درگذشت"))
    assert coverage(weights, passage) == pytest.approx(0.25)
    assert coverage(weights, passage, synonyms) == pytest.approx(1.0)
    # A phrase counts only whole.
    half = {"درگذشت": 1.0}
    assert coverage(half, set(analyze_text("از دنیا")), synonyms) == 0.0
    assert coverage(half, set(analyze_text("از دنیا رفت")), synonyms) == 1.0


def test_the_background_can_be_swapped_for_measurements():
    from qa.background import Background

    plain = LexicalIndex.build(TEXTS, background=None)
    swapped = LexicalIndex.build(TEXTS, background=None)
    question = normalize("شاعر شیراز")
    swapped.use_background(Background(texts=1000, doc_freq={"شاعر": 900}))
    assert swapped.search(question, 3)[1].tolist() != plain.search(question, 3)[1].tolist()
    swapped.use_background(None)
    assert [a.tolist() for a in swapped.search(question, 3)] == [a.tolist() for a in plain.search(question, 3)]


def test_the_thesaurus_setting(tmp_path: Path):
    from qa.errors import SettingsError
    from qa.synonyms import EMPTY, thesaurus_for

    assert thesaurus_for("none") is EMPTY and EMPTY.expansions(["فوت"]) == {}
    assert thesaurus_for("bundled") is load_thesaurus()
    own = tmp_path / "own.tsv"
    own.write_text("# my domain\nمیوکارد\tعضله قلب\n", encoding="utf-8")
    assert thesaurus_for(str(own)).expansions(analyze_text("میوکارد")) == {
        token: pytest.approx(0.5) for token in analyze_text("عضله قلب")}
    with pytest.raises(SettingsError, match="QA_THESAURUS"):
        thesaurus_for(str(tmp_path / "missing.tsv"))


def test_scoring_chosen_rows_equals_searching_them():
    index = LexicalIndex.build(TEXTS, background=None)
    question = normalize("شاعر شیراز کی فوت کرد")
    synonyms = {"درگذشت": 0.5}
    everything = index.search(question, 3, synonyms)
    rows = index.score_rows(question, np.array([2, 0, 1, 0]), 3, synonyms)
    assert [a.tolist() for a in rows] == [a.tolist() for a in everything]
    only = index.score_rows(question, np.array([1]), 3, synonyms)
    assert only[0].tolist() == [1] and only[1][0] == pytest.approx(everything[1][everything[0].tolist().index(1)])
    assert len(index.score_rows(question, np.array([], dtype=np.int64), 3)[0]) == 0


def test_a_passage_says_a_word_by_a_phrase_in_order():
    from qa.lexical import analyze_passage

    index = LexicalIndex.build(TEXTS, background=None)
    assert index.row_sequences([1, 2]) == [analyze_passage(TEXTS[1]), analyze_passage(TEXTS[2])]
    found = thesaurus("متولد\tزاده|به دنیا آمده")
    born = analyze_text("متولد")[0]
    assert found.words_said(index.row_sequences([1])[0]) == {born, "زاده"}  # «به دنیا آمد»
    assert found.words_said(analyze_text("دنیا به آمد")) == frozenset()


def test_coverage_counts_a_question_word_the_passage_says_by_a_phrase(tiny_index: Path, fake_encoder):  # type: ignore[no-untyped-def]
    generation = store.load_current(tiny_index)[0]
    fusion = FusionSettings("blend", 0.1, subword_weight=0.45, synonym_weight=0.5)
    question = normalize("کوه دماوند کجا واقع است")  # the passage says «قرار دارد»

    def covered(lines: tuple[str, ...]) -> float:
        searcher = Searcher(generation, fake_encoder, fusion=fusion, thesaurus=thesaurus(*lines))
        passage = next(p.id for p in searcher.metadata.all_passages() if "دماوند" in p.text)
        return searcher.answer_coverage(question, passage, searcher.lexical.term_weights(question))

    assert covered(("واقع\tقرار دارد",)) > covered(("واقع\tموجود",))
