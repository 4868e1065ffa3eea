"""Synonyms: a Persian thesaurus that widens the word query with other words for the same thing.

Users ask in their own words: «کی فوت کرد؟» of a passage that says «درگذشت», «نخستین» for
«اولین», «بنا کرد» for «ساخت». Neither word BM25 nor the 4-gram signal sees anything in common,
and the bundled embedding model learned too little to know (qa/model/README.md); no Persian
thesaurus or word-vector model can be had here. So the project keeps its own: qa/thesaurus.tsv
gives, for common Persian words, words and short expressions of the same meaning (how it was
written: data/README.md). The hybrid retriever rescores the passages its word and dense
rankings found with the word query widened by each question word's synonyms, at a fraction of
their BM25 weight (`FusionSettings.synonym_weight`, chosen on train-side proxies by
eval/tune_fusion.py); a synonym of several words shares that weight among them. `QA_THESAURUS`
names another file in the same format, or "none".

File format, UTF-8: `headword<TAB>synonym|synonym|...`; lines starting with # are comments.
Headwords and synonyms are written as people write them: they are normalized and analyzed like
questions, so any spelling or suffix form works. A one-word synonym also leads back to its
headword, and a multi-word one said in a question («از دنیا رفت») or a passage reads as its
headword («درگذشت»), as do the phrases of qa/thesaurus_phrases.tsv (`Thesaurus.for_question`,
`Thesaurus.words_said`; the phrase index is built at the first question, ~25 ms).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from qa.disk_cache import cached_json, fingerprint
from qa.errors import InputError, SettingsError

THESAURUS_FILE = Path(__file__).parent / "thesaurus.tsv"
# Multi-word synonyms read only as their headword (`Thesaurus.phrases`; how it was written:
# data/README.md). Part of the bundled thesaurus: a QA_THESAURUS file is read alone.
PHRASES_FILE = Path(__file__).parent / "thesaurus_phrases.tsv"
# Synonyms used per question word, in the file's order (best first): more mostly adds noise.
MAX_SYNONYMS = 6
# Endings the last word of a multi-word synonym may have otherwise in a question: a verb's
# person and tense («به دنیا آمد», «به دنیا آمدند» for «به دنیا آمده»).
VERB_ENDINGS = frozenset({"", "ه", "ی", "م", "ن", "د", "ند", "ید", "یم", "ست", "اند"})

Synonyms = Mapping[str, tuple[tuple[str, ...], ...]]


@dataclass(frozen=True)
class Thesaurus:
    """Query token -> synonym phrases (each a tuple of query tokens), best first."""

    synonyms: Synonyms
    # Headword token -> multi-word phrases that a question may say for it, read in that
    # direction only (`for_question`): «به دنیا آمد» for «متولد».
    phrases: Synonyms = field(default_factory=dict)

    def expansions(self, query_tokens: Sequence[str],
                   weight_of: Callable[[str], float] | None = None) -> dict[str, float]:
        """Tokens to add to a query of `query_tokens`, each with its share of a synonym
        (1 / words in the phrase; the largest when several give it), times `weight_of(token)`
        of the query token it stands for where that is given. Tokens the query already has are
        not added. A multi-word synonym the question says counts as its headword
        (`for_question`)."""
        present = set(query_tokens)
        synonyms = self.for_question(query_tokens)
        found: dict[str, float] = {}
        for token in dict.fromkeys(query_tokens):
            weight = 1.0 if weight_of is None else weight_of(token)
            for phrase in synonyms.get(token, ()):
                share = weight / len(phrase)
                for word in phrase:
                    if word not in present and share > found.get(word, 0.0):
                        found[word] = share
        return found

    def for_question(self, query_tokens: Sequence[str]) -> Synonyms:
        """`synonyms` as a question of `query_tokens` reads them: where it says a multi-word
        synonym («از دنیا رفت», «به دنیا آمد»), each of that phrase's words also has the word the
        phrase stands for and that word's one-word synonyms («درگذشت», «فوت», «وفات»). A one-word
        synonym leads back to its headword in the file already; a phrase can only be found in
        a question, in order. Its last word may differ in its ending (`VERB_ENDINGS`). Each
        question is read several times (word query, coverage, contrast, evidence): the last
        1,024 readings are kept."""
        return self._question_readings(tuple(query_tokens))

    @cached_property
    def _question_readings(self) -> Callable[[tuple[str, ...]], Synonyms]:
        return lru_cache(maxsize=1024)(self._read_question)

    def _read_question(self, query_tokens: tuple[str, ...]) -> Synonyms:
        added: dict[str, dict[tuple[str, ...], None]] = {}
        for window, stands_for in self.phrases_said(query_tokens):
            for token in window:
                own = set(self.synonyms.get(token, ()))
                phrases = added.setdefault(token, {})
                for word in stands_for:
                    if word != token and (word,) not in own:
                        phrases[(word,)] = None
        if not added:
            return self.synonyms
        return _Overlay({token: tuple(self.synonyms.get(token, ())) + tuple(phrases)
                         for token, phrases in added.items()}, self.synonyms)

    def words_said(self, tokens: Sequence[str]) -> frozenset[str]:
        """The words the multi-word synonyms and phrases said in a text of `tokens` (in order)
        stand for: a passage that says «به دنیا آمد» says «متولد» (and «زاده»)."""
        return frozenset(word for _, stands_for in self.phrases_said(tokens) for word in stands_for)

    def phrases_said(self, tokens: Sequence[str]) -> Iterator[tuple[Sequence[str], tuple[str, ...]]]:
        """Each multi-word synonym or phrase said in `tokens` (in order, its last word up to a
        verb ending): (the tokens that say it, the words it stands for). Only words that open
        some phrase are followed, and a last word is looked up by its stems: a passage of 115
        words takes ~0.15 ms (2.3 ms trying every window of it against every phrase)."""
        index, openings = self._phrase_index
        for start in range(len(tokens) - 1):
            opening: tuple[str, ...] = ()
            for end in range(start + 1, len(tokens)):
                opening += (tokens[end - 1],)
                if opening not in openings:
                    break
                for stem in _stems(tokens[end]):
                    for stands_for in index.get((*opening, stem), ()):
                        yield tokens[start:end + 1], stands_for

    @cached_property
    def _phrase_index(self) -> tuple[dict[tuple[str, ...], list[tuple[str, ...]]], frozenset[tuple[str, ...]]]:
        """(A multi-word synonym's or phrase's words but the last, plus a stem of its last
        word -> the words it stands for: its headword, then the headword's one-word synonyms;
        every opening of those phrases' words but the last)."""
        index: dict[tuple[str, ...], dict[tuple[str, ...], None]] = {}
        openings: set[tuple[str, ...]] = set()
        for source in (self.synonyms, self.phrases):
            for head, phrases in source.items():
                stands_for = (head, *(p[0] for p in self.synonyms.get(head, ()) if len(p) == 1))
                for phrase in phrases:
                    if len(phrase) > 1:
                        openings.update(phrase[:length] for length in range(1, len(phrase)))
                        for stem in _stems(phrase[-1]):
                            index.setdefault((*phrase[:-1], stem), {})[stands_for] = None
        return {key: list(found) for key, found in index.items()}, frozenset(openings)


class _Overlay(Mapping[str, tuple[tuple[str, ...], ...]]):
    """`base` with some of its entries replaced or added (`top`), without copying `base`."""

    def __init__(self, top: Synonyms, base: Synonyms) -> None:
        self._top, self._base = top, base

    def __getitem__(self, token: str) -> tuple[tuple[str, ...], ...]:
        return self._top[token] if token in self._top else self._base[token]

    def get(self, token: str, default=None):  # type: ignore[no-untyped-def, override]
        # Read for every word of every candidate sentence: Mapping.get's try/except is slower.
        found = self._top.get(token)
        return found if found is not None else self._base.get(token, default)

    def __contains__(self, token: object) -> bool:
        return token in self._top or token in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._top
        yield from (token for token in self._base if token not in self._top)

    def __len__(self) -> int:
        return len(self._base) + sum(token not in self._base for token in self._top)


@lru_cache(maxsize=65_536)
def _stems(word: str) -> tuple[str, ...]:
    """The word, and what is left of it without each of `VERB_ENDINGS` it ends in (2 letters at
    least): two words are one verb but for their endings when they share one of these."""
    return (word, *(word[:-len(ending)] for ending in VERB_ENDINGS
                    if ending and word.endswith(ending) and len(word) - len(ending) >= 2))


EMPTY = Thesaurus(synonyms={})


def holds(text_tokens: AbstractSet[str], token: str,
          synonyms: Mapping[str, Sequence[tuple[str, ...]]] | None = None) -> bool:
    """Whether a text with `text_tokens` has a question word `token`: the word itself, or every
    word of one of its synonyms (`synonyms`: a `Thesaurus.synonyms` mapping, or None)."""
    return token in text_tokens or any(
        all(word in text_tokens for word in phrase) for phrase in (synonyms or {}).get(token, ()))


def parse(lines: Iterable[str], analyze_text: Callable[[str], list[str]], *, cap: int | None = MAX_SYNONYMS,
          lead_back: bool = True) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Token -> synonym phrases from thesaurus lines, the first `cap` of each (None: all);
    `analyze_text` turns raw text into query tokens. A headword that is not exactly one token
    after analysis is skipped (it could never be looked up). With `lead_back`, a one-word
    synonym also leads back to its headword."""
    phrases: dict[str, dict[tuple[str, ...], None]] = {}  # dicts as ordered sets

    def add(token: str, phrase: tuple[str, ...]) -> None:
        if phrase and phrase != (token,):
            phrases.setdefault(token, {})[phrase] = None

    reverse: list[tuple[str, tuple[str, ...]]] = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.startswith("#"):
            continue
        head, tab, rest = line.partition("\t")
        if not tab:
            raise InputError(f"thesaurus line {number}: expected 'headword<TAB>synonym|...', got {line[:60]!r}")
        head_tokens = analyze_text(head)
        if len(head_tokens) != 1:
            continue
        for synonym in rest.split("|"):
            phrase = tuple(analyze_text(synonym))
            add(head_tokens[0], phrase)
            if lead_back and len(phrase) == 1:
                reverse.append((phrase[0], (head_tokens[0],)))
    for token, phrase in reverse:  # after every headword's own synonyms: those come first
        add(token, phrase)
    return {token: tuple(found)[:cap] for token, found in phrases.items()}


def parse_phrases(lines: Iterable[str], analyze_text: Callable[[str], list[str]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Headword token -> its multi-word phrases from lines in the thesaurus's format (a phrase
    that is one token after analysis, or holds the headword itself, says nothing more)."""
    found: dict[str, dict[tuple[str, ...], None]] = {}
    for head, phrases in parse(lines, analyze_text, cap=None, lead_back=False).items():
        for phrase in phrases:
            if len(phrase) > 1 and head not in phrase:
                found.setdefault(head, {})[phrase] = None
    return {head: tuple(phrases) for head, phrases in found.items()}


def thesaurus_for(setting: str) -> Thesaurus:
    """The thesaurus a `QA_THESAURUS` value names: "bundled", "none", or a file path."""
    if setting == "none":
        return EMPTY
    try:
        return load_thesaurus() if setting == "bundled" else load_thesaurus(Path(setting), None)
    except InputError as error:
        raise SettingsError(f"QA_THESAURUS: {error}") from error


@lru_cache(maxsize=4)
def load_thesaurus(path: Path = THESAURUS_FILE, phrases_path: Path | None = PHRASES_FILE) -> Thesaurus:
    """The thesaurus at `path`, with the phrases at `phrases_path` (None: none), analyzed with
    the current analyzer (cached per files in memory, and on disk under their contents and
    everything that shapes the analysis)."""
    from qa.ingest import read_utf8
    from qa.lexical import analyze
    from qa.text import normalize

    text = read_utf8(path)  # an InputError (CorpusError) naming the file and the bad byte
    phrase_text = read_utf8(phrases_path) if phrases_path is not None else ""

    def analyzed() -> dict[str, dict[str, list[list[str]]]]:
        def analyze_text(phrase: str) -> list[str]:
            return analyze(normalize(phrase))

        return {name: {token: [list(phrase) for phrase in phrases] for token, phrases in found.items()}
                for name, found in (("synonyms", parse(text.splitlines(), analyze_text)),
                                    ("phrases", parse_phrases(phrase_text.splitlines(), analyze_text)))}

    # One cache file per thesaurus file, so services using different ones keep both.
    files = [str(path.resolve()), str(phrases_path.resolve()) if phrases_path else ""]
    stored = cached_json(f"thesaurus-{fingerprint(files)[:8]}", _analysis_key(text + "\0" + phrase_text), analyzed)
    return Thesaurus(**{name: {token: tuple(map(tuple, phrases)) for token, phrases in found.items()}
                        for name, found in stored.items()})


def _analysis_key(text: str) -> str:
    """The thesaurus text, the installed hazm and the source of every module that turns a
    phrase into tokens: a change to any of them analyzes the file again."""
    from qa import hazm_fast, hazm_tables, lexical
    from qa import text as text_module

    sources = [Path(module.__file__ or "").read_bytes()
               for module in (text_module, hazm_fast, hazm_tables, lexical, sys.modules[__name__])]
    return fingerprint([text, hazm_tables.installed_key(), *sources])
