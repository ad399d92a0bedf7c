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

import re
from collections.abc import Callable

from azs_assistant.language.analyzer import GENERIC_WORDS
from azs_assistant.search.query import AnalyzedQuery

_NOUNISH = 0.9  # importance from which a word counts as the question's subject

# A verb asked is held by the noun of its action, which is what documents write: «свет отключился» by «при
# отключении электроэнергии», «как проверить» by «проверка», «остановить колонку» by «остановка». The two share a
# root once the verb's ending and the noun's suffix are cut: five letters or more before «-ение», «-ание» (only
# actions end so: «включение»), six or more before «-ка» («смена», the shift, is not «сменить»). Read so, not by
# the extractor's six-letter prefix (``stem_key``), which holds any word sharing one: tried, it answered a near
# miss of a validation part («номер диспетчера инкассации сарыарки») and no more answerable questions.
_VERB_ENDING = re.compile(r"(?:ировать|овать|ивать|ывать|иться|аться|яться|еться|ить|ать|ять|еть|ться|ть)$")
_ACTION_SUFFIX = re.compile(r"(?:ение|ание|яние|ка)$")


def _verb_root(lemma: str) -> str | None:
    root = _VERB_ENDING.sub("", lemma) if lemma.endswith("ть") or lemma.endswith("ться") else ""
    return root if len(root) >= 5 else None


def action_roots(lemmas: set[str] | frozenset[str]) -> frozenset[str]:
    """The roots of a passage's action nouns («отключение» → «отключ», «остановка» → «останов»)."""
    out = set()
    for lemma in lemmas:
        m = _ACTION_SUFFIX.search(lemma)
        if m and len(lemma) - len(m.group()) >= (6 if m.group() == "ка" else 5):
            out.add(lemma[:m.start()])
    return frozenset(out)


def holds(lemma: str, passage_lemmas: set[str] | frozenset[str], roots: frozenset[str] | None = None) -> bool:
    """The passage has the word, or for a verb the noun of its action (``roots``: ``action_roots`` of the
    passage, when the caller has them)."""
    if lemma in passage_lemmas:
        return True
    root = _verb_root(lemma)
    return root is not None and root in (roots if roots is not None else action_roots(passage_lemmas))


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
