"""Questions typed as spoken Persian (محاوره) -> the written words passages use.

Users type «پایتخت قزاقستانو کی عوض کردن؟» or «جمعیت تهرون چقدره» as readily as the written
question. Passages are written Persian, so a spoken form matches nothing: «قزاقستانو» (the
name with the spoken object marker) is not «قزاقستان», «کدوم» stems to «کدو» (pumpkin), and
«چقدره» is weighed as a rare content word. `written_form` rewrites a normalized question word
by word, for questions only (documents are written text):

- spoken words with one written form («چیه» -> «چیست», «کدوم» -> «کدام», «اونا» -> «آنها»,
  «رو» -> «را», «میشه» -> «می‌شود»), from a fixed table, unless the corpus uses the word
  (then it is a name or a title there);
- any other word that neither hazm's word list nor the corpus knows (in any form): a spoken
  verb ending («میکنه» -> «میکند», «میکنن» -> «میکنند», «بگیره» -> «بگیرد»), «ون» for «ان» or
  «وان» («تهرون» -> «تهران», «میخونه» -> «میخواند»), then spoken endings: a plural («مهندسا» -> «مهندس‌ها»),
  a possessive («اسمشون» -> «اسمشان»), the object marker «-و» / «-رو» («قزاقستانو» ->
  «قزاقستان را») or the copula «-ه» («کشوره» -> «کشور است»), each only into a word one of
  them has. Such a word matches no passage as typed, so a written question is left as it
  was unless it holds a word nobody knows (measured: 6 of 5,988 PQuAD train questions
  change; three are «بدنیا» read as «به دنیا», the rest misspellings).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from qa.lexical import Vocabulary, fold, in_lexicon, is_lexicon_word, is_verb_form, known_word
from qa.text import normalize, rewrite_unquoted_words

_MIN_LENGTH = 3  # shorter unknown words are left alone: too little to tell a spoken form by

# Spoken forms with a single written equivalent, in everyday spelling (normalized on first use).
_SPOKEN = {
    # question words
    "چیه": "چیست", "چیا": "چه چیزهایی", "چیو": "چه چیزی را", "کیه": "کیست", "کیا": "چه کسانی",
    "چقد": "چقدر", "چن": "چند",
    "کیو": "چه کسی را", "کجاس": "کجاست", "کجان": "کجا هستند", "کجاها": "کجا", "چقدره": "چقدر است",
    "چنده": "چند است", "چندتا": "چند", "چندمه": "چندم است", "کدوم": "کدام", "کدوما": "کدام",
    "کدومش": "کدام", "کدومیک": "کدامیک", "کدومشون": "کدام", "چجوری": "چگونه", "چطوری": "چگونه",
    "چجوریه": "چگونه است", "چطوریه": "چگونه است", "کدومه": "کدام است",
    "چجور": "چگونه", "هرچی": "هر چه", "چیکار": "چه کاری", "چکار": "چه کاری", "واسه": "برای", "واسچی": "برای چه",
    # pronouns, determiners, particles
    "اون": "آن", "اونا": "آنها", "اونها": "آنها", "اونجا": "آنجا", "اونو": "آن را", "اینو": "این را",
    "اینا": "اینها", "اینارو": "اینها را", "اونارو": "آنها را", "همون": "همان", "همونجا": "همانجا",
    "اینجوری": "این گونه", "اونجوری": "آن گونه", "یه": "یک", "یکیش": "یکی", "دیگه": "دیگر",
    "بدنیا": "به دنیا",
    # numbers as said: «شیش تا بازیکن»
    "شیش": "شش", "شیشم": "ششم", "شیشمین": "ششمین", "هیژده": "هجده", "هیژدهم": "هجدهم",
    "رو": "را", "تو": "در", "هنوزم": "هنوز هم",
    # frequent verbs whose spoken forms the rules below cannot derive
    "میشه": "می‌شود", "نمیشه": "نمی‌شود", "میشن": "می‌شوند", "داره": "دارد", "نداره": "ندارد",
    "دارن": "دارند", "ندارن": "ندارند", "میخواد": "می‌خواهد", "میخوان": "می‌خواهند", "میده": "می‌دهد",
    "میدن": "می‌دهند", "میگه": "می‌گوید", "میگن": "می‌گویند", "میگفتن": "می‌گفتند", "میره": "می‌رود",
    "میرن": "می‌روند", "میاد": "می‌آید", "اومد": "آمد", "اومدن": "آمدند",
    "اومده": "آمده", "میتونه": "می‌تواند", "میتونن": "می‌توانند", "میدونه": "می‌داند",
    "میدونن": "می‌دانند", "میذاره": "می‌گذارد", "هستن": "هستند", "نیستن": "نیستند",
    "کنه": "کند", "کنن": "کنند", "بکنه": "بکند", "بشه": "بشود", "بشن": "بشوند", "باشه": "باشد",
    "باشن": "باشند", "بیاد": "بیاید", "بگه": "بگوید", "بگن": "بگویند",
    "بیاره": "بیاورد", "بیارن": "بیاورند", "بتونه": "بتواند", "بتونن": "بتوانند", "بخواد": "بخواهد",
    "بذاره": "بگذارد", "بمونه": "بماند",
    # spoken words hazm's word list holds (the rules below leave lexicon words alone)
    "زبون": "زبان", "جون": "جان", "خونه": "خانه", "نشون": "نشان", "اسمون": "آسمان", "میدون": "میدان",
    "کوچیک": "کوچک",
}  # fmt: skip
# Left out, being written words as well: «بدن» (body), «بیان», «بره», «برن», «بده», «میان».
# Spoken past plurals («کردن», «شدن», «رفتن») are left alone: they are also infinitives, which
# written questions use; either way the verb weighs little next to the question's nouns. (Read
# as plurals when last in the question, where the verb stands: spoken train-side MRR@10 +0.002
# over the whole corpus, -0.001 per article and as one document; not kept.)

# Spoken function words, read in written form even where the corpus has them («تو» = you in a
# quote). Other spoken words the corpus has as they are stay: there they are names or titles
# («یوکو اونو», «آل کیا», the film «جون باگ»).
_FUNCTION_WORDS = frozenset({"رو", "تو", "یه"})


# «رو به افزایش» (towards), «رو آوردن» (to turn to) are written Persian, and so is «رو» after
# «به» («رو به رو», «روبه رو»: facing): the object marker never follows a preposition.
_WRITTEN_AFTER_RO = (" به ", " اورد")


@lru_cache(maxsize=1)
def _spoken() -> dict[str, str]:
    return {normalize(spoken): normalize(written) for spoken, written in _SPOKEN.items()}


def _vowel_variants(word: str) -> list[str]:
    """«ون» read as «ان» or «وان», one place at a time from the end («تهرون» -> «تهران»,
    «نتونست» -> «نتوانست»)."""
    places = [m.start() for m in re.finditer("ون", word)][::-1]
    return [word[:at] + vowel + word[at + 2:] for at in places for vowel in ("ان", "وان")]


def _verb_forms(word: str) -> list[str]:
    """Written candidates of a spoken present or past verb with «می» / «نمی»: the person ending
    in writing («میکنه» -> «میکند», «میکنن» -> «میکنند»), with «ون» read as «ان» / «وان»
    («میخونه» -> «میخواند», never the noun «میخانه»; «میتونست» -> «میتوانست»). Elsewhere a final
    «ه» or «ن» is as often part of a written word («سالانه», «کرده»); spoken subjunctives are read
    by `_subjunctive_form`, short ones («کنه», «بشه») by the table."""
    if not word.startswith(("می", "نمی")):
        return []
    if word.endswith("ه"):
        written = word[:-1] + "د"
    elif word.endswith("ن") and not word.endswith("ند"):
        written = word + "د"
    else:
        return _vowel_variants(word)
    return [written, *_vowel_variants(written)]


def _subjunctive_form(word: str, is_word: Callable[[str], bool]) -> str | None:
    """The written form of a spoken subjunctive with «ب» (not «ن»: «نشونه» is «نشانه», not
    «نشوند»): the singular where hazm lists it as a verb («بگیره» -> «بگیرد», «بدوه» -> «بدود», in
    few documents), the plural only where a word has it (`is_word`: «بسازن» -> «بسازند»; «برندن»,
    a slip for «بردن», would be «برندند», of «رندیدن», to plane); else None."""
    if not word.startswith("ب") or len(word) < 4:
        return None
    if word.endswith("ه"):
        written = word[:-1] + "د"
        return written if is_verb_form(written) else None
    if word.endswith("ن") and not word.endswith("ند"):
        written = word + "د"
        return written if is_word(written) else None
    return None


# Spoken endings, outermost first: the object marker or the copula («کتابارو», «همسایه‌س»,
# «کشوره»), a spoken possessive («اسمشون»), a spoken plural («مهندسا», «روزای»): (spoken
# ending, written ending) pairs; `_may_take` says after which letters each can stand.
_Layer = tuple[tuple[str, str], ...]
_MARKERS: _Layer = (("رو", " را"), ("و", " را"), ("س", " است"), ("ه", " است"))
_POSSESSIVES: _Layer = (("شون", "شان"), ("تون", "تان"), ("مون", "مان"))
_PLURALS: _Layer = (("ایی", "هایی"), ("ای", "های"), ("ا", "ها"))


def _may_take(stem: str, ending: str) -> bool:
    """Whether a spoken `ending` can follow `stem`, or would rather be part of a written word."""
    if ending == "ه":  # after «د» / «ت» it is a past participle («کرده», «داشته»)
        return stem[-1] not in "دت"
    if ending == "س":  # «همسایه‌س»; after other letters a final «س» is a name's («پلوس»)
        return stem[-1] == "ه"
    if ending in ("ایی", "ای", "ا"):
        # Not after «ا», «و», «ه» (written «-ها» there), «-ای» not after «ی» (written «‌ای»:
        # «بیماری‌ای»). After «ت» too («شرکتا», «فاشیستا»): an adverb that lost its tanwin in
        # normalizing («نسبتاً» -> «نسبتا») is a lexicon word, which only the table rewrites.
        return stem[-1] not in "اوه" and not (ending != "ا" and stem[-1] == "ی")
    return True


def _peel(word: str, layers: list[_Layer], base: Callable[[str], str | None]) -> str | None:
    """`word` as a base (`base` gives its written form) plus at most one ending of each layer,
    in order; the written form, or None."""
    found = base(word)
    if found is not None or not layers:
        return found
    for ending, written in layers[0]:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= _MIN_LENGTH and _may_take(stem, ending):
            inner = _peel(stem, layers[1:], base)
            if inner is not None:
                return inner + written
    return _peel(word, layers[1:], base)


def written_form(normalized_question: str, corpus: Vocabulary) -> str:
    """`normalized_question` (from `qa.text.normalize`) with its spoken words in written form.

    A word the corpus or hazm's lexicon has, in some form (its stem), is kept; the rules
    rewrite other words only into words one of them has exactly. Text in «» (titles,
    quotations) is kept as typed.
    """
    spoken = _spoken()

    def is_word(word: str) -> bool:
        return is_lexicon_word(word) or corpus.has_token(fold(word))

    def spoken_stem(word: str) -> str | None:
        written = spoken.get(word)
        return written if written is not None and " " not in written else None

    def base(word: str) -> str | None:
        """A word's written form if it needs no ending peeled: known, a spoken word of the
        table, or read with «ان» / «وان» for «ون» into a word that exists as it is (a reading
        ending in «ان» could otherwise pass as a plural of another word: «کانتون» -> «کانت»).
        Not for «می» verbs: those are read by `_verb_forms` only."""
        if known_word(word, corpus):
            return word
        if word.startswith(("می", "نمی")):
            return spoken_stem(word)
        return spoken_stem(word) or next((v for v in _vowel_variants(word)
                                          if is_word(v) or (known_word(v, corpus) and not v.endswith("ان"))), None)

    def rewrite(match: re.Match[str]) -> str:
        word = match.group()
        if word == "رو" and (match.string.startswith(_WRITTEN_AFTER_RO, match.end())
                             or match.string.endswith("به ", 0, match.start())):
            return word
        if word in spoken and (word in _FUNCTION_WORDS or not corpus.has_token(fold(word))):
            return spoken[word]
        if len(word) < _MIN_LENGTH or not word.isalpha() or corpus.knows(word):
            return word
        if in_lexicon(word):
            # hazm lists a few spoken words («زبون»); only such a word, with its endings, is read
            # anew («زبونای» -> «زبان‌های»): other rules would misread written words the corpus
            # lacks («نقشه» is no «نقش است», «رسماً» no plural of «رسم»).
            found = _peel(word, [_MARKERS, _POSSESSIVES, _PLURALS], spoken_stem)
            return word if found is None else found
        verb = next((v for v in _verb_forms(word) if is_word(v)), None) or _subjunctive_form(word, is_word)
        if verb is not None:
            return verb
        found = _peel(word, [_MARKERS, _POSSESSIVES, _PLURALS], base)
        return word if found is None else found

    return _DIED.sub(_died, rewrite_unquoted_words(normalized_question, rewrite))


# «مرد» as the verb that ends a question after «کی», «کجا», «چگونه», «چرا» or a cause
# («جان لنون چگونه مرد؟», «از چه بیماری مرد؟») says died, as documents write it: «درگذشت». Read
# as typed, it would match «مرد» (man).
_DIED = re.compile(r"(?<=\s)(?P<asked>(?:کی|کجا|چگونه|چطور|چرا|بیماری|علتی|دلیلی)\s+)مرد(?P<plural>ند)?"
                   r"(?=\s*[؟?!.]*\s*$)")


def _died(match: re.Match[str]) -> str:
    return match["asked"] + "درگذشت" + (match["plural"] or "")
