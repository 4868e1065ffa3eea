"""Names typed in Latin letters in a Persian question, read as the corpus writes them.

Users type a foreign name as they know it («Hegel چه فلسفه‌ای داشت؟», «volleyball کی اختراع
شد؟»); Persian documents write it in Persian letters («هگل», «والیبال»), the Latin at most once, in
a gloss «(به انگلیسی: Volleyball ...)». As typed, such a name matches nothing, or only that gloss,
and the question finds another article or "no answer". Persian writes a foreign name's
consonants and long vowels and leaves most short vowels out, so both spellings keep the
consonants: `persian_spelled` reads a Latin word as the corpus word whose consonants
(`skeleton`, letters that sound alike counted as one) the Latin letters can spell, the one whose
written vowels fit best, where the corpus holds it in more passages than the Latin word.
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from qa.lexical import PERSIAN_LETTERS
from qa.text import rewrite_unquoted_words

# Persian letters by the consonant they write (letters that sound alike as one); long vowels,
# «ع» and the hamza seats write no consonant a Latin spelling must have («و» is also "v", «ی»
# also "y": both are left out of a skeleton on both sides).
_PERSIAN_CONSONANT = {
    **dict.fromkeys("تط", "ت"), **dict.fromkeys("ثسص", "س"), **dict.fromkeys("ذزضظ", "ز"),
    **dict.fromkeys("حه", "ه"), **dict.fromkeys("غق", "ق"),
    **{letter: letter for letter in "بپجچخدرژشفکگلمن"},
}
_CONSONANTS = frozenset(_PERSIAN_CONSONANT.values())
_PERSIAN_VOWEL = {"ا": "ا", "آ": "ا", "و": "و", "ی": "ی"}
_FINAL_H = "ة"  # a word's final «ه», which writes a vowel («گوته»), as `_persian_written` marks it

# What a Latin letter group can write in Persian (consonants), longest groups first, with the
# alternatives of the languages names come from: «ch» is «چ» in English, «ک» in Italian and
# German, «ش» in French; «st», «sp» are «شت», «شپ» in German («Einstein», «اینشتین»); «z» is
# «تس» in German («Mozart», «موتسارت»); «s» is often «ز» («Windows», «ویندوز»); «k» and «kh» are
# «ق» in Turkic and Arabic names («Kazakhstan», «قزاقستان»); «j» is «ی» in German («Johann», «یوهان»); a «c» before «e», «i», «y» is
# «س» («Cicero»), else «ک».
_LATIN_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sch", ("ش",)), ("tch", ("چ",)), ("sh", ("ش",)), ("ch", ("چ", "ک", "ش")), ("th", ("ت",)),
    ("ph", ("ف",)), ("kh", ("خ", "ق")), ("gh", ("ق", "گ")), ("zh", ("ژ", "زه")), ("ck", ("ک",)),
    ("qu", ("ک",)), ("st", ("ست", "شت")), ("sp", ("سپ", "شپ")), ("x", ("کس",)),
    ("ce", ("س",)), ("ci", ("س", "چ")), ("cy", ("س",)), ("c", ("ک",)),
    ("q", ("ق", "ک")), ("g", ("گ", "ج")), ("j", ("ج", "ژ", "i")), ("s", ("س", "ز")), ("z", ("ز", "تس")),
    ("h", ("ه",)), ("k", ("ک", "ق")), ("b", ("ب",)), ("p", ("پ",)), ("t", ("ت",)), ("d", ("د",)),
    ("f", ("ف",)), ("l", ("ل",)), ("m", ("م",)), ("n", ("ن",)), ("r", ("ر",)),
)
# Vowel letters (and groups Persian writes as one or two long vowels: «Freud» «فروید»), as the
# vowels they sound (a e i o u; «w» and «v» are «و», a vowel letter in Persian too).
_LATIN_VOWELS: tuple[tuple[str, str], ...] = (
    ("ee", "i"), ("ea", "i"), ("ie", "i"), ("ei", "ei"), ("ai", "ai"), ("ay", "ai"), ("oo", "U"),
    ("ou", "u"), ("au", "o"), ("eu", "ui"), ("oe", "o"), ("ew", "iu"),
    ("a", "a"), ("e", "e"), ("i", "i"), ("o", "o"), ("u", "u"), ("w", "w"), ("v", "v"), ("y", "i"),
)
LATIN_WORD = re.compile(r"[a-z\u00c0-\u024f]+")
# Fewer consonants than this match too many words of a large corpus to guess from («app», «dna»).
MIN_CONSONANTS = 3
# A whole question in Latin letters (`qa.finglish`) spells words of two consonants too.
_FEWEST_CONSONANTS = 2
_MOST_SPELLINGS = 64  # skeletons tried for one word (each ambiguous letter doubles them)

_PROSTHETIC = "ا"  # the «ا» Persian opens a word with (see NAME_COSTS)


@dataclass(frozen=True)
class Costs:
    """What each vowel choice costs when a Latin spelling is compared with a Persian word.

    `written_as`: a Latin vowel written as a Persian letter; `written_as_two`: as two letters;
    `unwritten`: a Latin vowel left out; `persian_only`: a Persian vowel letter no Latin vowel
    stands for; `margin`: candidates within this much of the best are told apart by how many
    passages hold them."""

    written_as: Mapping[tuple[str, str], float]
    written_as_two: Mapping[tuple[str, str], float]
    unwritten: Mapping[str, float]
    persian_only: Mapping[str, float]
    margin: float = 0.0


# Comparing a Latin spelling's vowels with a Persian word's vowel letters («ا», «و», «ی»): the cost
# of a Latin vowel written as a letter, or left unwritten (Persian leaves short vowels out: an «e»
# costs nothing, a vowel opening the word must be written, as «ا»), and of a letter the Latin has
# no vowel for. A word whose vowels (and less usual letters, below) cost more than `_MOST_COST`
# plus `_COST_PER_CONSONANT` per consonant is no reading of it (chosen on a helper-written table of
# 400 names and loanwords with their Persian spellings: docs/QUALITY.md).
NAME_COSTS = Costs(
    written_as={
        ("a", "ا"): 0.0, ("e", "ی"): 0.5, ("e", "ا"): 0.75, ("i", "ی"): 0.0, ("o", "و"): 0.0, ("o", "ا"): 0.25,
        ("u", "و"): 0.0, ("u", "ا"): 0.25, ("U", "و"): 0.0, ("w", "و"): 0.0, ("v", "و"): 0.0,
        ("e", _FINAL_H): 0.5, ("a", _FINAL_H): 0.0, ("E", _FINAL_H): 0.5, ("E", "ی"): 0.5, ("E", "ا"): 0.75,
        ("H", _FINAL_H): 0.0,
    },
    # A Latin vowel Persian writes with two letters: English «i» in «Microsoft», «مایکروسافت»; «u»
    # in «UNESCO», «یونسکو», «computer», «کامپیوتر».
    written_as_two={("i", "ای"): 0.25, ("u", "یو"): 0.25},
    # Persian opens a word with «ا» where the Latin opens with a vowel («Edison», «ادیسون») or
    # with «s» and a consonant («Steven», «استیون»): `_latin_units` puts that «ا» in, and it must
    # be there. «v» is a consonant in Persian, always written; «oo» (U) a long «و»; «E» a word's
    # last «e» after a consonant (silent in English and French: «Store», «استور»); «H» a vowel's
    # «h» ending the word (`_latin_units`).
    unwritten={"a": 0.5, "e": 0.0, "E": 0.0, "H": 0.0, "i": 0.5, "o": 0.5, "u": 0.5, "U": 1.0, "w": 0.5, "v": 1.0,
               _PROSTHETIC: 1.5},
    persian_only={"ا": 1.0, "و": 1.0, "ی": 1.0, _FINAL_H: 0.5},
)
# A letter group's second or third spelling («k» as «ق», «ch» as «ک») is the less usual one: it
# costs this much, so «Kabul» is «کابل» where the corpus also has the commoner «قابل».
_LESS_USUAL = 0.25
_MOST_COST = 0.5
_COST_PER_CONSONANT = 0.125


class Vocabulary(Protocol):
    """A corpus's words, as `qa.lexical.LexicalIndex` holds them."""

    def words(self) -> Iterable[str]: ...  # its index tokens, and the words the analyzer cuts

    def has_token(self, token: str) -> bool: ...

    def document_frequency(self, word: str) -> int: ...


def persian_skeleton(word: str) -> str:
    """The consonants a Persian word writes, alike-sounding letters as one: «هیتلر» -> «هتلر»,
    «حافظ» -> «هفز». A final «ه» writes a vowel («گوته»), so it is left out."""
    if word.endswith("ه"):
        word = word[:-1]
    return "".join(_PERSIAN_CONSONANT.get(letter, "") for letter in word)


def _persian_written(word: str) -> str:
    """A Persian word as its consonant classes and vowel letters («ا», «و», «ی», a final «ه»)."""
    final = _FINAL_H if word.endswith("ه") else ""
    word = word[:-1] if final else word
    if word.startswith("ع"):  # a word-opening vowel's seat, as «ا» is («Oman», «عمان»)
        word = "ا" + word[1:]
    return "".join(_PERSIAN_CONSONANT.get(letter, _PERSIAN_VOWEL.get(letter, "")) for letter in word) + final


def _plain_latin(word: str) -> str:
    """`word` in lower case without accents («Müller» -> «muller»)."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))


def _latin_units(word: str) -> Iterator[tuple[str, ...]]:
    """`word` (plain) as what each letter group can write: consonant spellings, or vowels
    (lower-case Latin letters). A «y» between consonants is the vowel of «Byron», «بایرون»; a
    doubled letter is read once («Mussolini»), but not the «h» after «s» («Mashhad», «مشهد»)."""
    at, previous = 0, ""
    if re.match(r"s[^aeiouyhc]|[aeiou]", word):
        yield (_PROSTHETIC,)
    while at < len(word):
        if word[at] == previous:
            at += 1
            continue
        vowel = next(((g, sound) for g, sound in _LATIN_VOWELS if word.startswith(g, at)), None)
        if vowel is not None:
            group, sound = vowel
            if group == "y" and 0 < at < len(word) - 1 and word[at + 1] not in "aeiou":
                sound = "ai"
            if group == "v" and at == len(word) - 1:  # Russian names: «Chekhov», «چخوف»
                yield ("ف", "v")
            elif group == "e" and at == len(word) - 1 and at > 0 and word[at - 1] not in "aeiouy":
                yield ("E",)
            else:
                yield (sound,)
            at, previous = at + len(group), group
            continue
        consonant = next(((g, spelled) for g, spelled in _LATIN_GROUPS if word.startswith(g, at)), None)
        if consonant is None:  # a letter Persian has no consonant for
            yield ("?",)
            at, previous = at + 1, word[at]
            continue
        group, spelled = consonant
        if group == "s" and at == len(word) - 1 and at > 0:
            spelled = ("س", "ز")
        elif group == "h" and at == len(word) - 1 and at > 0 and word[at - 1] in "aeiou":
            # a vowel's «h» ending a word: Persian's last «ه», which writes the vowel («Shah»,
            # «شاه»; «aramgah», «آرامگاه»), or nothing («Sarah», «سارا»)
            spelled = ("H", "ه")
        yield spelled
        # «ce», «ci», «cy» write the consonant only: the vowel is read next
        length = 1 if group in ("ce", "ci", "cy") else len(group)
        at, previous = at + length, group[:length]


def latin_spellings(word: str) -> list[tuple[str, str, float]]:
    """The Persian skeletons a Latin word can be written with, each with its vowels in place
    (Latin letters among Persian consonants), for telling candidates apart, and what its less
    usual letter choices cost (`_LESS_USUAL` each): «hegel» -> [(«هگل», «هeگeل», 0.0), ...]."""
    units = list(_latin_units(_plain_latin(word)))
    if ("?",) in units:
        return []
    spellings = []
    choices = [list(enumerate(unit)) for unit in units]
    for picked in itertools.islice(itertools.product(*choices), _MOST_SPELLINGS):
        written = "".join(letters for _, letters in picked)
        skeleton = "".join(c for c in written if c in _CONSONANTS)
        spellings.append((skeleton, written, _LESS_USUAL * sum(1 for rank, _ in picked if rank)))
    return spellings


def vowel_cost(latin_written: str, persian_word: str, costs: Costs = NAME_COSTS) -> float:
    """How far a Persian word's vowel letters are from a Latin spelling's vowels, where both have
    the same consonants (an alignment: each Latin vowel written as a letter or left out)."""
    persian = _persian_written(persian_word)
    rows, columns = len(latin_written), len(persian)
    cost = [[float("inf")] * (columns + 1) for _ in range(rows + 1)]
    cost[0][0] = 0.0
    for i in range(rows + 1):
        for j in range(columns + 1):
            here = cost[i][j]
            if here == float("inf"):
                continue
            latin = latin_written[i] if i < rows else None
            letter = persian[j] if j < columns else None
            if latin is not None and latin in costs.unwritten:
                cost[i + 1][j] = min(cost[i + 1][j], here + costs.unwritten[latin])
            if latin is not None and (latin, persian[j:j + 2]) in costs.written_as_two:
                cost[i + 1][j + 2] = min(cost[i + 1][j + 2], here + costs.written_as_two[latin, persian[j:j + 2]])
            if letter is not None and letter in costs.persian_only:
                cost[i][j + 1] = min(cost[i][j + 1], here + costs.persian_only[letter])
            if latin is not None and letter is not None:
                step = 0.0 if latin == letter else costs.written_as.get((latin, letter), float("inf"))
                cost[i + 1][j + 1] = min(cost[i + 1][j + 1], here + step)
    return cost[rows][columns]


_SKELETONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SKELETONS_LOCK = threading.Lock()


def _words_by_skeleton(corpus: Vocabulary) -> dict[str, list[str]]:
    """The corpus's Persian words (`Vocabulary.words`) by their skeleton, built once per corpus
    (at its first Latin word: 0.06 s for the PQuAD corpus, 20,412 tokens)."""
    with _SKELETONS_LOCK:
        found = _SKELETONS.get(corpus)
        if found is None:
            found = {}
            for word in corpus.words():
                if PERSIAN_LETTERS.fullmatch(word):
                    skeleton = persian_skeleton(word)
                    if skeleton:  # one consonant and a «و» may be enough («واژه», «vaje»)
                        found.setdefault(skeleton, []).append(word)
            _SKELETONS[corpus] = found
        return found


def best_fit(latin_word: str, corpus: Vocabulary, *, min_consonants: int = MIN_CONSONANTS,
             costs: Costs = NAME_COSTS) -> tuple[float, str] | None:
    """The corpus word a Latin word spells and what its vowels cost, or None: of the words whose
    skeleton some spelling of it has (`min_consonants` at least), the one whose vowel letters fit
    that spelling best (`vowel_cost`), then the one in most passages (of those within
    `costs.margin` of the best, index tokens first); none whose vowels cost more than `_MOST_COST` +
    `_COST_PER_CONSONANT` per consonant."""
    by_skeleton = _words_by_skeleton(corpus)
    fits: dict[str, float] = {}
    for skeleton, written, choices_cost in latin_spellings(latin_word):
        # A «v» is a consonant too, though «و» is left out of skeletons («avaz», «آواز»).
        if len(skeleton) + written.count("v") < max(min_consonants, _FEWEST_CONSONANTS):
            continue
        for word in by_skeleton.get(skeleton, ()):
            cost = vowel_cost(written, word, costs) + choices_cost
            if cost <= _MOST_COST + _COST_PER_CONSONANT * len(skeleton) and cost < fits.get(word, float("inf")):
                fits[word] = cost
    if not fits:
        return None
    best = min(fits.values())
    # A word the analyzer cuts counts its stem's passages («شروعی» those of «شروع»): an index
    # token goes first.
    chosen = max((corpus.has_token(word), corpus.document_frequency(word), -cost, word)
                 for word, cost in fits.items() if cost <= best + costs.margin)
    return -chosen[2], chosen[3]


def corpus_word_for(latin_word: str, corpus: Vocabulary, *, min_consonants: int = MIN_CONSONANTS,
                    costs: Costs = NAME_COSTS) -> str | None:
    """The corpus word a Latin word spells (`best_fit`), or None."""
    found = best_fit(latin_word, corpus, min_consonants=min_consonants, costs=costs)
    return None if found is None else found[1]


def persian_spelled(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with each Latin-script word read as the corpus word it spells in
    Persian letters (`corpus_word_for`), where the corpus holds that word in more passages than
    the Latin one: «hegel چه فلسفه ای داشت؟» -> «هگل چه فلسفه ای داشت؟». Text in «» is kept."""

    def spelled(match: re.Match[str]) -> str:
        word = match.group()
        if not LATIN_WORD.fullmatch(word):
            return word
        persian = corpus_word_for(word, corpus)
        if persian is None or corpus.document_frequency(persian) <= corpus.document_frequency(word):
            return word
        return persian

    return rewrite_unquoted_words(normalized_question, spelled)
