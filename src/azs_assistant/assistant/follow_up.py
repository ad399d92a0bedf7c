"""Follow-up questions without a language model: which ones need the conversation, and which of the
previous questions' words they need.

«а сколько ждать?» after «как принять бензовоз» is read as «а сколько ждать? (принять бензовоз)»: the
topic is carried in the asker's own words (never the system's rewrite of them), content words only
(«что делать», «можно» and the like say what is asked, not what about). A follow-up that names a
thing in the place of an earlier one replaces it: «а в Семее?» after «сколько стоит АИ-92 в
Павлодаре» asks about АИ-92 in Семей, not in both towns; «а энергетики?» after «с какого возраста
продаём сигареты» drops the cigarettes; «а если литров 30?» drops the earlier «3». A follow-up with a
subject of its own (several content words, nothing pointing back) gets no topic at all.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from azs_assistant.language.analyzer import GENERIC_WORDS, INTENT_WORDS, Analyzer

CARRIED_WORDS = 6  # topic words carried into a follow-up at most
OWN_SUBJECT_WORDS = 4  # a follow-up with this many content words of its own asks about something else
OWN_SUBJECT_NOUNS = 3  # …or with this many new, specific nouns, even when it points back («в это время»)
SAME_PLACE = 3  # a noun stands in an earlier noun's place: same case and two of number, gender, animacy

_WORD = re.compile(r"[\w][\w-]*")
_FOLLOW_UP = re.compile(r"^\s*(а|и|но|тогда|ещё|еще|также|так|а если|а что|а как|а где|а когда|а кто|а куда|"
                        r"а сколько|а потом|а после|а при|а у|а в|а на|и если|и что|и как|"
                        r"ал|ал енді|ал егер|сонда|тағы|"  # Kazakh: «ал дизель?», «ал егер…»
                        r"and|and if|what about|how about|what if|then)\b", re.IGNORECASE)
_POINTS_BACK = re.compile(r"\b(он|она|оно|они|его|её|ее|их|ему|ей|им|этот|эта|это|эти|этого|этой|этим|этому|"
                          r"там|туда|тот|та|те|того|той|такой|такая|такое|такие|него|неё|нее|них|"
                          r"ол|оны|оның|онда|бұл|осы|сол|"  # Kazakh: it, its, there, this, that
                          r"it|its|that|there|this|they|them|those|these)\b", re.IGNORECASE)


def points_back(text: str) -> bool:
    """Does the text name its subject by a pronoun or «там» (something said before it)?"""
    return bool(_POINTS_BACK.search(text))


_QUESTION_WORDS = frozenset("""
что как где когда сколько кто куда почему зачем какой какая какое какие можно ли делать сделать нужно надо
what about how where when who why which is are was the a an do does did can could should would if and or
it its that there this they them those these i we you my our to of for in on at with be then also else
ал егер қалай қашан қайда неше қанша ше ма ме ба бе па пе
""".split())
_PREPOSITIONS = frozenset("в во на по у для с со к ко от до из за о об обо при про под над без через после "
                          "перед между около".split())
_MODIFIERS = frozenset({"ADJF", "PRTF", "NUMR"})  # agree with the noun after them («газовый баллон»)
_PREDICATES = frozenset({"VERB", "INFN", "PRTS", "GRND", "COMP"})  # «а если погрешность больше?»
_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2"})
_SAME_CASE = {"gen2": "gent", "acc2": "accs", "loc2": "loct"}
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
# a question of its own kind: what to do, how, where, when, whether («а что делать при проливе?»), not «сколько» or
# «какой» asked of another thing
_ASKS_ANEW = re.compile(r"\b(?:что|как|где|когда|куда|почему|зачем|можно|нужно|надо|what|how|where|when|why|can|should"
                        r"|қалай|қайда|қашан|неге)\b|\bне\s+істе", re.IGNORECASE)
_TRAITS = (frozenset({"sing", "plur"}), frozenset({"masc", "femn", "neut"}), frozenset({"anim", "inan"}))
_positions = itertools.count()  # one sequence for all questions: words of one question are consecutive


@dataclass(frozen=True)
class Word:
    """A word of a question as its asker wrote it, with what the follow-up rules need to know of it."""

    text: str
    lemmas: frozenset[str]  # content lemmas; empty for function and question words
    negated: bool  # «не» stood before it
    preposition: str | None  # the preposition that governs it («в Павлодаре»)
    nouns: tuple[frozenset[str], ...]  # its readings as a noun (case, number, gender, animacy)
    predicate: bool  # a verb or a short participle: the question says something of its own
    number: bool  # a bare number («литров 30»)
    group: int  # a noun and the words agreeing with it («газовый баллон») go together
    at: int  # where it stands: the words of one question are numbered one after another

    @property
    def intent(self) -> bool:
        """«можно», «максимум», «порядок»: says what kind of answer is wanted, never carried over."""
        return self.lemmas <= INTENT_WORDS

    @property
    def noun_like(self) -> bool:
        return bool(self.nouns) or self.number or not self.text.isalpha()


class FollowUps:
    """Decides whether a question needs the conversation, and carries the topic into it."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def words(self, text: str) -> list[Word]:
        """The text's words, each with its preposition, noun readings and agreement group."""
        raw = _WORD.findall(text)
        return _grouped([self._word(raw, i) for i in range(len(raw))], self.analyzer)

    def _word(self, raw: list[str], i: int) -> Word:
        word = raw[i]
        readings = self.analyzer.readings(word)
        lemmas = frozenset() if word.lower() in _QUESTION_WORDS | _PREPOSITIONS else \
            frozenset(lemma for lemma in self.analyzer.lemmas(word) if lemma not in _QUESTION_WORDS)
        # a capital is a name, whatever pymorphy guesses: «Семее» is no comparative
        predicate = bool(lemmas) and bool(readings) and bool(readings[0] & _PREDICATES) and not word[:1].isupper()
        at = next(_positions)
        return Word(word, lemmas, i > 0 and raw[i - 1].lower() == "не", _governing(raw, i, self.analyzer),
                    tuple(r for r in readings if "NOUN" in r) if lemmas else (), predicate,
                    word.replace(",", "").isdigit(), group=at, at=at)

    def is_follow_up(self, question: str) -> bool:
        content = {lemma for w in self.words(question) for lemma in w.lemmas}
        return bool(_FOLLOW_UP.search(question) or _POINTS_BACK.search(question)) or len(content) <= 1

    def has_own_subject(self, question: str, previous: str = "") -> bool:
        """«а ошибка E-50 на ТРК Алтай что значит?» names its own subject: it opens like a follow-up but
        carries four or more content words and points back to nothing, so the previous topic stays out.
        «а табачку в это время как продавать по правилам магазина?» points back to a time, yet names
        three specific things the previous question did not: it is a question of its own too."""
        own = [w for w in self.words(question) if w.lemmas]
        if len({lemma for w in own for lemma in w.lemmas}) >= OWN_SUBJECT_WORDS and not _POINTS_BACK.search(question):
            return True
        before = {lemma for w in self.words(previous) for lemma in w.lemmas}
        new_nouns = {lemma for w in own if w.nouns for lemma in w.lemmas
                     if lemma not in before and lemma not in GENERIC_WORDS}
        return len(new_nouns) >= OWN_SUBJECT_NOUNS

    def names_a_thing(self, question: str, previous: str) -> bool:
        """Whether the question names a thing of its own by a common noun («а что делать при проливе?»: the
        spill), not only a place, a name, a number or what is asked («а в Семее?», «а сколько ждать?»), and not
        one that stands in the place of a thing of the previous question («а у старшего смены?» after «какая
        зарплата у оператора?» asks the same of another)."""
        if not _ASKS_ANEW.search(question):
            return False  # «а для кассира?», «а в праздники?», «а сколько в час?»: the same asked of another
        own = _carried(self.words(question))
        frame = _carried(self.words(previous))
        if len(_replaced(frame, own)) < len(frame):
            return False
        return any(w.nouns and not w.intent and not w.lemmas <= GENERIC_WORDS and not w.text[:1].isupper()
                   and not all(reading & (_PROPER | {"anim"}) for reading in w.nouns) for w in own)

    def topic(self, questions: list[str]) -> list[Word]:
        """What the conversation is about, in the asker's words: the latest question asked on its own,
        with each follow-up after it replacing what it names anew and adding its own words («свет
        вырубило» → «а если генератор не завёлся?» → «а сколько он работает?» is about the generator)."""
        start = next((i for i in range(len(questions) - 1, -1, -1) if self.standalone(questions[:i + 1])), 0)
        frame = _carried(self.words(questions[start]))
        for question in questions[start + 1:]:
            own = _carried(self.words(question))
            frame = _replaced(frame, own)
            known = {lemma for w in frame for lemma in w.lemmas}
            frame += [w for w in own if not w.lemmas <= known]
        return frame

    def standalone(self, questions: list[str]) -> bool:
        """Whether the last of these questions stands alone (the ones before it are its conversation)."""
        question = questions[-1]
        return not self.is_follow_up(question) or self.has_own_subject(question, " ".join(questions[-2:-1]))

    def carry_over(self, question: str, topic: list[Word]) -> str:
        """«а сколько ждать?» after «как принять бензовоз» → «а сколько ждать? (принять бензовоз)»: the
        topic's words not replaced by the follow-up, nouns first, «не» kept with the word it negates."""
        own = [w for w in self.words(question) if w.lemmas]
        said = {lemma for w in own for lemma in w.lemmas}
        kept: list[Word] = []
        for word in _replaced(topic, own):
            if not said.intersection(word.lemmas):
                kept.append(word)
                said.update(word.lemmas)
        kept = _fewest(kept)
        words = [("не " if w.negated else "") + w.text for w in kept]
        return f"{question} ({' '.join(words)})" if words else question


def _carried(words: list[Word]) -> list[Word]:
    return [w for w in words if w.lemmas and not w.intent]


def _governing(raw: list[str], i: int, analyzer: Analyzer) -> str | None:
    """The preposition before a word, past the words agreeing with it («по двойному списанию» → «по»)."""
    j = i - 1
    while j >= 0:
        word = raw[j].lower()
        if word in _PREPOSITIONS:
            return "в" if word == "во" else "с" if word == "со" else word
        readings = analyzer.readings(word)
        if not (word.isdigit() or (readings and readings[0] & _MODIFIERS)):
            return None
        j -= 1
    return None


def _grouped(words: list[Word], analyzer: Analyzer) -> list[Word]:
    """Modifiers take the group of the noun they stand before, so they leave with it."""
    out = list(words)
    for i in range(len(out) - 2, -1, -1):
        readings = analyzer.readings(out[i].text)
        if readings and readings[0] & _MODIFIERS and (out[i + 1].nouns or out[i + 1].group != words[i + 1].group):
            out[i] = replace(out[i], nouns=(), group=out[i + 1].group)
    return out


def _replaced(frame: list[Word], own: list[Word]) -> list[Word]:
    """The frame without what the follow-up names anew: its numbers when it gives a number, and, when
    it says nothing of its own (no verb), the noun that its noun can stand in place of (or, with none,
    a code under the same preposition)."""
    dropped: set[int] = set()
    if any(w.number for w in own):
        dropped.update(w.group for w in frame if w.number)
    if not any(w.predicate for w in own):
        said = {lemma for w in own for lemma in w.lemmas}
        for noun in (w for w in own if w.nouns):
            fits = [(_fit(noun, w), i) for i, w in enumerate(frame)
                    if w.nouns and w.preposition == noun.preposition and not said.intersection(w.lemmas)]
            best = max(fits, default=(0, -1))
            if best[0] >= SAME_PLACE:
                dropped.add(_named(frame, frame[best[1]]).group)
            elif code := next((w for w in reversed(frame) if _is_code(w) and w.preposition == noun.preposition), None):
                dropped.add(code.group)  # «а зимний дизель?» after «сколько стоит АИ-92»
    return [w for w in frame if w.group not in dropped]


def _named(frame: list[Word], noun: Word) -> Word:
    """The name standing beside a noun, which is what a follow-up replaces: «а на золоте?» after «на
    уровне Серебро» replaces «Серебро», and «а в Павлодаре?» after «в городе Семей» replaces «Семей»."""
    name = next((w for w in frame if w.at == noun.at + 1), None)
    if name is not None and name.preposition is None and (name.text[:1].isupper() or not name.text.isalpha()):
        return name
    return noun


def _is_code(word: Word) -> bool:
    """«АИ-92», «E-17», «T-31»: a grade or a code, letters and digits in one word."""
    return any(ch.isdigit() for ch in word.text) and any(ch.isalpha() for ch in word.text)


def _fit(a: Word, b: Word) -> int:
    """How well noun ``a`` stands in ``b``'s place: the same case, and how many of number, gender and
    animacy they share, at their best readings."""
    best = 0
    for x, y in itertools.product(a.nouns, b.nouns):
        if _case(x) and _case(x) == _case(y):
            best = max(best, 1 + sum(bool(x & y & trait) for trait in _TRAITS))
    return best


def _case(reading: frozenset[str]) -> str | None:
    case = next(iter(reading & _CASES), None)
    return _SAME_CASE.get(case, case) if case else None


def _fewest(words: list[Word]) -> list[Word]:
    """At most CARRIED_WORDS of the topic, nouns (and numbers, codes) first, the latest first within each."""
    if len(words) <= CARRIED_WORDS:
        return words
    ranked = sorted(range(len(words)), key=lambda i: (words[i].noun_like, i), reverse=True)
    return [words[i] for i in sorted(ranked[:CARRIED_WORDS])]
