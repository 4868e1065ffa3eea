"""Questions typed in Latin letters ("Finglish"), read as Persian.

Users without a Persian keyboard type Persian in Latin letters: «chera paytakhte ghazaghestan
az almaty be astana montaghel shod?». Not a word of it matches a Persian document. A question
with no Persian letter and at least two Latin words is read word by word: a common word (question
words, prepositions, pronouns, the commonest verbs, whose few letters spell many corpus words) from
`_COMMON`, any other as the corpus word its letters spell (`qa.latin_names.best_fit`, down
to two consonants), else as the word of hazm's word list they spell (a word the documents lack
is still a word of the question: «montaghel» is «منتقل» where the article says «انتقال»), and a
word none gives is kept as typed. A question in English (`_ENGLISH`) stays English but for the
names it holds («Kazakhstan» -> «قزاقستان»).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable

from qa.latin_names import LATIN_WORD, NAME_COSTS, Vocabulary, best_fit
from qa.lexical import PERSIAN_LETTERS, lexicon_frequencies
from qa.text import normalize

# How users write the common words (several spellings each), and the written Persian word.
_SPELLINGS = """
chera chra: چرا
chi: چی
chiye chie: چیه
chist chiast: چیست
kist: کیست
kiye kie: کیه
ki key kei: کی
koja kuja: کجا
kojast kujast: کجاست
kodam kodoom kodum kodom kodoum: کدام
kodamin: کدامین
kodoomash kodumash: کدومش
chand: چند
chandom: چندم
chandomin: چندمین
chetor chetour chtor: چطور
chetori: چطوری
chegoone chegune chegone chegoneh chegooneh: چگونه
che: چه
cheghadr cheghadar cheqadr: چقدر
chejoori chejuri: چجوری
aya aaya: آیا
az: از
be beh: به
ba: با
dar: در
ra: را
ro ru: رو
ke keh: که
va o: و
ta: تا
bar: بار
baraye barayeh barae baraie: برای
bein beyn: بین
pas: پس
pish: پیش
ghabl qabl: قبل
bad baad: بعد
zir: زیر
roye rooye ruye: روی
tavasot tavassot tavasote tavassote: توسط
bedoon bedune bedun: بدون
hame hameye: همه
har: هر
yek: یک
ye: یه
in: این
an aan: آن
oon un: اون
inha: اینها
anha aanha: آنها
oonha unha: اونها
khod: خود
khodesh: خودش
u oo: او
vey: وی
ma: ما
man: من
shoma: شما
to tu too: تو
ham: هم
hich: هیچ
chize: چیز
ast: است
hast: هست
hastand: هستند
nist: نیست
bood bud: بود
boodand budand: بودند
boode bude: بوده
shod: شد
shodand: شدند
shodan: شدن
shode shodeh: شده
mishavad: میشود
mishe: میشه
mishan: میشن
mishod: میشد
mishodan: میشدن
mishavand: میشوند
kard: کرد
kardand: کردند
kardan: کردن
karde kardeh: کرده
mikonad: میکند
mikone: میکنه
mikonand: میکنند
mikonan: میکنن
mikard: میکرد
mikardan: میکردن
mikardand: میکردند
mizanan mizanand: میزنند
mizane mizanad: میزند
dasht: داشت
dashtand: داشتند
darad: دارد
dare: داره
darand: دارند
daran: دارن
dashte: داشته
dad: داد
dadand: دادند
dade: داده
gereft: گرفت
amad: آمد
omad: اومد
raft: رفت
goft: گفت
bayad: باید
kasi: کسی
kasani: کسانی
chizi: چیزی
rah: راه
mah: ماه
shah: شاه
sal: سال
yad: یاد
ozv ozve: عضو
nam: نام
esm: اسم
aval avval: اول
avalin avvalin: اولین
dovom: دوم
sevom: سوم
noe: نوع
ja: جا
jaye: جای
pa: پا
na: نه
ya: یا
do: دو
se: سه
mana mani maani: معنی
manaye: معنای
"""

_COMMON = {
    spelling: normalize(persian)
    for line in _SPELLINGS.strip().splitlines()
    for spellings, persian in [line.split(":")]
    for spelling in spellings.split()
}
_WORD = re.compile(r"\w+")
# The ezafe and the plural typed apart («ketab-e man», «ghale haye», «roozname i»): no word of
# their own. Typed on, they are tried off too (`_readings`).
_APART = frozenset({"e", "i", "ha", "haye", "hayi", "hay"})
_HYPHENED = re.compile(r"-(?:e|ye|ie|i)\b|-")
# the ezafe, and the spoken object marker and «his / her» ending («avazo», «ghablesh»)
_ENDINGS = ("ye", "e", "o", "esh", "ash")
# In a whole question typed in Latin letters, a word of two consonants is spelled too: there the
# common short words are read from `_COMMON` first, so what is left is mostly content words.
_MIN_CONSONANTS = 2
# Users type Persian's final «ه» as «e» («hamle», «jebhe»: a last «e» is mostly that), its short
# «o» as «o» and its «و» as «o» too («dolat», «دولت»; «modat», «مدت»): both cost alike; its short
# «a» as «a» like its «ا» («kasi», «کسی»); and of words that fit almost equally well the one in
# most passages wins («jang»: «جنگ», not «یانگ»).
FINGLISH_COSTS = dataclasses.replace(
    NAME_COSTS,
    written_as={**NAME_COSTS.written_as, ("o", "و"): 0.25, ("E", "ة"): 0.0},
    unwritten={**NAME_COSTS.unwritten, "o": 0.25, "a": 0.25, "E": 0.5},
    margin=0.25,
)


class _WordList:
    """hazm's word list as a `Vocabulary`: its words and their counts in hazm's corpus."""

    def __init__(self) -> None:
        self._frequency = lexicon_frequencies()

    def words(self) -> Iterable[str]:
        return self._frequency.keys()

    def document_frequency(self, word: str) -> int:
        return self._frequency.get(word, 0)

    def has_token(self, token: str) -> bool:
        return token in self._frequency


@functools.lru_cache(maxsize=1)
def _word_list() -> _WordList:
    return _WordList()


# Words of an English question that no Persian word is typed as: such a question is English, and
# only its names are read (`qa.latin_names`), not its every word («did» is no «دید»).
_ENGLISH = frozenset({"the", "what", "why", "how", "who", "when", "where", "which", "did", "does", "is", "are",
                      "was", "were", "of", "with", "from", "by"})


def is_finglish(normalized_question: str) -> bool:
    """Whether a question is Persian typed in Latin letters: no Persian letter, two Latin words
    or more, none of them an English word no Persian word is typed as."""
    words = LATIN_WORD.findall(normalized_question)
    return not PERSIAN_LETTERS.search(normalized_question) and len(words) >= 2 and not _ENGLISH & set(words)


def _readings(word: str) -> list[str]:
    """`word` and, where it ends as an ezafe or a spoken ending may («bashgahe», «jebheye»,
    «avazo», «ghablesh»), the word without it."""
    return [word] + [word[:-len(ending)] for ending in _ENDINGS if word.endswith(ending) and len(word) > len(ending) + 2]


def _spelled(word: str, vocabulary: Vocabulary) -> str | None:
    """The word of `vocabulary` a Finglish word, or it without an ezafe, spells best (of those
    that fit almost alike, the one in most passages; then the whole word)."""
    fits = [(found[0], order, found[1]) for order, reading in enumerate(_readings(word))
            if (found := best_fit(reading, vocabulary, min_consonants=_MIN_CONSONANTS, costs=FINGLISH_COSTS))]
    if not fits:
        return None
    best = min(cost for cost, _, _ in fits)
    return max((vocabulary.document_frequency(found), -order, found) for cost, order, found in fits
               if cost <= best + FINGLISH_COSTS.margin)[2]


def persian_read(normalized_question: str, corpus: Vocabulary) -> str:
    """A question typed in Latin letters read as Persian, word by word (see the module)."""

    def read(match: re.Match[str]) -> str:
        word = match.group()
        if not LATIN_WORD.fullmatch(word):
            return word
        if word in _APART:
            return ""
        return _COMMON.get(word) or _spelled(word, corpus) or _spelled(word, _word_list()) or word

    joined = _HYPHENED.sub(lambda hyphen: "" if len(hyphen.group()) > 1 else " ", normalized_question)
    # Quoted words too: a title typed in Latin letters is Persian typed so («oon negahe garme to»).
    return " ".join(_WORD.sub(read, joined).split())
