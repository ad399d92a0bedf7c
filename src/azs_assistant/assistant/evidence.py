"""Does a passage hold what the question asks for?

Retrieval always returns something, and no threshold on its scores separates unanswerable questions
from answerable ones. So we check the question's own content words against the passage (with its
title and section): each word weighs by its part of speech and its rarity (IDF). A real word that
the knowledge base never uses («зарплата», «пароль») weighs most, because it is usually what the
question is about; a word nobody knows (slang, a typo we could not fix) weighs little, because we
cannot tell what it means. The share found is one of the signals from which ``answerable.py``
decides whether the passage holds the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from azs_assistant.language.analyzer import GENERIC_WORDS
from azs_assistant.search.query import AnalyzedQuery

_NOUNISH = 0.9  # importance from which a word counts as the question's subject


def support(query: AnalyzedQuery, passage_lemmas: set[str], idf: Callable[[str], float],
            known: Callable[[str], bool]) -> float:
    """Share of the question's weighted content found in the passage (0..1)."""
    total = found = 0.0
    jargon_hit = bool(set(query.expansions) & passage_lemmas)
    # a slang word of a Russian question is held by its own dictionary term («наличка» by «наличные», not by «ККМ»,
    # which the same question's «касса» brought); a question in Kazakh or English is all dictionary words, and any
    # of their terms holds its little words
    russian = query.foreign_share() < 0.5
    seen: set[str] = set()
    for lemma, importance in query.key_terms:
        if lemma in seen:
            continue
        seen.add(lemma)
        if lemma in GENERIC_WORDS:
            weight = 0.15 * importance * idf(lemma)
        elif lemma in query.unknown:
            weight = 0.3 * importance * idf(lemma)
        elif not known(lemma):
            weight = importance * idf(lemma) * (1.0 if importance >= _NOUNISH else 0.4)
        else:
            weight = importance * idf(lemma)
        total += weight
        own = query.jargon_of.get(lemma) if russian else None
        if lemma in passage_lemmas or not passage_lemmas.isdisjoint(query.jargon_of.get(lemma, ())) \
                or (importance <= 0.5 and jargon_hit and not own):
            found += weight
    if total == 0:
        return 1.0 if jargon_hit else 0.0
    return found / total


# The units a quantity is stated in: «пролив 10 литров» names how much spilled with «литр», not what the question is
# about (a passage of a 10-litre measuring can holds «10 литров» and nothing of a spill)
MEASURES = frozenset("""
литр л мл миллилитр метр м см мм км кг килограмм грамм г тонна т минута мин час ч секунда сек сутки день неделя
месяц год тенге тг процент градус куб кубометр штука шт раз
""".split())


def on_topic(query: AnalyzedQuery, passage_lemmas: set[str]) -> bool | None:
    """Whether a passage holds a word the question is about: one of its content words other than a number, a unit
    and an everyday word, itself or as its dictionary entry's head word («разлили» is «пролив топлива»: «пролив»;
    the entry's other words are no subject: «пролив» is no «топливо»). None when the question has no such word."""
    def head(lemma: str) -> str:
        return query.jargon_of.get(lemma, ("",))[0]

    topic = [lemma for lemma, _ in query.key_terms if not any(ch.isdigit() for ch in lemma)
             and not {lemma, head(lemma)} & MEASURES and lemma not in GENERIC_WORDS]  # «liters» is «литр»
    if not topic:
        return None
    return any(lemma in passage_lemmas or head(lemma) in passage_lemmas for lemma in topic)
