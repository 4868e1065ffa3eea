from pathlib import Path

import numpy as np
import pytest

from qa import store
from qa.errors import IndexInvalidError, InputError
from qa.fusion import FusionSettings, fuse
from qa.search import Searcher

# The same question written the ways users write it: Arabic ي/ك, no ZWNJ, a space instead of
# ZWNJ, Latin or Arabic-Indic digits, diacritics, kashida.
VARIANTS = [
    ["تخت جمشید در چه سالی در فهرست میراث جهانی ثبت شد؟",
     "تخت جمشيد در چه سالي در فهرست ميراث جهاني ثبت شد؟",
     "تَخت جَمشید در چه سالی در فِهرست میراث جهانی ثبت شد؟",
     "تخت جمشـــید در چه سالی در فهرست میراث جهانی ثبت شد؟"],
    ["جمعیت تهران در سال ۱۳۹۵", "جمعیت تهران در سال 1395", "جمعيت تهران در سال ١٣٩٥",
     "جمعیت تهران در سال １٣９５", "\u2067جمعیت تهران در سال ۱۳۹۵\u2069"],
    ["زاینده‌رود از کجا می‌گذرد؟", "زاینده رود از کجا می گذرد؟", "زایندهرود از کجا میگذرد؟"],
    ["آرامگاه‌های شیراز کدام‌اند؟", "آرامگاه های شیراز کدام اند؟", "آرامگاههای شیراز کداماند؟"],
    ["شاعران شیراز و آرامگاه‌هایشان", "شاعران شیراز و آرامگاه هایشان", "شاعران شیراز و آرامگاههایشان"],
]


@pytest.mark.parametrize("retriever", ["hybrid", "dense", "lexical"])
def test_scores_never_increase_down_the_ranking(searcher: Searcher, retriever: str) -> None:
    result = searcher.search("حافظ و سعدی در شیراز", top_k=5, retriever=retriever)
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True)
    assert [hit.rank for hit in result.hits] == list(range(1, len(result.hits) + 1))
    assert result.hits[0].passage.doc_id == "shiraz"


# Three rankings fused, as the bundled model's calibration does.
WITH_SUBWORDS = FusionSettings("blend", 0.1, subword_weight=0.45)


@pytest.fixture
def subword_searcher(tiny_index: Path, fake_encoder) -> Searcher:  # type: ignore[no-untyped-def]
    return Searcher(store.load_current(tiny_index)[0], fake_encoder, fusion=WITH_SUBWORDS)


@pytest.mark.parametrize("variants", VARIANTS)
@pytest.mark.parametrize("which", ["searcher", "subword_searcher"])
def test_orthographic_variants_give_the_same_ranking(
    request: pytest.FixtureRequest, which: str, variants: list[str]
) -> None:
    searcher = request.getfixturevalue(which)
    rankings = [[h.passage.id for h in searcher.search(v, top_k=3).hits] for v in variants]
    assert all(r == rankings[0] for r in rankings)


def test_subword_ranking_rescores_only_the_candidates(subword_searcher: Searcher) -> None:
    from qa.text import normalize

    question = normalize("آرامگاه شاعران شیرازی کجاست؟")
    vector = subword_searcher.encoder.encode_queries([question])[0]
    dense, lexical = subword_searcher.rankings(question, vector, 2, "hybrid")
    ids, scores = subword_searcher.subword_ranking(question, dense, lexical)
    assert set(ids.tolist()) <= set(dense[0].tolist()) | set(lexical[0].tolist())
    assert len(ids) and (scores > 0).all() and list(scores) == sorted(scores, reverse=True)
    top = subword_searcher.search("آرامگاه شاعران شیرازی کجاست؟", top_k=1).hits[0]
    assert top.passage.doc_id == "shiraz"


def test_evidence_points_into_the_document(searcher: Searcher) -> None:
    hit = searcher.search("آرامگاه حافظ", top_k=1).hits[0]
    evidence = hit.evidence[0]
    document = searcher.metadata.document(hit.passage.doc_id)
    assert "حافظ" in evidence.text
    assert document.text[evidence.char_start:evidence.char_end] == evidence.text
    assert hit.passage.char_start <= evidence.char_start < evidence.char_end <= hit.passage.char_end


def test_bad_questions_and_retrievers(searcher: Searcher) -> None:
    with pytest.raises(InputError):
        searcher.search("  ؟ ", top_k=3)
    with pytest.raises(InputError):
        searcher.search("حافظ", retriever="magic")


def test_index_of_another_model_is_refused(tiny_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    fake_encoder.fingerprint = "fake:2"
    with pytest.raises(IndexInvalidError, match="rebuild"):
        Searcher(store.load_current(tiny_index)[0], fake_encoder)


@pytest.mark.parametrize("method", ["blend", "rrf"])
def test_fusion_keeps_every_candidate_once_and_orders_by_score(method: str) -> None:
    dense = (np.array([3, 1, 2]), np.array([0.9, 0.5, 0.1], np.float32))
    lexical = (np.array([2, 4]), np.array([12.0, 3.0], np.float32))
    ids, scores = fuse(dense, lexical, FusionSettings(method, 0.5))
    assert sorted(ids.tolist()) == [1, 2, 3, 4]
    assert list(scores) == sorted(scores, reverse=True)
    only_dense = fuse(dense, lexical, FusionSettings(method, 1.0))[0]
    assert only_dense.tolist()[:3] == [3, 1, 2]


def test_word_order_is_added_as_a_share_times_its_weight() -> None:
    dense = (np.array([3, 1]), np.array([0.9, 0.5], np.float32))
    lexical = (np.array([1, 3]), np.array([4.0, 2.0], np.float32))
    proximity = (np.array([1, 3]), np.array([1.0, 0.0], np.float32))
    ids, scores = fuse(dense, lexical, FusionSettings("blend", 0.5), proximity=proximity)
    assert ids.tolist() == [1, 3] and scores.tolist() == [0.5, 0.5]  # a tie without word order
    ids, scores = fuse(dense, lexical, FusionSettings("blend", 0.5, proximity_weight=0.2), proximity=proximity)
    assert ids.tolist() == [1, 3] and scores.tolist() == pytest.approx([0.7, 0.5])
    flipped = (np.array([1, 3]), np.array([0.0, 0.5], np.float32))
    ids, scores = fuse(dense, lexical, FusionSettings("blend", 0.5, proximity_weight=0.2), proximity=flipped)
    assert ids.tolist() == [3, 1] and scores.tolist() == pytest.approx([0.6, 0.5])


def test_hybrid_prefers_the_passage_with_the_question_words_side_by_side(
        tiny_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    from qa.text import normalize

    order = FusionSettings("blend", 0.0, subword_weight=0.0, proximity_weight=0.3)
    searcher = Searcher(store.load_current(tiny_index)[0], fake_encoder, fusion=order)
    question = normalize("حافظ و سعدی در شیراز")
    vector = searcher.encoder.encode_queries([question])[0]
    dense, lexical = searcher.rankings(question, vector, 100, "hybrid")
    ids, scores = searcher.proximity_ranking(question, dense, lexical)
    assert ids.tolist() == sorted(set(dense[0].tolist()) | set(lexical[0].tolist()))
    assert ((scores >= 0) & (scores <= 1)).all()
    expected = fuse(dense, lexical, order, None, (ids, scores))[0][:3].tolist()
    assert [hit.passage.id for hit in searcher.search(question, top_k=3).hits] == expected


def test_cached_evidence_gives_the_same_answers(searcher: Searcher) -> None:
    from qa.evidence import SentenceCache

    questions = ["حافظ و سعدی در شیراز", "جمعیت تهران", "زاینده‌رود از کجا می‌گذرد؟"]
    first = [searcher.search(q, top_k=3) for q in questions]
    assert searcher.sentence_cache._passages  # now cached
    again = [searcher.search(q, top_k=3) for q in questions]
    searcher.sentence_cache = SentenceCache(max_entries=2, max_passages=1)  # evicts at once
    tight = [searcher.search(q, top_k=3) for q in questions]
    assert first == again == tight
    assert len(searcher.sentence_cache._passages) <= 1
    assert len(searcher.sentence_cache._entries) <= 2


def test_a_when_question_highlights_the_sentence_with_a_date(searcher: Searcher) -> None:
    # Every sentence of the Shiraz passage names Shiraz; only one says when.
    hit = searcher.search("شیراز کی", top_k=1).hits[0]
    assert hit.passage.doc_id == "shiraz"
    assert "1979" in hit.evidence[0].text
    assert "1979" not in searcher.search("شیراز", top_k=1).hits[0].evidence[0].text


def _generation(tmp_path: Path, fake_encoder, documents: dict[str, str]):  # type: ignore[no-untyped-def]
    """An index of one-passage documents (id -> text), built with the fake encoder."""
    from qa.build import build_index

    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, text in documents.items():
        (folder / f"{doc_id}.txt").write_text(f"---\nid: {doc_id}\ntitle: {doc_id}\n---\n{text}\n", encoding="utf-8")
    build_index(folder, tmp_path / "index", fake_encoder, show_progress=False)
    return store.load_current(tmp_path / "index")[0]


def test_the_passage_with_the_question_words_in_one_sentence_moves_up(tmp_path: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    # One passage has «سد», «کرج» and «ساخت» three times each, the other once, in one sentence.
    generation = _generation(tmp_path, fake_encoder, {
        "apart": "سد بزرگ است و سد زیباست و سد کهن. کرج شهری در ایران است و کرج شلوغ است و کرج بزرگ. ساخت خانه گران است و ساخت راه ارزان و ساخت پل سخت.",
        "together": "ساخت سد کرج در سال ۱۳۴۰ تمام شد و مردم شهر آن روز جشن بزرگی گرفتند.",
    })
    question = "ساخت سد کرج"
    plain = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0))
    before = plain.search(question, top_k=2).hits
    scores = {h.passage.doc_id: h.score for h in before}
    assert before[0].passage.doc_id == "apart" and scores["together"] < 0.5  # words alone prefer it
    leading = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0, evidence_weight=2.0))  # two passages: min-max puts them 1.0 apart
    hits = leading.search(question, top_k=2).hits
    assert hits[0].passage.doc_id == "together"
    assert hits[0].score == pytest.approx(scores["together"] + 2.0 * hits[0].evidence[0].score, abs=1e-5)
    # The evidence reused from the reranking is the evidence `Searcher.evidence` chooses.
    assert [h.evidence for h in hits] == leading.evidence(question, [h.passage for h in hits])
    # Other retrievers are not reranked.
    assert leading.search(question, top_k=2, retriever="lexical").hits == plain.search(question, top_k=2, retriever="lexical").hits


def test_reranking_with_a_memo_gives_the_same_ranking(searcher: Searcher) -> None:
    from qa.search import RerankMemo
    from qa.text import normalize

    settings = FusionSettings("blend", 0.2, synonym_weight=0.5, contrast_weight=0.2, evidence_weight=0.15)
    question = normalize("حافظ و سعدی در شیراز")
    vector = searcher.encoder.encode_queries([question])[0]
    ids, scores = fuse(*searcher.rankings(question, vector, 100, "hybrid"), settings)
    memo = RerankMemo()
    plain = searcher.rerank(question, ids, scores, settings)
    first = searcher.rerank(question, ids, scores, settings, memo=memo)
    assert memo.held and memo.evidence and set(first[2]) <= set(memo.evidence)
    again = searcher.rerank(question, ids, scores, settings, memo=memo)  # all from the memo
    for ranking in (first, again):
        assert ranking[0].tolist() == plain[0].tolist() and ranking[1].tolist() == plain[1].tolist()
        assert ranking[2] == plain[2]


def test_a_question_of_common_words_only_finds_no_answer(searcher: Searcher) -> None:
    for question in ("این چیست؟", "و", "از"):
        result = searcher.search(question, top_k=3)
        assert result.hits and not result.answer_found and result.confidence == 0.0, question
    assert searcher.search("حافظ و سعدی در شیراز", top_k=3).answer_found


def test_a_when_question_weighs_the_sentence_with_a_date_twice(tmp_path: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    from qa.search import ASKED_KIND_EVIDENCE_FACTOR

    # Both passages say the question's words in one sentence; only one says when.
    generation = _generation(tmp_path, fake_encoder, {
        "words": "سپاه به شهر رسید و سپاه در شهر ماند.", "date": "سپاه در سال ۱۳۲۰ به شهر رسید."})
    searcher = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0, evidence_weight=1.0))
    for question, kind_factor in (("سپاه کی به شهر رسید", ASKED_KIND_EVIDENCE_FACTOR), ("سپاه به شهر رسید", 1.0)):
        words_only = {h.passage.doc_id: h.score for h in Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0)).search(question, top_k=2).hits}
        hits = searcher.search(question, top_k=2).hits
        for hit in hits:  # each of the 5 best gains evidence_weight x its best sentence's score, x2 for "when"
            assert hit.score == pytest.approx(words_only[hit.passage.doc_id] + kind_factor * hit.evidence[0].score, abs=1e-5)


def test_a_latin_question_mark_reads_as_the_persian_one_with_the_bundled_model(tmp_path: Path) -> None:
    # The bundled model learned «؟»: a typed «?» moved its ranking and "answer found".
    from qa.build import build_index
    from qa.embed import SentenceTransformerEncoder
    from tests.conftest import TINY_DOCS

    (tmp_path / "corpus").mkdir()
    for name, text in TINY_DOCS.items():
        (tmp_path / "corpus" / name).write_text(text, encoding="utf-8")
    encoder = SentenceTransformerEncoder()
    build_index(tmp_path / "corpus", tmp_path / "index", encoder, show_progress=False)
    searcher = Searcher(store.load_current(tmp_path / "index")[0], encoder)
    persian = searcher.search("آرامگاه حافظ کجاست؟", top_k=3, retriever="dense")
    for typed in ("آرامگاه حافظ کجاست?", "«آرامگاه حافظ کجاست؟» 😀"):
        latin = searcher.search(typed, top_k=3, retriever="dense")
        assert [h.score for h in latin.hits] == [h.score for h in persian.hits]
        assert latin.confidence == persian.confidence and latin.read_as is None


def test_a_document_whose_title_the_question_names_moves_up(searcher: Searcher) -> None:
    from qa.fusion import FusionSettings

    passages = searcher.metadata.all_passages()
    tehran = next(p.id for p in passages if p.doc_id == "tehran")
    shiraz = next(p.id for p in passages if p.doc_id == "shiraz")
    question = searcher.question_text("آرامگاه حافظ در شیراز کجاست؟")
    ids, scores = np.array([tehran, shiraz]), np.array([1.0, 0.9], dtype=np.float32)
    reranked = searcher.rerank(question, ids, scores, FusionSettings())[0]
    assert reranked.tolist() == [shiraz, tehran]
    # a question naming no title leaves the order as fused
    other = searcher.question_text("بلندترین کوه کجاست؟")
    assert searcher.rerank(other, ids, scores, FusionSettings())[0].tolist() == [tehran, shiraz]
