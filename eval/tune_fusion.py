"""Tune hybrid fusion and calibrate abstention on TRAIN data only; print the tables.

    python eval/tune_fusion.py [--write-calibration]

Fusion (the dense, word BM25 and subword 4-gram BM25 weights) is chosen on four train-side
sets: PQuAD train questions over the PQuAD corpus, FarsTail val entailment hypotheses -> their
premise (a paraphrase proxy: users reword), and the reworded questions
(data/reworded_train_questions.jsonl, written as users ask, in their own words) over the PQuAD
corpus and with each article indexed alone. The bundled model was trained on every PQuAD train
question, so a model trained the same way WITHOUT 20% of the train articles (qa.train's
held-out split) stands in for it here, and only questions on those held-out articles are used:
tuning on questions the model saw would overrate it. For the same reason BM25's background
word statistics are recounted without the held-out articles (`use_held_out`). The weight of
thesaurus synonyms in the word query (qa.synonyms) and the word-order bonus
(FusionSettings.proximity_weight) are chosen together with the fusion; the tables print the best
fusion for each word-order weight.
Abstention is fitted on all of them, and on the held-out PQuAD train articles each indexed as a
corpus of its own (like the default corpus, one article: there a question whose paragraph is
removed is still on topic, as users' unanswerable questions about a document are): each
question once with its paragraph in the corpus (answerable) and once with that paragraph's
passages removed (unanswerable).
Dev and eval questions are never read here.
"""

from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from qa.abstain import CALIBRATION_FILE, Signals  # noqa: E402
from qa.background import Background  # noqa: E402
from qa.build import ChunkSettings  # noqa: E402
from qa.embed import SentenceTransformerEncoder  # noqa: E402
from qa.evaluate import (  # noqa: E402
    Question,
    first_hit_rank,
    index_for_corpus,
    load_questions,
    metrics_from_ranks,
)
from qa.fusion import FusionSettings, fuse  # noqa: E402
from qa.search import FUSION_DEPTH, RerankMemo, Searcher  # noqa: E402

CACHE = REPO / ".cache" / "qa"
REWORDED = REPO / "data" / "reworded_train_questions.jsonl"
# How much a thesaurus synonym counts in the word query (qa.synonyms), tried with every fusion.
SYNONYM_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
# What a synonym of a question word that no passage holds counts for in the word query
# (FusionSettings.absent_synonym_weight; the others count SYNONYM_WEIGHTS), chosen with
# eval/train_proxies.py, not in the grid: 1 / 1.5 / 2 / 3 / 5 gave a mean change of MRR@10 over
# its 19 train-side sets of +0.0014 / +0.0026 / +0.0024 / +0.0035 / +0.0020 (the four sets this
# script tunes on: +0.0002 / +0.0003 / +0.0005 / +0.0010 / -0.0003), most where each article is
# one document (+0.004 to +0.014 at 3); held-out PQuAD -0.0004 to 0. A word's IDF over its
# synonym's instead of a fixed weight: +0.0020.
ABSENT_SYNONYM_WEIGHT = 3.0
# The same for a word only one passage holds (FusionSettings.rare_synonym_weight), chosen the same
# way with the absent weight at 3: 1 / 1.5 gave +0.0009 / +0.0015 over the 19 sets, +0.0008 /
# +0.0006 over the four tuned on; at 1 for words in one or two passages: +0.0009.
RARE_SYNONYM_WEIGHT = 1.0
# What the 20 best fused passages gain times their share of the question words that tell them
# apart (qa.contrast), chosen with the train-side sets of eval/train_proxies.py (held-out PQuAD
# train, FarsTail val, reworded, spoken; whole corpus, per article, one document per article:
# nine sets), not in the grid: depth 10 / 20 / 30 at weight 0.2 gave a mean MRR@10 of 0.9005 /
# 0.9013 / 0.9011 (0.8984 without); at depth 20, weight 0.1 / 0.15 / 0.2 / 0.25 / 0.3 gave
# 0.8992 / 0.9009 / 0.9013 / 0.9004 / 0.9006. Then checked on the second user-worded set
# (data/reworded_more_train_questions.jsonl, the same three ways): 0.8425 -> 0.8507.
CONTRAST_WEIGHT = 0.2
# What a passage defining the subject of a "what / who is X?" question gains (qa.definition),
# chosen with eval/train_proxies.py, not in the grid: 0.2 / 0.3 / 0.4 gave held-out PQuAD train
# MRR@10 0.9681 -> 0.9695 / 0.9699 / 0.9700; 0.3 and 0.4 cost the reworded and spoken sets
# 0.0001-0.0002, 0.2 nothing (too few of their questions ask what something is to tune on).
DEFINITION_WEIGHT = 0.2
# What the 5 best fused passages gain times their best sentence's evidence score (qa.evidence),
# chosen the same way: 0.05 / 0.1 / 0.15 / 0.2 / 0.3 / 0.5 gave a mean change of MRR@10 over
# nine train-side sets (held-out PQuAD train, reworded, spoken; whole corpus, per article, one
# document per article) of +0.0008 / +0.0019 / +0.0027 / +0.0017 / +0.0014 / -0.0005; then checked
# on data/reworded_more_train_questions.jsonl, written afterwards: +0.0037 / +0.0005 / +0.0009.
EVIDENCE_WEIGHT = 0.15
# How much having the question's word pairs side by side adds (FusionSettings.proximity_weight).
PROXIMITY_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
FARSTAIL_VAL = REPO.parent / "shared" / "data" / "farstail" / "val.tsv"


def farstail_val_set(folder: Path) -> tuple[Path, list[Question]]:
    """FarsTail val as a retrieval task: unique premises are documents, entailments ask for them."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / "farstail_val_corpus.jsonl"
    questions = []
    premises: dict[str, str] = {}
    with FARSTAIL_VAL.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            premise = (row.get("premise") or "").strip()
            if not premise:
                continue
            pid = "ft-" + hashlib.sha1(premise.encode()).hexdigest()[:12]
            premises[pid] = premise
            if row.get("label") == "e":
                questions.append(Question(id=f"ftq-{len(questions)}", question=row["hypothesis"],
                                          positive_ids=(pid,)))
    corpus.write_text("".join(json.dumps({"id": pid, "title": "", "text": text}, ensure_ascii=False) + "\n"
                              for pid, text in premises.items()), encoding="utf-8")
    return corpus, questions


def article_searchers(questions: list[Question], encoder, chunking: ChunkSettings):  # type: ignore[no-untyped-def]
    """Each held-out PQuAD train article as a corpus of its own, with its questions."""
    from qa.training_data import load_paragraphs

    paragraphs = {p.id: p for p in load_paragraphs()}
    by_title: dict[str, list[Question]] = {}
    for question in questions:
        by_title.setdefault(paragraphs[question.positive_ids[0]].title, []).append(question)
    folder = CACHE / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for title, asked in sorted(by_title.items()):
        corpus = folder / (hashlib.sha1(title.encode()).hexdigest()[:12] + ".jsonl")
        corpus.write_text("".join(json.dumps({"id": p.id, "title": p.title, "text": p.text},
                                             ensure_ascii=False) + "\n"
                                  for p in paragraphs.values() if p.title == title), encoding="utf-8")
        yield searcher_for(corpus, encoder, chunking), asked


def long_article_sets(questions: list[Question], encoder, chunking: ChunkSettings):  # type: ignore[no-untyped-def]
    """Each held-out PQuAD train article as ONE document, its paragraphs in order, chunked as
    the product chunks (passages overlap by a sentence), like the default corpus and users'
    books; a passage is right when it holds one of the question's answer texts (questions whose
    answer no passage holds are left out; questions without answers, asked to hear "no answer",
    stay, with no right passage). Yields (searcher, questions) where each question's
    positive_ids name the right passages (`answer_positives`)."""
    from qa.training_data import load_paragraphs

    paragraphs = load_paragraphs()
    by_title: dict[str, list[Question]] = {}
    title_of = {p.id: p.title for p in paragraphs}
    for question in questions:
        by_title.setdefault(title_of[question.positive_ids[0]], []).append(question)
    folder = CACHE / "long-articles"
    folder.mkdir(parents=True, exist_ok=True)
    for title, asked in sorted(by_title.items()):
        name = hashlib.sha1(title.encode()).hexdigest()[:12]
        text = "\n\n".join(p.text for p in paragraphs if p.title == title)
        corpus = folder / f"{name}.jsonl"
        corpus.write_text(json.dumps({"id": f"article-{name}", "title": title, "text": text},
                                     ensure_ascii=False) + "\n", encoding="utf-8")
        searcher = searcher_for(corpus, encoder, chunking)
        passages = searcher.metadata.all_passages()
        judged = [answer_positives(passages, question) for question in asked]
        yield searcher, [question for question in judged if question.positive_ids or not question.answers]


def answer_positives(passages: list, question: Question) -> Question:
    """`question` with positive_ids naming the `passages` (by `passage_key`) that hold an answer."""
    from qa.evaluate import contains_answer

    held = tuple(passage_key(p) for p in passages if contains_answer(p.text, question.answers))
    return replace(question, positive_ids=held)


def passage_key(passage) -> str:  # type: ignore[no-untyped-def]
    """A passage's own id where passages, not documents, are judged (`long_article_sets`)."""
    return f"{passage.doc_id}#{passage.id}"


# Word statistics of the training text without the held-out articles (set by `use_held_out`):
# the shipped background (qa/background_df.json) counts every train article, so on the
# held-out ones it would know their rare words in advance.
_background: Background | None = None


def use_held_out(training_ids: set[str]) -> None:
    """Measure as if the held-out articles were new: background statistics without them."""
    from qa.background import count
    from qa.lexical import analyze_passage
    from qa.training_data import corpus_texts

    global _background
    _background = Background(*count(corpus_texts(paragraph_ids=training_ids), analyze_passage))


def searcher_for(corpus: Path, encoder, chunking: ChunkSettings) -> Searcher:  # type: ignore[no-untyped-def]
    """A searcher over `corpus` (index cached), with the held-out background when one is set."""
    searcher = Searcher(index_for_corpus(corpus, CACHE, encoder, chunking), encoder)
    if _background is not None:
        searcher.lexical.use_background(_background)
    return searcher


def synonym_settings(synonym_weight: float) -> FusionSettings:
    """The word query's synonym weights: `synonym_weight`, and where synonyms are on, the
    weights for words no passage or one passage holds chosen above."""
    on = synonym_weight > 0
    return FusionSettings(synonym_weight=synonym_weight,
                          absent_synonym_weight=ABSENT_SYNONYM_WEIGHT if on else 0.0,
                          rare_synonym_weight=RARE_SYNONYM_WEIGHT if on else 0.0)


def collect(searcher: Searcher, questions: list[Question], synonyms: FusionSettings | None = None, *,
            by_passage: bool = False) -> list[dict]:
    """Both rankings (doc ids per row, or `passage_key`s when `by_passage`) for every question,
    computed once (the word ranking with thesaurus synonyms at the synonym weights of
    `synonyms`, default none)."""
    synonyms = synonyms or synonym_settings(0.0)
    normalized = [searcher.question_text(q.question) for q in questions]
    vectors = searcher.encoder.encode_queries(normalized)
    doc_of = [passage_key(p) if by_passage else p.doc_id for p in searcher.metadata.all_passages()]
    rows = []
    for question, norm, vector in zip(questions, normalized, vectors, strict=True):
        dense, lexical = searcher.rankings(norm, vector, FUSION_DEPTH, "hybrid", synonyms)
        # The lexical retriever alone is plain BM25 (synonyms are a hybrid feature).
        plain = searcher.rankings(norm, vector, FUSION_DEPTH, "lexical")[1] if synonyms.synonym_weight > 0 else lexical
        rows.append({"question": question, "normalized": norm, "dense": dense, "lexical": lexical,
                     "plain_lexical": plain,
                     "subword": searcher.subword_ranking(norm, dense, lexical),
                     "proximity": searcher.proximity_ranking(norm, dense, lexical), "doc_of": doc_of,
                     "rerank": functools.partial(searcher.rerank, norm, memo=RerankMemo())})
    return rows


def mrr(rows: list[dict], settings: FusionSettings | None, which: str = "hybrid") -> dict:
    """Recall@k and MRR@10 of one retriever ("hybrid" fused with `settings`) over collected rows."""
    ranks = []
    for row in rows:
        if which == "dense":
            ids = row["dense"][0]
        elif which == "lexical":
            ids = row["plain_lexical"][0]
        else:
            ids, scores = fuse(row["dense"], row["lexical"], settings, row["subword"], row["proximity"])  # type: ignore[arg-type]
            ids = row["rerank"](ids, scores, settings)[0]
        positives = set(row["question"].positive_ids)
        ranks.append(first_hit_rank(row["doc_of"][i] in positives for i in ids[:10].tolist()))
    return metrics_from_ranks(ranks)


def tune(sets: dict[str, list[dict]], synonym_weight: float = 0.0) -> tuple[FusionSettings, float]:
    """The fusion with the best mean MRR@10 over `sets` (collected at `synonym_weight`)."""
    synonyms = synonym_settings(synonym_weight)
    grid = [replace(synonyms, method="blend", dense_weight=d / 20, subword_weight=s / 20,
                    proximity_weight=p, contrast_weight=CONTRAST_WEIGHT,
                    definition_weight=DEFINITION_WEIGHT, evidence_weight=EVIDENCE_WEIGHT)
            for p in PROXIMITY_WEIGHTS for d in range(0, 11) for s in range(0, 17) if d + s <= 20]
    # Reciprocal rank never won; its scores are on another scale, so no word-order bonus.
    grid += [replace(synonyms, method="rrf", dense_weight=d / 10, rrf_k=k, subword_weight=s / 10)
             for d in range(1, 6) for s in range(0, 6) for k in (5, 20, 60) if d + s < 10]
    print(f"\nsynonym weight {synonym_weight}: the best fusion of each kind")
    print("| fusion | " + " | ".join(f"{name} MRR@10" for name in sets) + " | mean |")
    print("|---|" + "---|" * (len(sets) + 1))
    for which in ("dense", "lexical"):
        scores = [mrr(rows, None, which)["mrr@10"] for rows in sets.values()]
        print(f"| {which} only | " + " | ".join(f"{s:.4f}" for s in scores) + f" | {np.mean(scores):.4f} |")
    best_of_kind: dict[tuple[str, float], tuple[FusionSettings, list[float]]] = {}
    for settings in grid:
        scores = [mrr(rows, settings)["mrr@10"] for rows in sets.values()]
        kind = (settings.method, settings.proximity_weight)
        if kind not in best_of_kind or np.mean(scores) > np.mean(best_of_kind[kind][1]) + 1e-9:
            best_of_kind[kind] = (settings, scores)
    for settings, scores in best_of_kind.values():
        print(f"| {settings.method} dense={settings.dense_weight:.2f} subword={settings.subword_weight:.2f} "
              f"k={settings.rrf_k} word order={settings.proximity_weight:.2f} | "
              + " | ".join(f"{s:.4f}" for s in scores) + f" | {np.mean(scores):.4f} |")
    best, scores = max(best_of_kind.values(), key=lambda found: float(np.mean(found[1])))
    best_score = float(np.mean(scores))
    print(f"best at synonym weight {synonym_weight}: {best} (mean MRR@10 {best_score:.4f})")
    return best, best_score


def _without(row: dict, positives: set[str], ranking):  # type: ignore[no-untyped-def]
    """A ranking with the passages of `positives` removed (as if they were not in the corpus)."""
    keep = np.array([row["doc_of"][i] not in positives for i in ranking[0].tolist()], bool)
    return ranking[0][keep], ranking[1][keep]


def top_signals(searcher: Searcher, row: dict, settings: FusionSettings,
                rankings: tuple | None = None) -> tuple[int | None, Signals]:
    """The fused first passage of a collected row (or of `rankings`: dense, lexical, subword,
    word order) and the two signals `Searcher.search` gives abstention for it: the best dense
    cosine and that passage's coverage of the question (synonyms as `settings` uses them)."""
    dense, lexical, subword, proximity = rankings or (row["dense"], row["lexical"], row["subword"], row["proximity"])
    ids, scores = fuse(dense, lexical, settings, subword, proximity)
    ids = row["rerank"](ids, scores, settings)[0]
    dense_top = float(dense[1][0]) if len(dense[1]) else 0.0
    if not len(ids):
        return None, Signals(dense_top=dense_top, coverage=0.0)
    top = int(ids[0])
    cover = searcher.answer_coverage(row["normalized"], top, searcher.lexical.term_weights(row["normalized"]), settings)
    return top, Signals(dense_top=dense_top, coverage=cover)


def abstention_samples(searcher: Searcher, rows: list[dict], settings: FusionSettings) -> tuple[np.ndarray, np.ndarray]:
    """Signals for each question with its paragraph present (label 1) and removed (label 0)."""
    features, labels = [], []
    for row in rows:
        positives = set(row["question"].positive_ids)
        for label in (1, 0):
            rankings = (row["dense"], row["lexical"], row["subword"], row["proximity"])
            if label == 0:
                rankings = tuple(_without(row, positives, ranking) for ranking in rankings)
            top, signals = top_signals(searcher, row, settings, rankings)
            if label == 1 and (top is None or row["doc_of"][top] not in positives):
                continue  # retrieval missed: not an example of "the answer is here"
            features.append([signals.dense_top, signals.coverage])
            labels.append(label)
    return np.array(features), np.array(labels)


def _concatenate(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([f for f, _ in parts]), np.concatenate([y for _, y in parts])


def _balanced_accuracy(answer: np.ndarray, labels: np.ndarray) -> float:
    """Answerable and unanswerable questions count equally."""
    return float((answer[labels == 1].mean() + (~answer[labels == 0]).mean()) / 2)


def calibrate(sets: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """A logistic model and threshold in which every set counts the same, and within each set
    answerable and unanswerable questions count the same: the small user-like sets (the
    reworded questions) are not outweighed by the large PQuAD ones."""
    from sklearn.linear_model import LogisticRegression

    features, labels = _concatenate(list(sets.values()))
    weights = np.concatenate([np.where(y == 1, 1 / max(1, (y == 1).sum()), 1 / max(1, (y == 0).sum()))
                              for _, y in sets.values()])
    weights *= len(weights) / weights.sum()  # mean weight 1: the regularization keeps its usual strength
    model = LogisticRegression(C=1.0).fit(features, labels, sample_weight=weights)
    probability = {name: model.predict_proba(f)[:, 1] for name, (f, _) in sets.items()}

    def score(threshold: float) -> float:
        return float(np.mean([_balanced_accuracy(probability[name] >= threshold, y)
                              for name, (_, y) in sets.items()]))

    best_threshold = max(np.linspace(0.05, 0.95, 91), key=lambda t: (score(t), -abs(t - 0.5)))
    best_accuracy = score(best_threshold)
    print(f"abstention on train: mean balanced accuracy {best_accuracy:.4f} at threshold {best_threshold:.2f}")
    for name, (_, y) in sets.items():
        answer = probability[name] >= best_threshold
        no_answer_precision = float((~answer & (y == 0)).sum() / max(1, (~answer).sum()))
        no_answer_recall = float((~answer & (y == 0)).sum() / max(1, (y == 0).sum()))
        print(f"  {name}: balanced accuracy {_balanced_accuracy(answer, y):.4f}, 'no answer' precision "
              f"{no_answer_precision:.4f} recall {no_answer_recall:.4f}, answerable kept {answer[y == 1].mean():.4f}")
    return {"intercept": float(model.intercept_[0]), "coef_dense": float(model.coef_[0][0]),
            "coef_coverage": float(model.coef_[0][1]), "threshold": round(float(best_threshold), 4),
            "train_accuracy": round(best_accuracy, 4)}


def stand_in_model(holdout: float, training_ids: set[str]) -> Path:
    """A model trained as the bundled one is, without the held-out articles (cached, and named
    by the training settings, so a changed recipe trains a new stand-in)."""
    from dataclasses import asdict

    from qa.train import TrainingConfig, train_model

    recipe = hashlib.sha256(json.dumps(asdict(TrainingConfig()), sort_keys=True).encode()).hexdigest()[:8]
    stand_in = CACHE / f"holdout-model-{holdout}-{recipe}"
    if not (stand_in / "modules.json").exists():
        train_model(stand_in, paragraph_ids=training_ids, progress=False)
    return stand_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--holdout", type=float, default=0.2,
                        help="train a stand-in model without this share of PQuAD train (0: use the bundled model)")
    parser.add_argument("--write-calibration", action="store_true")
    parser.add_argument("--synonym-weights", type=float, nargs="+", default=SYNONYM_WEIGHTS, metavar="W",
                        help="try only these synonym weights (each takes ~10 min; default: %(default)s)")
    args = parser.parse_args()
    bundled = SentenceTransformerEncoder("bundled")
    held_ids = None
    encoder = bundled
    if args.holdout:
        from qa.training_eval import holdout_split

        training_ids, held_ids = holdout_split(args.holdout)
        use_held_out(training_ids)
        encoder = SentenceTransformerEncoder(str(stand_in_model(args.holdout, training_ids)))
    chunking = ChunkSettings()
    pquad = searcher_for(REPO / "eval" / "pquad_corpus.jsonl", encoder, chunking)
    ft_corpus, ft_questions = farstail_val_set(CACHE / "farstail")
    farstail = searcher_for(ft_corpus, encoder, chunking)
    train_questions = load_questions(REPO / "data" / "pquad_train_questions.jsonl")
    if held_ids is not None:
        train_questions = [q for q in train_questions if set(q.positive_ids) <= held_ids]
    reworded = load_questions(REWORDED)
    print(f"{len(train_questions)} PQuAD train questions, {len(ft_questions)} FarsTail val pairs, "
          f"{len(reworded)} reworded questions")
    articles = list(article_searchers(train_questions, encoder, chunking))
    reworded_articles = list(article_searchers(reworded, encoder, chunking))

    def collect_all(synonym_weight: float):  # type: ignore[no-untyped-def]
        synonyms = synonym_settings(synonym_weight)
        per_article = [(searcher, collect(searcher, asked, synonyms)) for searcher, asked in articles]
        reworded_per_article = [(searcher, collect(searcher, asked, synonyms))
                                for searcher, asked in reworded_articles]
        # PQuAD questions share the paragraph's words; FarsTail rewordings and the reworded
        # questions (written as users ask, on held-out train articles) share fewer, as real
        # users' questions do, so they weigh half of the choice.
        sets = {"pquad-train": collect(pquad, train_questions, synonyms),
                "farstail-val": collect(farstail, ft_questions, synonyms),
                "reworded": collect(pquad, reworded, synonyms),
                "reworded-article": [row for _, rows in reworded_per_article for row in rows]}
        return sets, per_article, reworded_per_article

    # The synonym weight changes the word ranking itself, so each is collected anew.
    chosen = None
    for synonym_weight in args.synonym_weights:
        collected = collect_all(synonym_weight)
        settings, score = tune(collected[0], synonym_weight)
        if chosen is None or score > chosen[1] + 1e-9:
            chosen = (settings, score, collected)
    assert chosen is not None
    best, best_score, (sets, per_article, reworded_per_article) = chosen
    print(f"\nbest: {best} (mean MRR@10 {best_score:.4f})")
    # Single articles make the unanswerable questions on topic.
    calibration = calibrate({
        "pquad-train": abstention_samples(pquad, sets["pquad-train"], best),
        "farstail-val": abstention_samples(farstail, sets["farstail-val"], best),
        "reworded": abstention_samples(pquad, sets["reworded"], best),
        "pquad-article": _concatenate([abstention_samples(searcher, rows, best) for searcher, rows in per_article]),
        "reworded-article": _concatenate([abstention_samples(searcher, rows, best)
                                          for searcher, rows in reworded_per_article]),
    })
    if args.write_calibration:
        calibration.update({"model_fingerprint": bundled.fingerprint, "fusion": best.__dict__,
                            "fitted_on": f"held-out PQuAD train questions ({args.holdout}) and the reworded questions on those articles (data/reworded_train_questions.jsonl), over the whole corpus and per article, + FarsTail val entailments, BM25 background without the held-out articles, eval/tune_fusion.py"})
        CALIBRATION_FILE.write_text(json.dumps(calibration, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
