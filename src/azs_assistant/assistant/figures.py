"""Figures two documents state differently for the thing asked.

A knowledge base grows by uploads, and an old regulation and a new order can both be in it: «Остаток наличных
в кассе не должен превышать 250 000 тенге» in one, «лимит наличных — 850 000 тенге» in another. An answer that
quotes both without a word leaves the operator to notice the contradiction, or to take the first figure as
the rule. :func:`disagreement` finds it: the question asks a measured value (a sum of money, a volume, a
weight, a time, a length, a temperature, a pressure, a power), two quoted passages of different documents
each answer it and each state values of that measure, and no value is common to both. The values are
compared in one unit of their measure («30 минут» is «0,5 часа», «1 500 л» is «1,5 тыс. л»), so a passage
that says the same thing in other words is no disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from azs_assistant import i18n
from azs_assistant.assistant import answerable
from azs_assistant.assistant.extract import wants_number
from azs_assistant.documents.chunking import split_sentences
from azs_assistant.language.analyzer import GENERIC_WORDS

# a measure's units: a pattern (after the number) and what one unit is in the measure's base unit
_UNITS: dict[str, tuple[tuple[str, float], ...]] = {
    "money": ((r"тенге|тг\b\.?|₸|kzt\b", 1.0),),
    "percent": ((r"%|процент\w*", 1.0),),
    "volume": ((r"мл\b|миллилитр\w*", 0.001), (r"л\b\.?|литр\w*", 1.0), (r"м3|м³|куб(?:\.|\w*)", 1000.0)),
    "weight": ((r"кг\b|килограмм\w*", 1.0), (r"тонн\w*|т\b\.?", 1000.0), (r"г\b\.?|грамм\w*", 0.001)),
    "time": ((r"сек(?:\.|\w*)|с\b", 1.0), (r"мин(?:\.|\w*)", 60.0), (r"час\w*|ч\b\.?", 3600.0),
             (r"сут(?:\.|\w*)", 86400.0), (r"дн(?:я|ей)\b|день\b|дням?\b", 86400.0), (r"недел\w*", 604800.0),
             (r"месяц\w*|мес\b\.?", 2592000.0), (r"лет\b|год\w*", 31536000.0)),
    "length": ((r"мм\b|миллиметр\w*", 0.001), (r"см\b|сантиметр\w*", 0.01), (r"км\b|километр\w*", 1000.0),
               (r"м\b\.?|метр\w*", 1.0)),
    "temperature": ((r"°\s*[cс]?|градус\w*", 1.0),),
    "pressure": ((r"мпа|мегапаскал\w*", 1000.0), (r"кпа|килопаскал\w*", 1.0), (r"бар\w*", 100.0),
                 (r"атм\w*|кгс", 98.0665)),
    "power": ((r"квт|киловатт\w*|ква\b", 1.0), (r"вт\b|ватт\w*", 0.001)),
}
# the kinds of value a question asks (answerable's names) and the measures that answer them
_MEASURES: dict[str, tuple[str, ...]] = {
    "price": ("money",), "money": ("money", "percent"), "volume": ("volume",), "weight": ("weight",),
    "short time": ("time",), "long time": ("time",), "term": ("time",), "length": ("length",),
    "temperature": ("temperature",), "pressure": ("pressure",), "power": ("power",),
}
# a number: «250 000», «1 500,5», «0,25», «12» (not a date, a time of day or a code's number), «тыс.»/«млн» after it
_NUMBER = r"(?<![\d.,:/№-])(?<![A-Za-zА-Яа-яЁё]-)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![.,:/]\d)"
_SCALE = r"(?:\s*(тыс\.?|тысяч\w*|млн\.?|миллион\w*))?"
_QUALIFIER = r"(?:\s+(?:рабоч|календарн|полн|банковск|кубическ)\w*)?"  # «2 рабочих дня», «5 кубических метров»


@dataclass(frozen=True)
class Figure:
    """A value as stated («250 000 тенге») and its amount in its measure's base unit."""

    text: str
    measure: str
    amount: float


@dataclass(frozen=True)
class Disagreement:
    """Two documents' figures for the thing asked: each document's title and the values it states."""

    sides: tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]


def _patterns() -> dict[str, list[tuple[re.Pattern[str], float]]]:
    return {measure: [(re.compile(rf"{_NUMBER}{_SCALE}{_QUALIFIER}\s*(?:{unit})(?![а-яёa-z])", re.IGNORECASE), size)
                      for unit, size in units] for measure, units in _UNITS.items()}


_COMPILED = _patterns()


def figures(text: str, measures: Sequence[str]) -> list[Figure]:
    """The values of the given measures ``text`` states, each once, in the order found."""
    out: list[tuple[int, Figure]] = []
    taken: list[tuple[int, int]] = []
    for measure in measures:
        for pattern, size in _COMPILED[measure]:
            for m in pattern.finditer(text):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue  # «5 мл» is not also «5 м»
                number = float(re.sub(r"[ \u00a0\u202f]", "", m.group(1)).replace(",", "."))
                scale = (m.group(2) or "").lower()
                number *= 1e6 if scale.startswith("м") else 1e3 if scale else 1.0
                taken.append(m.span())
                out.append((m.start(), Figure(" ".join(m.group(0).split()), measure, round(number * size, 6))))
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


def disagreement(question: str, quotes: Sequence[tuple[int, str, str]],
                 lemmas: Callable[[str], list[str]], rewritten: str = "") -> Disagreement | None:
    """``quotes``: (document id, document title, quoted text) of the passages that answer, in the answer's order.
    The first two documents that state values of the measure asked in sentences about the same thing (most of
    their words shared: «Приём-передача смены занимает не более 30 минут» and «… не более 40 минут»), where no value
    is common to both. A question of two clauses («сколько хранится проба в Береке и сколько в Сарыарке?», «куда
    звонить и за какой срок») asks two things, and its two quotes' figures are not compared; nor are figures of
    other things («топлива в баке ДГУ хватает на 10 часов» and «генератор запускается через 30 секунд»): a figure's
    sentence holds two of the question's words at least (or of ``rewritten``, the question with the dictionary's
    Russian terms for its words), and every figure the question states itself."""
    measures = asked_measures(question)
    if not measures or len([c for c in answerable.clauses(question) if c.strip()]) > 1 or _COMPARES.search(question):
        return None
    # the figures the question states («мерник на 10 литров»): a sentence without them is of another record
    given = {(f.measure, f.amount) for f in figures(question, tuple(_UNITS))}
    asked = _words(question, lemmas) | _words(rewritten, lemmas)  # (a Kazakh question's Russian terms too)
    stated: list[tuple[int, str, list[tuple[Figure, frozenset[str]]]]] = []
    for document_id, title, text in quotes:
        found = []
        for sentence in split_sentences(text):
            own = figures(sentence, tuple(_UNITS))
            if any((m, x) not in {(f.measure, f.amount) for f in own} for m, x in given):
                continue
            words = _words(sentence, lemmas)
            if len(words & asked) < min(2, len(asked)):
                continue  # a sentence about something else the quote holds
            found += [(f, words) for f in own if f.measure in measures and (f.measure, f.amount) not in given]
        if found:
            stated.append((document_id, title, found))
    for i, (doc_a, title_a, a) in enumerate(stated):
        for doc_b, title_b, b in stated[i + 1:]:
            if doc_a == doc_b:
                continue
            for measure in measures:
                mine = [(f, w) for f, w in a if f.measure == measure]
                theirs = [(f, w) for f, w in b if f.measure == measure]
                same = [(f, g) for f, w in mine for g, v in theirs if _alike(w, v)]
                if same and not {f.amount for f, _ in mine} & {g.amount for g, _ in theirs}:
                    return Disagreement(((title_a, tuple(dict.fromkeys(f.text for f, _ in same))),
                                         (title_b, tuple(dict.fromkeys(g.text for _, g in same)))))
    return None


_COMPARES = re.compile(r"\bсравн\w*|\bразниц\w*|\bотлича\w*|\bcompare\w*|\bсалыстыр\w*", re.IGNORECASE)
SAME_THING = 0.5  # the share of two sentences' words (of the smaller one's) they must share to speak of one thing


def _words(sentence: str, lemmas: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(w for w in lemmas(sentence) if w not in GENERIC_WORDS and not any(ch.isdigit() for ch in w))


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and len(a & b) >= SAME_THING * min(len(a), len(b)) and len(a & b) >= 2


def _said(found: Sequence[Figure], measure: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f.text for f in found if f.measure == measure))


def disagreement_notice(question: str, quotes: Sequence[tuple[int, str, str]],
                        lemmas: Callable[[str], list[str]], rewritten: str = "") -> str | None:
    """The notice an answer carries when its documents disagree on the figure asked (see :func:`disagreement`),
    in Russian like every text made with an answer (``notices.localise`` puts it into the asker's language)."""
    found = disagreement(question, quotes, lemmas, rewritten)
    if found is None:
        return None
    sides = "; ".join(f"«{title}» — {', '.join(values)}" for title, values in found.sides)
    return i18n.text("azs_assistant.assistant", "figures_disagree").format(sides=sides)
