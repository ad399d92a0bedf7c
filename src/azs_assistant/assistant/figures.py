"""Figures two documents state differently for the thing asked.

A knowledge base grows by uploads, and an old regulation and a new order can both be in it: «Остаток наличных
в кассе не должен превышать 250 000 тенге» in one, «лимит остатка наличных в кассе — 850 000 тенге» in another.
An answer that quotes both without a word leaves the operator to notice the contradiction, or to take the first
figure as the rule. :func:`disagreement` finds it, and says nothing where it cannot be sure, since a false alarm
teaches people to ignore the notice:

- the question asks one figure (a sum of money, a volume, a weight, a time, a length, a temperature, a pressure,
  a power), in one clause, not a comparison;
- two quoted passages that answer it are of different documents, not of two organisations (another chain's rule
  is in force at its own stations), whose titles name the same records (not «Цены: Павлодар» and «Цены: Астана»);
- a sentence of each states a value of the measure asked, and the two sentences speak of one thing: they share
  two of their words besides units, neither has a noun or an adjective the other lacks («размен» against «лимит»,
  «арбитражная» against «контрольная» proba, «в ночную смену» said in one only: a special case, not a
  contradiction), they name no other thing of a kind both name (ОП-5 against ОП-10) and their other figures
  agree (a talon for 20 litres against one for 10);
- no value of that measure is common to both, compared in one unit with a 3 % tolerance («30 минут» is «0,5
  часа», «1 год» «12 месяцев»), a range's bounds counting as its values («3–7 рабочих дней» agrees with 7), and
  no two can both hold («не менее 15 минут» and «не более 40 минут»); a rate («500 тенге за каждый литр») is no
  value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from azs_assistant import i18n
from azs_assistant.assistant import answerable
from azs_assistant.assistant import entities as typed_entities
from azs_assistant.assistant.extract import wants_number
from azs_assistant.documents.chunking import split_sentences
from azs_assistant.language.analyzer import GENERIC_WORDS, STOPWORDS, Token

# a measure's units: a pattern (after the number) and what one unit is in the measure's base unit; a rate («5 м/с»,
# «100 л/мин») is no amount of its first unit, a single letter of an abbreviation is read only where it cannot be
# a word («с», «г» are not read: «2 с половиной», «2026 г.»)
_UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    "money": ((r"тенге|тг\b\.?|₸|kzt\b", 1.0),),
    "percent": ((r"%|процент(?:а|ов|ы)?\b", 1.0),),
    "volume": ((r"мл\b|миллилитр(?:а|ов|ы)?\b", 0.001), (r"л\b\.?|литр(?:а|ов|ы)?\b", 1.0),
               (r"м3|м³|куб\.|кубометр(?:а|ов|ы)?\b|куб(?:а|ов)?\b", 1000.0)),
    "weight": ((r"кг\b|килограмм(?:а|ов|ы)?\b", 1.0), (r"тонн(?:а|ы)?\b|т\b\.?", 1000.0),
               (r"гр\b\.?|грамм(?:а|ов|ы)?\b", 0.001)),
    "time": ((r"сек\b\.?|секунд(?:а|ы|у)?\b", 1.0), (r"мин\b\.?|минут(?:а|ы|у)?\b", 60.0),
             (r"час(?:а|ов|ы)?\b|ч\b(?!\.?\s*(?:утра|вечера|дня|ночи))\.?", 3600.0),
             (r"сут\b\.?|сут(?:ки|ок)\b", 86400.0), (r"дн(?:я|ей)\b|день\b|дням?\b", 86400.0),
             (r"недел(?:я|и|ю|ь)\b", 604800.0), (r"месяц(?:а|ев|ы)?\b|мес\b\.?", 2592000.0),
             (r"лет\b|год(?:а|ов)?\b", 31536000.0)),
    "length": ((r"мм\b|миллиметр(?:а|ов|ы)?\b", 0.001), (r"см\b|сантиметр(?:а|ов|ы)?\b", 0.01),
               (r"км\b|километр(?:а|ов|ы)?\b", 1000.0), (r"м\b\.?|метр(?:а|ов|ы)?\b", 1.0)),
    "temperature": ((r"°\s*[cс]?|градус(?:а|ов|ы)?\b", 1.0),),
    "pressure": ((r"мпа|мегапаскал\w*", 1000.0), (r"кпа|килопаскал\w*", 1.0), (r"бар(?:а|ов)?\b", 100.0),
                 (r"атм(?:\.|осфер\w*)?|кгс(?:\s*/\s*см2|\s*/\s*см²)?", 98.0665)),
    "power": ((r"квт|киловатт(?:а|ов)?\b", 1.0), (r"вт\b|ватт(?:а|ов)?\b", 0.001)),
}
# the kinds of value a question asks (answerable's names) and the measures that answer them
_MEASURES: dict[str, tuple[str, ...]] = {
    "price": ("money",), "money": ("money", "percent"), "volume": ("volume",), "weight": ("weight",),
    "short time": ("time",), "long time": ("time",), "time until": ("time",), "term": ("time",), "length": ("length",),
    "temperature": ("temperature",), "pressure": ("pressure",), "power": ("power",),
}
_SPACE = "[ \u00a0\u202f]"
# a number: «250 000», «250 000,00», «1 500,5», «0,25», «12», a sign before it («минус 40», «−5», «+35»), not
# a date, a clock time or a code's number («E-35», «№ 45»); its groups of three are read once (possessive), so a
# long run of them costs one pass
_VALUE = (rf"(\d{{1,3}}(?:{_SPACE}\d{{3}})++(?:,\d+)?|\d+(?:[.,]\d+)?)(?![.,:/]\d)")
_SIGN = rf"((?<![\w-])(?:минус|плюс){_SPACE}+|(?<![\w-])[−–+-]{_SPACE}?)?"
_NUMBER = rf"(?<![\d.,:/№])(?<!№{_SPACE})(?<!\d{_SPACE})(?<![^\W\d_][-‐–]){_SIGN}{_VALUE}"
# a range: «3–7 рабочих дней», «15-20 минут», «от −40 до +50 °C»: both bounds are values of the unit after them
_RANGE = rf"(?:{_SPACE}*[-–—]{_SPACE}*|{_SPACE}+до{_SPACE}+){_SIGN}{_VALUE}"
_SCALE = r"(?:\s*(тыс\.?|тысяч\w*|млн\.?|миллион\w*))?"
_QUALIFIER = r"(?:\s+(?:рабоч|календарн|полн|банковск|кубическ)\w*)?"  # «2 рабочих дня», «5 кубических метров»
TOLERANCE = 0.03  # two values within this share of the larger are one («1 год» and «12 месяцев»)
# a year is no amount of time: «с 1 января 2026 года», «2024 г.»
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class Figure:
    """A value as stated («250 000 тенге») and its amount in its measure's base unit."""

    text: str
    measure: str
    amount: float
    bound: str = ""  # «min» after «не менее», «max» after «не более», "" for a value said as it is


@dataclass(frozen=True)
class Quote:
    """A quoted passage that answers: its document, that document's title and organisations, and the text."""

    document_id: int
    title: str
    text: str
    organisations: frozenset[str] = frozenset()
    source: str = ""  # the file, named beside a title two documents share


@dataclass(frozen=True)
class Disagreement:
    """Two documents' figures for the thing asked: each document's title and the values it states, which of the
    quotes given they are (their indices) and each one's sentence that states them."""

    sides: tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]
    quotes: tuple[int, int] = (0, 1)
    sentences: tuple[str, str] = ("", "")

    def notice(self) -> str:
        """The notice an answer carries, in Russian like every text made with an answer (``notices.localise``
        puts it into the asker's language)."""
        sides = "; ".join(f"«{title}» — {', '.join(values)}" for title, values in self.sides)
        return i18n.text("azs_assistant.assistant", "figures_disagree").format(sides=sides)


def _patterns() -> dict[str, list[tuple[re.Pattern[str], float]]]:
    return {measure: [(re.compile(rf"{_NUMBER}(?:{_RANGE})?{_SCALE}{_QUALIFIER}\s*(?:{unit})(?![а-яёa-z])(?!\s*/)",
                                  re.IGNORECASE), size)
                      for unit, size in units] for measure, units in _UNITS.items()}


_COMPILED = _patterns()


def _amount(number: str, sign: str | None, scale: str) -> float:
    value = float(re.sub(_SPACE, "", number).replace(",", "."))
    value *= 1e6 if scale.startswith("м") else 1e3 if scale else 1.0
    return -value if sign and sign.strip().lower() in ("минус", "−", "–", "-") else value


# a bound before a value: «не менее 15 минут» is a least, «не более 40 минут» a most; the two do not disagree
_AT_LEAST = re.compile(r"(?:не\s+менее|не\s+меньше|не\s+ниже|не\s+раньше|не\s+ранее|минимум|как\s+минимум"
                       r"|(?<![\w-])от|свыше|(?<!не\s)(?:более|больше|выше|дольше))\s*$", re.IGNORECASE)
_AT_MOST = re.compile(r"(?:не\s+более|не\s+больше|не\s+выше|не\s+дольше|не\s+позднее|не\s+позже|максимум"
                      r"|(?<![\w-])до|(?<!не\s)(?:менее|меньше|ниже)|не\s+должен\s+превышать|не\s+превышает"
                      r"|не\s+превышать)\s*$", re.IGNORECASE)
# a rate is no amount: «500 тенге за каждый литр», «100 литров в час», «2 кг на 1 м²»
_RATE = re.compile(r"^\s*(?:за\s+(?:кажд\w+|1|один|одну|одно)\s+\w+|за\s+(?:литр|час|сутки|день|месяц|кг|тонну|м3)\b"
                   r"|в\s+(?:час|сутки|день|неделю|месяц|год|смену|минуту|секунду)\b|на\s+(?:кажд\w+|1|один|одну)\s+\w+"
                   r"|с\s+(?:литра|тонны|кг|человека)\b)", re.IGNORECASE)


def figures(text: str, measures: Sequence[str]) -> list[Figure]:
    """The values of the given measures ``text`` states, each once, in the order found (a range's two bounds as
    two figures of the same text); a rate («500 тенге за каждый литр») and a year («2024–2026 годах») are none."""
    out: list[tuple[int, Figure]] = []
    taken: list[tuple[int, int]] = []
    for measure in measures:
        for pattern, size in _COMPILED[measure]:
            for m in pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue  # «5 мл» is not also «5 м»
                sign, first, second_sign, second = m.group(1), m.group(2), m.group(3), m.group(4)
                scale = (m.group(5) or "").lower()
                if measure == "time" and _YEAR.match(first) or _RATE.match(text[m.end():m.end() + 30]):
                    continue
                taken.append(m.span())
                said = " ".join(m.group(0).split())
                before = text[max(0, m.start() - 30):m.start()]
                bound = ("" if second else "min" if _AT_LEAST.search(before)
                         else "max" if _AT_MOST.search(before) else "")
                for number, signed in ((first, sign), (second, second_sign)) if second else ((first, sign),):
                    out.append((m.start(), Figure(said, measure, round(_amount(number, signed, scale) * size, 6),
                                                  bound)))
    return [f for _, f in sorted(out, key=lambda p: p[0])]


# a measure named in a question without a number: «сколько фактически приняли литров», «сколько по времени»
_NAMED = {"volume": r"литр\w*|\bкуб\w*", "time": r"по\s+времени|\bдолго\b|\bдлит\w*|\bпродолжительн\w*|\bминут\w*"
          r"|\bчас(?:а|ов)?\b|\bсут(?:ок|ки)\b|\bдн(?:я|ей)\b|\bсрок\w*|\bhow\s+long\b", "length": r"\bметр\w*",
          "temperature": r"\bградус\w*|\bтемператур\w*", "money": r"\bтенге\b|\bденег\b|\bсумм\w*|\bстоит\b",
          "percent": r"\bпроцент\w*|%", "weight": r"\bкг\b|\bкилограмм\w*|\bвес\w*"}


def asked_measures(question: str) -> tuple[str, ...]:
    """The measures whose values answer what the question asks: those of the kind it asks («какой штраф» a sum
    of money), else those it names («сколько фактически приняли литров»), else every measure where it asks a
    figure («какой лимит наличных»), none where it asks no figure."""
    kinds = answerable.asked_kinds(question)
    if kinds:
        return tuple(dict.fromkeys(m for kind in kinds for m in _MEASURES.get(kind, ())))
    if not wants_number(question):
        return ()
    named = tuple(m for m, pattern in _NAMED.items() if re.search(pattern, question, re.IGNORECASE))
    return named or tuple(_UNITS)


_COMPARES = re.compile(r"\bсравн\w*|\bразниц\w*|\bотлича\w*|\bcompare\w*|\bсалыстыр\w*", re.IGNORECASE)
_OWN_WORD = frozenset({"NOUN", "ADJF"})  # a word that says what a figure is of («должен», «обязан» are not)
_NOT_OWN = frozenset({"год", "месяц", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
                      "сентябрь", "октябрь", "ноябрь", "декабрь", "азс", "агзс", "тенге", "тг", "литр", "час", "минута",
                      "сутки", "день", "неделя", "метр", "процент", "градус", "килограмм", "секунда", "тенг"})


@dataclass(frozen=True)
class _Sentence:
    text: str
    figures: tuple[Figure, ...]  # every figure it states, of every measure
    words: frozenset[str]  # its content words
    own: frozenset[str]  # the words that say what a figure is of (nouns and adjectives)
    typed: frozenset[tuple[str, str]]  # the typed things it names (a region, a grade, a code, a station)


def _read(sentence: str, lead: str, tokens: Callable[[str], list[Token]]) -> _Sentence:
    """A sentence as compared; ``lead``, the quote's first line where it has several (a row's key «Продукт: Кофе в
    термосе», a list's lead-in), says what its figures are of too."""
    words = [t for t in tokens(f"{lead}\n{sentence}") if t.lemma not in GENERIC_WORDS and t.lemma not in STOPWORDS
             and not any(ch.isdigit() for ch in t.lemma)]
    return _Sentence(sentence, tuple(figures(sentence, tuple(_UNITS))), frozenset(t.lemma for t in words),
                     frozenset(t.lemma for t in words if t.pos in _OWN_WORD and t.lemma not in _NOT_OWN),
                     frozenset((e.kind, e.key) for e in typed_entities.typed(f"{lead}\n{sentence}")))


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _common(a: Sequence[float], b: Sequence[float]) -> bool:
    return any(_same(x, y) for x in a for y in b)


def _consistent(f: Figure, g: Figure) -> bool:
    """Two values both can hold: the same, or a least and a most or a value within them («не менее 15 минут» and
    «не более 40 минут», «не менее 25 кг» and «30 кг»); two leasts, two mosts or two values that differ cannot."""
    if _same(f.amount, g.amount):
        return True
    low, high = (f, g) if f.amount < g.amount else (g, f)
    return (low.bound == "min" and high.bound in ("max", "")) or (low.bound == "" and high.bound == "max")


def _alike(a: _Sentence, b: _Sentence) -> bool:
    """The two sentences speak of one thing by their words (see the module's rules)."""
    shared = (a.words & b.words) - _NOT_OWN
    return len(shared) >= 2 and a.own == b.own and not _other_things(a.typed, b.typed)


def _other_things(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]]) -> bool:
    """Both name things of one kind and not the same ones (ОП-5 against ОП-10, Павлодар against Астана); a form's
    number one of them names beside its figure («списать по акту БО-52») is no other thing."""
    return any({key for k, key in a if k == kind} != {key for k, key in b if k == kind}
               for kind in {k for k, _ in a} & {k for k, _ in b})


def _values(sentence: _Sentence, measure: str) -> list[float]:
    return [f.amount for f in sentence.figures if f.measure == measure]


def _others_agree(a: _Sentence, b: _Sentence, measure: str) -> bool:
    """Their figures of other measures than ``measure`` (the one asked, which may differ: that is the
    disagreement) agree where both state one (a talon's litres beside its price)."""
    return all(_common(_values(a, other), _values(b, other))
               for other in ({f.measure for f in a.figures} & {f.measure for f in b.figures}) - {measure})


def disagreement(question: str, quotes: Sequence[Quote], tokens: Callable[[str], list[Token]],
                 rewritten: str = "") -> Disagreement | None:
    """``quotes``: the passages that answer, in the answer's order. The first two documents whose sentences
    about the thing asked state values of the measure asked with none in common (see the module's rules);
    ``rewritten``: the question with the dictionary's Russian terms for its words (a Kazakh question's)."""
    measures = asked_measures(question)
    asks = [c for c in answerable.clauses(question) if c.strip() and (wants_number(c) or answerable.asked_kinds(c))]
    if not measures or len(asks) > 1 or _COMPARES.search(question):
        return None
    asked = {t.lemma for t in tokens(f"{question}\n{rewritten}")} - GENERIC_WORDS - STOPWORDS - _NOT_OWN
    stated: list[tuple[int, Quote, list[_Sentence]]] = []
    for index, quote in enumerate(quotes):
        lines = [line.strip(" -*") for line in quote.text.splitlines() if line.strip(" -*")]
        lead = lines[0] if len(lines) > 1 else ""
        sentences = [_read(s, "" if s.strip(" -*") == lead else lead, tokens)
                     for line in lines for s in split_sentences(line)]
        if len(lines) > 1:  # a row or a list read whole too, as a one-line restatement of it says it
            sentences.append(_read("; ".join(lines), "", tokens))
        sentences = [s for s in sentences if any(f.measure in measures for f in s.figures)
                     and len(s.words & asked) >= min(2, len(asked))]
        if sentences:
            stated.append((index, quote, sentences))
    for i, (at, a, mine) in enumerate(stated):
        for bt, b, theirs in stated[i + 1:]:
            # (a document that names no organisation, an order uploaded without the company's name, may be either's)
            apart = bool(a.organisations) and bool(b.organisations) and not a.organisations & b.organisations
            if a.document_id == b.document_id or apart or _records(a.title) != _records(b.title):
                continue
            found = _disagree(mine, theirs, measures)
            if found is not None:
                titles = [" ".join(q.title.split()) for q in (a, b)]  # (a title read from a file's metadata may
                if titles[0] == titles[1]:                             # hold line breaks)
                    titles = [f"{t} ({q.source.rsplit('/', 1)[-1]})" for t, q in zip(titles, (a, b), strict=True)]
                (x, ours), (y, other) = found
                return Disagreement(((titles[0], ours), (titles[1], other)), (at, bt), (x.text, y.text))
    return None


def _records(title: str) -> set[tuple[str, str]]:
    """The records a title names: a region, a station, a fuel grade («Цены на топливо: Павлодар»); not a document's
    own number («Приказ № 45»)."""
    return {(e.kind, e.key) for e in typed_entities.typed(title) if e.kind in ("region", "station", "fuel")}


def _disagree(mine: list[_Sentence], theirs: list[_Sentence], measures: Sequence[str]
              ) -> tuple[tuple[_Sentence, tuple[str, ...]], tuple[_Sentence, tuple[str, ...]]] | None:
    """Two documents' sentences about one thing and their values of the measure asked, none of which both can hold
    (:func:`_consistent`). A pair with a value of any measure asked in common agrees, whatever else differs («лимит
    250 000 тенге, инкассация каждые 2 часа» against «… 3 часа» when the limit is asked)."""
    for x, y in ((x, y) for x in mine for y in theirs if _alike(x, y)):
        if any(_common(_values(x, m), _values(y, m)) for m in measures):
            continue
        for measure in measures:
            ours = [f for f in x.figures if f.measure == measure]
            other = [f for f in y.figures if f.measure == measure]
            if ours and other and not any(_consistent(f, g) for f in ours for g in other) \
                    and _others_agree(x, y, measure):
                return (x, tuple(dict.fromkeys(f.text for f in ours))), (y, tuple(dict.fromkeys(f.text for f in other)))
    return None
