"""Misspelled question words, read as the corpus spells them.

Three kinds of mistake leave a question word that matches no passage:
- a letter Persian writes alike: several letters stand for one sound (ز ذ ض ظ, س ص ث, ت ط,
  ه ح, ق غ, ا ع), and users pick the wrong one in words borrowed from Arabic («زخیره» for
  «ذخیره», «اصتلاح» for «اصطلاح»);
- a slip of the hand: a letter left out, typed twice, two letters swapped, or the key next to
  the right one on the Persian keyboard («معون» for «معاون», «فسلفه» for «فلسفه», «مجنوع» for
  «مجموع»);
- a space left out after a letter that does not join the next («بنیتوموسولینی», «نفراز»,
  «درسال»): on screen the two words look apart, so users never see the slip.
Such a word also counts as the question's rarest word and absent from every passage, so the
service says "no answer" to most questions holding one. `respelled` replaces a question word
that neither hazm's lexicon nor the corpus knows by the two words it runs together, or else by
the corpus word one such mistake away, and leaves every other word alone; «در», «از», «به» or
«با» run into a lexicon word is read apart even where a passage glues it too, as the analyzer
indexes such a passage with the word as well (`qa.lexical.glued_function_word`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qa.lexical import (
    Vocabulary,
    analyze,
    fold,
    glued_function_word,
    is_verb_form,
    known_word,
    word_token,
)
from qa.text import rewrite_unquoted_words

_SOUND_ALIKE = ("زذضظ", "سصث", "تط", "هح", "قغ", "اع")
_ALIKE = {letter: group.replace(letter, "") for group in _SOUND_ALIKE for letter in group}
# A hamza inside a word sits on «ا», «و» or «ی» as the writer spells it: «مساله» / «مسئله», «هیأت» /
# «هیئت», «مسؤول» / «مسئول». Matching folds «ئ» to «ی», so a medial «ا» or «و» may be the corpus's «ی».
_HAMZA_SEATS = "او"
_MIN_LENGTH = 4  # shorter words have too many neighbours to guess from
_DOUBLED_MIN_STEM = 3  # but a letter typed twice is read off a 3-letter stem too (`slip_spelling`)
# A 4-letter word is only given back a left-out letter: every other slip of so short a word
# lands on some word of a large corpus («وینگ» of a name would become «ویگن»).
_ALL_SLIPS_LENGTH = 5
# From 5 letters the first letter may have slipped too («نغییری» for «تغییری», «سکیزوفرنی» for
# «اسکیزوفرنی», PQuAD train; «غلسفه» for «فلسفه»). From 6 first: mistyped proxy MRR@10 0.8218 ->
# 0.8229, written questions unchanged; from 5 once the word in most passages is chosen
# (`slip_spelling`): words mistyped by one slip read right / as another word 0.5630 / 0.1178 ->
# 0.5943 / 0.1134 over the whole PQuAD corpus, 0.5641 / 0.0272 -> 0.6005 / 0.0264 per article
# (`python eval/respelling_accuracy.py`), mistyped proxy 0.8427 -> 0.8450.
_FIRST_LETTER_LENGTH = 5

# Slips are looked for in a question's first few unknown words only (~300 lookups each): more
# unknown words than that make noise or another language, not typing, and would cost ~0.1 s.
_MOST_SLIPS = 8

_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
# The standard Persian keyboard (ISIRI 9147), three letter rows as they lie under Q, A and Z.
_KEY_ROWS = ("ضصثقفغعهخحجچ", "شسیبلاتنمکگ", "ظطزرذدپو")
# Each row sits half a key right of the one above: keys touch when in one row and one apart,
# or in adjacent rows and at most half a key apart.
_KEY_AT = {letter: (row, at + 0.5 * row) for row, keys in enumerate(_KEY_ROWS) for at, letter in enumerate(keys)}
NEIGHBOUR_KEYS = {
    letter: "".join(other for other, (r, x) in _KEY_AT.items() if other != letter and (
        (r == row and abs(x - at) == 1) or (abs(r - row) == 1 and abs(x - at) <= 0.5)))
    for letter, (row, at) in _KEY_AT.items()
}
# Words a question runs into the next one («درسال», «چهکاری»): such a word is two known words,
# not a slip, and the nearest single word would change what is asked.
_GLUED = frozenset({"در", "از", "به", "با", "بر", "تا", "که", "و", "دو", "سه", "چه", "چند", "این", "ان", "هر",
                    "یک", "را", "ها"})
# Those a question runs into the next word («درسال», «دوبال»); not «چند», which opens compound
# adjectives once their half-space is gone («چندلایه»: no «how many» question), nor «بر», which
# opens verbs hazm lists with a space only («برخاسته» is no «بر خاسته»), nor the ending «ها» (a
# name «هاوارد» is no «ها وارد»).
_GLUED_BEFORE = _GLUED - {"چند", "بر", "ها"} | {"چرا", "کجا", "چطور"}  # «چراپایتخت»: they end in a letter that does not join
# Those a question runs into the word before («شهررا», «نفراز», «چرکسیها»); not «و», «ان» or
# «یک», which end many words and names («بنیتو», «شهراستان», «پولیتیک»).
_GLUED_AFTER = frozenset({"را", "از", "در", "با", "به", "بر", "تا", "که", "چه", "ها"})
# Letters that never join the letter after them: a space left out after one does not show.
_NON_JOINING = frozenset("ادذرزژو")
# Spoken endings (a plural, a possessive, the copula, a verb's person) that end a known word
# in questions typed as people speak.
_SPOKEN_ENDINGS = ("ا", "ایی", "شون", "ه", "ن", "و")
# A content word read out of one unknown word is this long at least: shorter pieces are too
# many to tell from chance («پایو» is no «پا» + «یو», spoken «باشن» no «با» + «شن»).
_MIN_PART = 3


def respellings(word: str) -> Iterator[str]:
    """`word` with one letter replaced by another written for the same sound."""
    for at, letter in enumerate(word):
        for other in _ALIKE.get(letter, ""):
            yield word[:at] + other + word[at + 1:]


def hamza_seatings(word: str) -> Iterator[str]:
    """`word` with a medial «ا» or «و» read as the hamza seat «ی» (`_HAMZA_SEATS`). One way
    only: matching has already folded «ئ» to «ی», so a corpus's «ی» may be a hamza, a typed
    «ی» never needs to become «ا»."""
    for at in range(1, len(word) - 1):
        if word[at] in _HAMZA_SEATS:
            yield word[:at] + "ی" + word[at + 1:]


def slips(word: str) -> Iterator[tuple[int, str, int]]:
    """(rank, `word` undone of one slip of the hand, where in it the change is), the likelier
    slips ranked first: a doubled letter, two letters swapped, a letter left out or typed in,
    a neighbouring key. The first letter of a word under 5 letters is taken as typed: people
    slip on it less, and each position more brings words to mistake for the right one."""
    if len(word) < _ALL_SLIPS_LENGTH:
        for at in range(1, len(word) + 1):
            for letter in _LETTERS:
                yield 2, word[:at] + letter + word[at:], at
        return
    for at in range(1, len(word)):
        if word[at] == word[at - 1]:
            yield 0, word[:at] + word[at + 1:], at
        if at < len(word) - 1:
            yield 1, word[:at] + word[at + 1] + word[at] + word[at + 2:], at + 1
    for at in range(1, len(word) + 1):
        for letter in _LETTERS:
            yield 2, word[:at] + letter + word[at:], at
    for at in range(1, len(word)):
        yield 2, word[:at] + word[at + 1:], at
        for other in NEIGHBOUR_KEYS.get(word[at], ""):
            yield 3, word[:at] + other + word[at + 1:], at
    if len(word) >= _FIRST_LETTER_LENGTH:  # enough other letters to tell the word by
        yield 1, word[1] + word[0] + word[2:], 1
        for letter in _LETTERS:
            yield 2, letter + word, 0
        for other in NEIGHBOUR_KEYS.get(word[0], ""):
            yield 3, other + word[1:], 0


def _looks_conjugated(word: str) -> bool:
    """Whether `word` looks like a verb form: hazm's lexicon lists no conjugations, so an
    unknown «میریزند» is no slip, and its nearest corpus word («میریزد») asks another thing."""
    return (word.startswith(("می", "نمی")) or word.endswith(("ند", "ید", "شد", "ست"))
            or (word.startswith("ب") and word.endswith(("د", "ن", "ه", "م", "ی"))))


def _glued(word: str, corpus: Vocabulary) -> bool:
    """Whether `word` is a short word run into a known one («درسال», «نفراز»)."""
    return any((word[:at] in _GLUED and len(word) - at >= 2 and known_word(word[at:], corpus))
               or (word[at:] in _GLUED and at >= 3 and known_word(word[:at], corpus))
               for at in range(1, len(word)))


def glued_words(word: str, corpus: Vocabulary, *, content_too: bool = True) -> str | None:
    """The two words `word` runs together, a space apart, or None: a short function word and
    a corpus word («درسال» -> «در سال», «نفراز» -> «نفر از»), or (`content_too`) two corpus
    words of 3 letters or more, split after a letter that does not join (so the slip is
    invisible) and found in one passage together («بنیتوموسولینی» -> «بنیتو موسولینی»: two
    words of a large corpus that no passage says together are more likely a name it lacks).
    Of several splits, the one whose rarer word is in most passages. A verb form is no two
    words («برسیم» is not «بر سیم»)."""
    if not analyze(word) or is_verb_form(word) or _spoken_ending(word, corpus):
        return None
    found: list[tuple[int, str, str]] = []
    for at in range(1, len(word)):
        left, right = word[:at], word[at:]
        if left == "در" and (right.startswith(("می", "نمی")) or is_verb_form(right)):
            continue  # a verb after its preverb: «درمیاورد», «درامد» are one word
        if (left in _GLUED_BEFORE and (len(right) >= _MIN_PART or right in _GLUED)) or (
                right in _GLUED_AFTER and len(left) >= _MIN_PART):
            content = right if left in _GLUED_BEFORE else left
            if known_word(content, corpus):
                found.append((corpus.document_frequency(content), left, right))
        elif (content_too and word[at - 1] in _NON_JOINING and min(len(left), len(right)) >= _MIN_PART
              and corpus.knows(left) and corpus.knows(right) and corpus.together(left, right)):
            found.append((min(corpus.document_frequency(left), corpus.document_frequency(right)), left, right))
    if not found:
        return None
    _, left, right = max(found)
    return f"{left} {right}"


def _spoken_ending(word: str, corpus: Vocabulary) -> bool:
    """Whether `word` is a known word with a spoken ending the written form was not found for
    («کشورا», «درختایی», «خودشون», «بهتره»): no two words («کشو را», «در ختایی»)."""
    return any(word.endswith(ending) and len(word) - len(ending) >= _MIN_PART
               and known_word(word[: -len(ending)], corpus) for ending in _SPOKEN_ENDINGS)


def slip_spelling(word: str, corpus: Vocabulary) -> str | None:
    """The corpus word `word` is one slip of the hand from: the one in most passages, then the
    likeliest slip (`slips`' rank). The change must lie in the word's stem: in an ending it
    would read a spoken plural «درختایی» as «درختیی», a form of «درخت» no user meant.

    Passages before the kind of slip: the likelier slip first chose rare words, «مرسوان» was
    «مروان» (a name in one passage, a letter typed in), not «مریوان» (34 passages, a neighbouring
    key). Words of PQuAD train questions mistyped by one slip, read against the whole PQuAD
    corpus (`python eval/respelling_accuracy.py`), read right / as another word: slip first
    0.5363 / 0.1425, passages first 0.5630 / 0.1178; by log(1 + passages) - c x the slip's rank,
    c = 0.5 / 1: 0.5610 / 0.1198, 0.5597 / 0.1211 (fewer right the more the kind of slip counts)."""
    if not analyze(word) or _glued(word, corpus):
        return None
    # A word that looks like a verb form is one where hazm lists it («میریزند»: the corpus lacks
    # it, and its nearest corpus word asks another thing), else only a listed form one slip away
    # is read for it («رففتند» -> «رفتند», «کششید» -> «کشید»).
    verb = _looks_conjugated(word)
    if verb and is_verb_form(word):
        return None
    best: tuple[bool, int, int, str] | None = None
    for rank, candidate, at in slips(word):
        if verb and not is_verb_form(candidate):
            continue
        stem = word_token(candidate)
        # A doubled letter read off leaves few candidates, so a 3-letter stem is trusted too
        # («نققشی» -> «نقشی»); any other slip of so short a stem lands on too many words, and in
        # a verb a doubled letter may be its own («مییابد» is no «میابد»).
        shortest = _DOUBLED_MIN_STEM if rank == 0 and not verb else _MIN_LENGTH
        if stem is None or len(stem) < shortest or at >= len(stem) or not corpus.has_token(stem):
            continue
        if not fold(candidate).startswith(stem):
            continue
        # A candidate the analyzer reads whole («نخستین») before one it reads only by cutting an
        # ending off («نسخهین» -> «نسخه»), which no one writes: the likelier slip brings that second
        # kind of word far more often than a real one («نخسهین» read «نسخهین», «مرسوان» «مرسومان»).
        key = (stem == fold(candidate), corpus.document_frequency(candidate), -rank, candidate)
        best = key if best is None else max(best, key)
    return None if best is None else best[3]


def corpus_spelling(word: str, corpus: Vocabulary, *, slips_too: bool = True) -> str | None:
    """The corpus's spelling of `word`: one sound-alike letter or hamza seat away (the one in
    most passages), else (`slips_too`) one slip of the hand away."""
    found = [(frequency, v) for v in (*respellings(word), *hamza_seatings(word))
             if (frequency := corpus.document_frequency(v))]
    if found:
        return max(found)[1]
    return slip_spelling(word, corpus) if slips_too else None


def respelled(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` with a function word run into a lexicon word read apart
    (`glued_function_word`), and each word unknown to hazm's lexicon and to the corpus replaced
    by the two words it runs together (`glued_words`), or by the corpus's spelling of it, where
    one is a sound-alike letter or a slip of the hand away. Text in «» (titles, quotations) is
    kept as typed."""

    unknown = 0

    def respell(match: re.Match[str]) -> str:
        nonlocal unknown
        word = match.group()
        if glued_function_word(word):  # read apart even where a passage glues it too: those
            return f"{word[:2]} {word[2:]}"  # passages are indexed with the word as well
        if len(word) < _MIN_LENGTH or not word.isalpha() or known_word(word, corpus):
            return word
        unknown += 1
        # A function word run in first; two content words only where no one-letter mistake
        # explains the word («کارگردنی» is «کارگردانی», not «کار گردنی»).
        return (glued_words(word, corpus, content_too=False)
                or corpus_spelling(word, corpus, slips_too=unknown <= _MOST_SLIPS)
                or glued_words(word, corpus) or word)

    return rewrite_unquoted_words(normalized_question, respell)
