"""Train the project's Persian embedding model from scratch, on the CPU, reproducibly.

The model is a sentence-transformers `StaticEmbedding`: one vector per token, averaged. Each
token's vector is a fixed random direction (directions of different tokens are nearly
orthogonal, so texts that share rare words end up close, as in lexical search) times a learned
weight. Weights start at IDF and are trained with in-batch negatives
(MultipleNegativesRankingLoss) on PQuAD train questions, with paragraphs of the same article as
hard negatives, and FarsTail entailment pairs. The tokenizer keeps each word once per text, so a
repeated word does not drown the others. See qa/model/README.md for the measurements behind
these choices. Usage: python -m qa.train [--out qa/model]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from qa.errors import InputError
from qa.training_data import DATA_DIR, TrainingPair, build_pairs, corpus_texts

DEFAULT_OUT = Path(__file__).resolve().parent / "model"
# A word that occurs again later in the text. Deleting it keeps each word once, so that the
# mean of token vectors weighs words by presence, not count: measured on held-out PQuAD train
# questions (sparse TF-IDF cosine), counts gave MRR@10 0.85, presence 0.93. Possessive
# quantifiers make the look-ahead step word by word, not character by character.
REPEATED_WORD = r"(?<!\w)(\w++)(?=(?:\W++\w++)*?\W++\1(?!\w))"


@dataclass(frozen=True)
class TrainingConfig:
    """Everything that shapes the trained weights (recorded in training_config.json)."""

    vocab_size: int = 20_000
    dimension: int = 1024
    epochs: int = 2
    batch_size: int = 256
    learning_rate: float = 0.02
    scale: float = 20.0
    idf_power: float = 0.75
    seed: int = 0
    max_pairs: int | None = None
    sources: tuple[str, ...] = ("pquad", "farstail")


def train_tokenizer(texts: Sequence[str], vocab_size: int):  # type: ignore[no-untyped-def]
    """A BPE tokenizer over normalized text: each word kept once, split at spaces, punctuation, digits.

    BPE, not Unigram: on this much text the `tokenizers` Unigram trainer keeps single letters
    so probable that common words fall apart into letters (held-out MRR@10 0.86 vs 0.90).
    """
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Replace(Regex(REPEATED_WORD), "")
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation(), pre_tokenizers.Digits()]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=["[UNK]"], show_progress=False
    )
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def token_idf(token_ids: Sequence[Sequence[int]], vocab_size: int) -> np.ndarray:
    """log((N + 1) / (df + 1)) of every token over N texts; tokens never seen get the maximum."""
    df = np.zeros(vocab_size, dtype=np.float64)
    for ids in token_ids:
        df[np.unique(np.asarray(ids, dtype=np.int64))] += 1
    return np.log((len(token_ids) + 1) / (df + 1)).astype(np.float32)


def _batches(pairs: list[TrainingPair], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of pair indices in which no group and no text appears twice.

    A text twice in a batch would be a false negative: one copy is the answer, the other is
    scored as wrong.
    """
    pending = list(range(len(pairs)))
    rng.shuffle(pending)
    batches: list[list[int]] = []
    while len(pending) > 1:
        batch: list[int] = []
        seen: set[str] = set()
        left: list[int] = []
        for index in pending:
            pair = pairs[index]
            keys = {"g:" + pair.group, "t:" + pair.anchor, "t:" + pair.positive}
            if pair.negative:
                keys.add("t:" + pair.negative)
            if len(batch) < batch_size and not keys & seen:
                batch.append(index)
                seen |= keys
            else:
                left.append(index)
        if len(batch) < 2:  # a batch of one has nothing to tell its positive from
            break
        batches.append(batch)
        pending = left
    return batches


class _WeightedBag:
    """Texts -> sum of weight_t * direction_t over their tokens, with weights trainable."""

    def __init__(self, token_ids: dict[str, list[int]], directions, weights):  # type: ignore[no-untyped-def]
        import torch

        self.token_ids = token_ids
        self.directions = directions
        self.weights = torch.nn.Parameter(weights)

    def __call__(self, texts: Sequence[str]):  # type: ignore[no-untyped-def]
        import torch
        import torch.nn.functional as F

        ids = [self.token_ids[text] for text in texts]
        offsets = torch.tensor(np.cumsum([0] + [len(i) for i in ids[:-1]]), dtype=torch.long)
        flat = torch.tensor([token for i in ids for token in i], dtype=torch.long)
        # a sum, not a mean: the loss compares directions only, so the length does not matter
        return F.embedding_bag(
            flat, self.directions, offsets, mode="sum", per_sample_weights=self.weights[flat]
        )


def _loss(anchors, positives, negatives, scale: float):  # type: ignore[no-untyped-def]
    """Symmetric in-batch negatives: anchors pick their positive among all positives and hard
    negatives, and positives pick their anchor among all anchors."""
    import torch
    import torch.nn.functional as F

    anchors = F.normalize(anchors, dim=-1)
    positives = F.normalize(positives, dim=-1)
    candidates = positives
    if negatives is not None:
        candidates = torch.cat([positives, F.normalize(negatives, dim=-1)])
    labels = torch.arange(len(anchors))
    forward = F.cross_entropy(anchors @ candidates.T * scale, labels)
    backward = F.cross_entropy(positives @ anchors.T * scale, labels)
    return (forward + backward) / 2


def fit(
    pairs: list[TrainingPair],
    texts: Sequence[str],
    config: TrainingConfig,
    *,
    progress: bool = True,
    log: Callable[[str], None] = print,
):  # type: ignore[no-untyped-def]
    """Train a tokenizer on `texts`, then token weights on `pairs`; returns a SentenceTransformer."""
    import torch

    if len(pairs) < 2:
        raise InputError("need at least two training pairs")
    threads = torch.get_num_threads()
    # one thread: sums are then added in one order, so weights are equal bit for bit from run
    # to run on one machine (with two threads they differed from one thread); another CPU can
    # still round a few differently (its vector instructions). Training is no slower
    torch.set_num_threads(1)
    try:
        return _fit(pairs, texts, config, progress=progress, log=log)
    finally:
        torch.set_num_threads(threads)


def _fit(pairs, texts, config, *, progress, log):  # type: ignore[no-untyped-def]
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tqdm.auto import tqdm

    # every random draw comes from generators seeded here: no global seed is touched
    started = time.perf_counter()
    tokenizer = train_tokenizer(texts, config.vocab_size)
    vocab = tokenizer.get_vocab_size()
    pair_texts = sorted({t for p in pairs for t in (p.anchor, p.positive, p.negative) if t})
    every_text = sorted(set(texts) | set(pair_texts))
    encodings = tokenizer.encode_batch(every_text, add_special_tokens=False)
    token_ids = {text: e.ids for text, e in zip(every_text, encodings, strict=True)}
    idf = token_idf([token_ids[t] for t in texts], vocab) ** config.idf_power
    log(
        f"tokenizer: {vocab} tokens from {len(texts)} texts in {time.perf_counter() - started:.1f} s"
    )

    generator = torch.Generator().manual_seed(config.seed)
    directions = torch.randn(vocab, config.dimension, generator=generator) / config.dimension**0.5
    bag = _WeightedBag(token_ids, directions, torch.from_numpy(idf))
    optimizer = torch.optim.Adam([bag.weights], lr=config.learning_rate)
    rng = random.Random(config.seed)
    for epoch in range(config.epochs):
        batches = _batches(pairs, config.batch_size, rng)
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{config.epochs}", disable=not progress)
        for batch in bar:
            chosen = [pairs[i] for i in batch]
            negatives = [p.negative for p in chosen if p.negative]
            loss = _loss(
                bag([p.anchor for p in chosen]),
                bag([p.positive for p in chosen]),
                bag(negatives) if negatives else None,
                config.scale,
            )
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            bar.set_postfix(loss=f"{loss.item():.3f}")
    with torch.no_grad():
        # float16 halves the file (50 MB budget); the retrieval figures do not move
        table = (bag.weights[:, None] * directions).to(torch.float16)
    return SentenceTransformer(
        modules=[StaticEmbedding(tokenizer, embedding_weights=table)], device="cpu"
    )


def save_model(model, out_dir: Path, record: dict) -> Path:  # type: ignore[no-untyped-def]
    """Write the model folder beside out_dir, then swap it in; keep a hand-written README.md."""
    out_dir = Path(out_dir)
    staging = out_dir.with_name(out_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    model.save(str(staging))
    config_file = staging / "training_config.json"
    config_file.write_text(json.dumps(record, indent=2) + "\n")
    # model.save leaves model.safetensors at 0600 (the other files follow the umask): give it
    # the mode its neighbours got, so the weights are as readable as the config beside them
    (staging / "model.safetensors").chmod(config_file.stat().st_mode & 0o777)
    card = out_dir / "README.md"
    if card.is_file():
        shutil.copyfile(card, staging / "README.md")
    elif (staging / "README.md").exists():
        # sentence-transformers writes a generic card that says nothing true about this model
        (staging / "README.md").unlink()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    os.replace(staging, out_dir)
    return out_dir


def train_model(
    out_dir: Path = DEFAULT_OUT,
    *,
    data_dir: Path = DATA_DIR,
    max_pairs: int | None = None,
    epochs: int = TrainingConfig.epochs,
    seed: int = 0,
    progress: bool = True,
    config: TrainingConfig | None = None,
    paragraph_ids: set[str] | None = None,
) -> Path:
    """Build pairs from data_dir, train, and save a SentenceTransformer folder at out_dir.

    `max_pairs` keeps a random sample of the pairs (and only their texts) for quick runs;
    `paragraph_ids` restricts PQuAD to those paragraphs (to hold some out for tuning);
    `config` overrides the defaults, with epochs, seed and max_pairs taken from the arguments;
    `progress`: progress bars and what was done, on stderr (nothing without it: `--quiet`).
    """
    config = replace(config or TrainingConfig(), epochs=epochs, seed=seed, max_pairs=max_pairs)
    started = time.perf_counter()

    def log(message: str) -> None:
        if progress:
            print(message, file=sys.stderr, flush=True)

    pairs = build_pairs(data_dir, paragraph_ids=paragraph_ids, sources=config.sources, seed=seed)
    texts = corpus_texts(data_dir, paragraph_ids=paragraph_ids)
    if max_pairs is not None and len(pairs) > max_pairs:
        pairs = random.Random(seed).sample(pairs, max_pairs)
        texts = sorted({t for p in pairs for t in (p.anchor, p.positive, p.negative) if t})
    log(f"{len(pairs)} training pairs, {len(texts)} texts for the tokenizer")
    model = fit(pairs, texts, config, progress=progress, log=log)
    sources: dict[str, int] = {}
    for pair in pairs:
        sources[pair.source] = sources.get(pair.source, 0) + 1
    seconds = time.perf_counter() - started
    record = {**asdict(config), "pairs": sources, "texts": len(texts)}
    path = save_model(model, Path(out_dir), record)
    log(f"model saved to {path} in {seconds:.0f} s")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m qa.train [--out DIR] [--epochs N] [--seed N] [--max-pairs N] [--holdout F]`."""
    parser = argparse.ArgumentParser(
        prog="python -m qa.train", description="Train the Persian embedding model."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="training data folder")
    parser.add_argument("--epochs", type=int, default=TrainingConfig.epochs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--max-pairs", type=int, default=None, help="train on a sample (quick runs)"
    )
    parser.add_argument(
        "--holdout",
        type=float,
        default=None,
        metavar="FRACTION",
        help="hold out this fraction of PQuAD train articles and print scores on them (tuning)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    args = parser.parse_args(argv)
    try:
        paragraph_ids = held_ids = None
        if args.holdout is not None:
            from qa.training_eval import holdout_split

            paragraph_ids, held_ids = holdout_split(args.holdout, args.data)
        path = train_model(
            args.out,
            data_dir=args.data,
            max_pairs=args.max_pairs,
            epochs=args.epochs,
            seed=args.seed,
            progress=not args.quiet,
            paragraph_ids=paragraph_ids,
        )
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if held_ids is not None:
        from sentence_transformers import SentenceTransformer

        from qa.training_eval import heldout_scores

        scores = heldout_scores(SentenceTransformer(str(path), device="cpu"), held_ids, args.data)
        print(json.dumps({key: round(value, 3) for key, value in scores.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
