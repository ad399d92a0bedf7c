"""Tokenising and lemmatising Russian text with pymorphy3, behind a word→lemma cache.

Lemmas make «заземления автоцистерны» match «заземляют автоцистерну». Numbers keep their decimal
part («0,5» stays one token) because operators ask about exact values.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

_RUSSIAN = re.compile(r"[а-яё0-9-]+")
_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+|[%№₸]", re.UNICODE)
# Symbols that users write as words and documents as signs («95%» vs «сколько процентов»).
_SYMBOL_LEMMAS = {"%": "процент", "№": "номер", "₸": "тенге"}
# Comparatives that documents and people use interchangeably («более 10 литров» / «больше 10 литров»).
_SAME_LEMMA = {"больше": "больше", "более": "больше", "свыше": "больше", "меньше": "меньше", "менее": "меньше"}

# Function words and question words: they say nothing about which passage holds the answer.
RUSSIAN_STOPWORDS = frozenset("""
а без бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до его
ее ей если есть еще же за здесь и из или им их к как какой какая какое какие каков когда кто куда ли
либо мне много может можно мой мы на над надо нам нас не него нее нет ни них но ну о об однако он она
они оно от очень по под при про раз с сам свой себя со так также такой там те тем то того тоже той
только том ты у уже хотя чего чей чем что чтобы чье эта эти это этот я который которая которое
которые сколько зачем почему откуда каким какую каком какого какой-то ли-то бы-то нибудь либо-то
ещё всё её мой моя мою мне меня ему тот та ту тех этим этой этого этом этих сейчас теперь потом
тогда надо нужно нужный должный мочь стать делать сделать быть иметь очень просто вообще прям
прямо щас скока чё че чо типа короче блин ладно вдруг именно вот-вот ну-ка пожалуйста подскажите
подсказать скажите сказать
""".split())
# English and Kazakh function and question words (questions asked in those languages)
FOREIGN_STOPWORDS = frozenset("""
a an the is are was were be been am do does did to of in at for with by from and or if its this that
these those what which who whom when where why how could should would will shall may might must i you he
she we they me my your our their there here please any some about than then so as
және мен бен пен үшін бойынша керек қажет ма ме ба бе па пе бола болады ғой ғана ол бұл осы сол қай қандай
неше қанша қашан қайда қалай кім кімге неге неліктен немесе егер онда
болды болса болған болып болу болмаса болатын еді екен шығар тағы да де та те бірақ сондай
сен сіз біз олар оның менің сенің сіздің біздің маған саған сізге бізге оған мына анау осында сонда
қайсы қайсысы нешеге қаншалық істеу істеймін істейміз істеген жасау жасаймын жасаймыз деген дегеніміз
""".split())
STOPWORDS = RUSSIAN_STOPWORDS | FOREIGN_STOPWORDS


# Words that say what kind of answer is wanted («максимум», «разрешается»), not what it is about.
INTENT_WORDS = frozenset("""
максимум минимум максимально минимально примерно приблизительно точно обязательно обязан обязанный
разрешаться разрешать разрешить разрешено запрещаться запрещать запретить можно нельзя положено положить следовать
требоваться нужный необходимый должен должный допускаться понять узнать проверить проверять
сначала потом первый делать сделать мочь хотеть знать объяснить правильно правильный самый порядок
шаг пошагово поэтапно алгоритм подробно подробный кратко коротко действие
""".split())


# Verbs of rule-making come as aspect pairs and passives that pymorphy3 gives different lemmas: a rule says
# «запрещается», the asker «запрещено» (запретить) or «запрещают». Each family is one thing asked, so a query
# with one member searches for the others too (``family``).
_FAMILIES = (
    ("запретить", "запрещать", "запрещаться"),
    ("разрешить", "разрешать", "разрешаться"),
    ("допустить", "допускать", "допускаться"),
    ("обязать", "обязывать", "обязываться"),
    ("потребовать", "требовать", "требоваться"),
)
_FAMILY_OF = {lemma: family for family in _FAMILIES for lemma in family}


def family(lemma: str) -> tuple[str, ...]:
    """The other lemmas of ``lemma``'s aspect-and-voice family («запретить» → «запрещать», «запрещаться»)."""
    return tuple(other for other in _FAMILY_OF.get(lemma, ()) if other != lemma)


# Everyday words that describe the situation, not the topic («в машине сидят жена и ребёнок»): a
# knowledge base rarely uses them, and their absence from a passage says little.
GENERIC_WORDS = frozenset("""
человек люди мужчина женщина муж жена ребенок дети сын дочь мама папа друг парень девушка бабушка дедушка
машина тачка авто деньга день ночь утро вечер время раз место сторона дело вопрос ответ проблема ситуация
случай вещь штука рука нога голова глаз слово минута секунда неделя месяц год сегодня вчера завтра асфальт
земля пол улица дорога дом работа телефон номер
говорить сказать сидеть стоять лежать идти ходить прийти приехать заехать уехать подъехать ехать
приходить смотреть видеть думать хотеть взять брать дать давать жать нажать писать звонить орать кричать
""".split())


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: its surface form (lower-cased, ё→е) and lemma."""

    surface: str
    lemma: str
    pos: str | None
    known: bool
    start: int = 0
    end: int = 0


def stem_key(lemma: str) -> str | None:
    """A prefix shared by words of one root («заземление», «заземлять» → «заземл»), for partial matches."""
    if len(lemma) < 6 or not lemma.isalpha():
        return None
    return lemma[:6] if len(lemma) >= 7 else lemma[:5]


def normalise(text: str) -> str:
    """Lower-case and fold ё into е, as users type both."""
    return text.lower().replace("ё", "е")


class Analyzer:
    """Lemmatiser with a thread-safe cache; loading pymorphy3 once per process."""

    def __init__(self) -> None:
        import pymorphy3  # heavy: loaded on first use

        self._morph = pymorphy3.MorphAnalyzer(lang="ru")
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, str | None, bool]] = {}

    def _analyse(self, word: str) -> tuple[str, str | None, bool]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        if word in _SYMBOL_LEMMAS:
            result: tuple[str, str | None, bool] = (_SYMBOL_LEMMAS[word], "NOUN", True)
        elif word in _SAME_LEMMA:
            result = (_SAME_LEMMA[word], "COMP", True)
        elif word[0].isdigit() or not _is_cyrillic(word):
            result = (word.replace(",", "."), "NUMB" if word[0].isdigit() else "LATN", True)
        else:
            parse = self._morph.parse(word)[0]
            known = self._morph.word_is_known(word)
            pos = parse.tag.POS
            result = (normalise(parse.normal_form), str(pos) if pos else None, known)
        with self._lock:
            self._cache[word] = result
        return result

    def tokens(self, text: str) -> list[Token]:
        """All word tokens of the text, stop words included."""
        out = []
        for match in _TOKEN_RE.finditer(normalise(text)):
            word = match.group()
            lemma, pos, known = self._analyse(word)
            out.append(Token(word, lemma, pos, known, match.start(), match.end()))
        return out

    def lemmas(self, text: str, *, keep_stopwords: bool = False) -> list[str]:
        """Lemmas of the text's words, stop words dropped unless asked for."""
        return [t.lemma for t in self.tokens(text)
                if keep_stopwords or (t.lemma not in STOPWORDS and t.surface not in STOPWORDS)]

    def forms(self, word: str) -> set[str]:
        """Every inflected form of a word (for slang, by analogy with known words): «зэтка» →
        «зэтку», «зэтки»…, so a dictionary entry matches however the word is declined."""
        word = normalise(word)
        if not _is_cyrillic(word):
            return {word}
        out = {word}
        for parse in self._morph.parse(word)[:2]:
            out.update(normalise(f.word) for f in parse.lexeme)
        return out

    def lemma_variants(self, word: str) -> set[str]:
        """Every lemma a word may have out of context: a dictionary entry «разлив» is the noun, but
        alone pymorphy reads it first as the gerund of «разлить»; a phrase book matches any reading."""
        word = normalise(word)
        out = {word, self._analyse(word)[0]}
        if _is_cyrillic(word):
            out.update(normalise(p.normal_form) for p in self._morph.parse(word))
        return out

    @lru_cache(maxsize=100_000)  # noqa: B019  (one analyzer per process, never freed)
    def readings(self, word: str) -> tuple[frozenset[str], ...]:
        """Every grammatical reading of a word out of context (part of speech, case, number, gender,
        animacy): «энергетики» is a feminine noun in the genitive or a plural one, and a follow-up's
        noun replaces the earlier noun that can stand in the same place."""
        word = normalise(word)
        if not _is_cyrillic(word) or not _RUSSIAN.fullmatch(word):  # pymorphy would guess at «құжаттар»
            return ()
        return tuple(frozenset(p.tag.grammemes) for p in self._morph.parse(word))

    def is_known(self, word: str) -> bool:
        """Whether the Russian dictionary holds this form, «е» standing for «ё» too (OCR checks its
        guesses against it)."""
        return bool(self._morph.word_is_known(word.lower()))

    def has_prefix(self, prefix: str) -> bool:
        """Whether some form in the Russian dictionary starts so, «е» standing for «ё» too."""
        return self._has_prefix(prefix.lower())

    @lru_cache(maxsize=100_000)  # noqa: B019  (one analyzer per process, never freed)
    def _has_prefix(self, prefix: str) -> bool:
        words = self._morph.dictionary.words
        spots = [i for i, ch in enumerate(prefix) if ch == "е"][:4]
        for mask in range(1 << len(spots)):  # the dictionary spells «ё»; the text may not
            chars = list(prefix)
            for bit, i in enumerate(spots):
                if mask >> bit & 1:
                    chars[i] = "ё"
            if next(iter(words.iterkeys("".join(chars))), None) is not None:
                return True
        return False

    def is_stopword(self, token: Token) -> bool:
        return token.lemma in STOPWORDS or token.surface in STOPWORDS


def _is_cyrillic(word: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in word)


@lru_cache(maxsize=1)
def get_analyzer() -> Analyzer:
    """The process-wide analyser (pymorphy3 dictionaries take ~0.3 s and ~15 MB to load)."""
    return Analyzer()
