from pathlib import Path

import numpy as np
import pytest

from qa import store
from qa.build import index_text
from qa.contrast import contrast_shares, words_held
from qa.fusion import FusionSettings
from qa.lexical import analyze_passage
from qa.search import Searcher
from tests.conftest import corpus_index


def shares_for(term_weights: dict[str, float], head: list[set[str]],
               synonyms: dict[str, tuple[tuple[str, ...], ...]] | None = None) -> np.ndarray:
    def holding(words: list[str]) -> np.ndarray:
        return np.array([[word in tokens for word in words] for tokens in head], dtype=bool).reshape(len(head), len(words))
    return contrast_shares(term_weights, words_held(list(term_weights), synonyms, holding))


def test_a_word_every_head_passage_has_tells_nothing_apart() -> None:
    head = [{"هیتلر", "جنگ"}, {"هیتلر", "نبرد"}, {"هیتلر"}]
    shares = shares_for({"هیتلر": 5.0, "نبرد": 1.0}, head)
    # By IDF alone the first and last would hold 5/6 of the question, the second all of it.
    assert shares[1] == pytest.approx(1.0) and shares[0] == pytest.approx(shares[2])
    assert shares[0] < 0.5


def test_shares_lie_between_zero_and_one_and_count_synonyms() -> None:
    head = [{"درگذشت"}, {"فوت"}, {"زاده"}]
    assert shares_for({"فوت": 2.0}, head).tolist() == pytest.approx([0.0, 1.0, 0.0])
    widened = shares_for({"فوت": 2.0}, head, {"فوت": (("درگذشت",),)})
    assert widened.tolist() == pytest.approx([1.0, 1.0, 0.0])
    # A synonym of two words counts only where both are.
    phrase = shares_for({"فوت": 2.0}, [{"از", "دنیا"}, {"دنیا", "رفت", "از"}, set()], {"فوت": (("از", "دنیا", "رفت"),)})
    assert phrase.tolist() == pytest.approx([0.0, 1.0, 0.0])


def test_nothing_to_tell_apart_gives_zeros() -> None:
    assert shares_for({"فوت": 2.0}, [{"فوت"}]).tolist() == [0.0]
    assert shares_for({}, [{"فوت"}, {"زاده"}]).tolist() == [0.0, 0.0]
    assert len(shares_for({"فوت": 1.0}, [])) == 0


DOCS = {
    "front.txt": "---\nid: front\ntitle: جبهه\n---\n"
    "هیتلر جنگ جهانی اول را بزرگ‌ترین تجربه خواند و در جنگ جهانی اول در جبهه غرب ماند.\n",
    "medal.txt": "---\nid: medal\ntitle: نشان\n---\n"
    "هیتلر در جنگ جهانی اول نشان صلیب آهنین گرفت.\n",
    "runner.txt": "---\nid: runner\ntitle: پیک\n---\n"
    "هیتلر در جنگ جهانی اول پیک هنگ بود.\n",
    "after.txt": "---\nid: after\ntitle: پس از جنگ\n---\n"
    "هیتلر پس از جنگ جهانی اول به مونیخ بازگشت.\n",
    "somme.txt": "---\nid: somme\ntitle: سم\n---\n"
    "هیتلر در نبرد سم زخمی شد و به بیمارستان رفت.\n",
}


@pytest.fixture
def front_index(tmp_path: Path, fake_encoder) -> Path:  # type: ignore[no-untyped-def]
    return corpus_index(DOCS, tmp_path, fake_encoder)


def test_the_passage_with_the_telling_words_moves_up(front_index: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    generation = store.load_current(front_index)[0]
    question = "هیتلر در جنگ جهانی اول کجا زخمی شد؟"
    words_only = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0))
    # «جنگ جهانی اول» weighs more than «زخمی», but four of the five passages have it.
    assert words_only.search(question, top_k=3).hits[0].passage.doc_id == "runner"
    # Min-max blending spreads the five passages over 1.0 (this one last): the bonus must exceed it.
    contrasted = Searcher(generation, fake_encoder, fusion=FusionSettings("blend", 0.0, contrast_weight=2.0))
    hits = contrasted.search(question, top_k=3).hits
    assert hits[0].passage.doc_id == "somme"  # only it has «زخمی»
    # The index's own record of each passage's tokens is what analyzing its text again gives.
    rows = [hit.passage.id for hit in hits]
    analyzed = [frozenset(analyze_passage(index_text(contrasted.metadata.document(hit.passage.doc_id), hit.passage)))
                for hit in hits]
    assert contrasted.lexical.row_tokens(rows) == analyzed
    words = ["زخم", "هیتلر", "جنگ", "نبرد", "نیست"]
    assert contrasted.lexical.holding(words, rows).tolist() == [[word in tokens for word in words] for tokens in analyzed]
