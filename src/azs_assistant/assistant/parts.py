"""Questions that ask two things at once: «E-11 на ТРК — что делать и какой номер сервиса?».

The answer to each ask is often in a different document (the error table says what to do, the contacts
list gives the number). Retrieval for the whole question finds the passage that matches most of it, and
the second ask goes unanswered. Each ask is therefore searched for on its own, carrying the words of the
other asks that the answer quoted so far does not hold (the subject: «сервиса» alone is nothing, «номер
сервиса Алтай» is the contacts row), and a passage that the answerability model says holds its answer is
quoted beside the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Words that open an ask, in the three languages of the questions. A clause is an ask when it begins with one
# (after «а»/«и»/«and») or ends a sentence with «?».
_ASK_RU = (r"что|кто|кому|кого|куда|где|когда|откуда|почему|зачем|сколько|скока|почём|почем|чем|чей|чья|"
           r"как|какой|какая|какое|какие|каким|какому|какого|какую|какова|каков|каковы|ли|можно|нужно|надо|"
           r"во сколько|с какого|до какого|по какому|на какой|в какой|за сколько")
_ASK_KK = r"қанша|қайда|кім|кімге|не|неше|қалай|қашан|қандай|қай"
_ASK_EN = r"what|who|whom|how|where|when|which|why|can|is|are|do|does|should"
# After a comma only the words that cannot open a subordinate clause: «пишет, что…», «раньше, чем…», «чеки
# вручную, когда нет света» are one ask.
_ASK_AFTER_COMMA = (r"кто|кому|сколько|почём|почем|какой|какая|какое|какие|каким|какому|какого|какую|какова|каков|"
                    r"во сколько|по какому|на какой|в какой|за сколько|қанша|кім|қандай|what|who|which|how much")
_ANY_ASK = rf"(?:{_ASK_RU}|{_ASK_KK}|{_ASK_EN})\b"
_OPENER = re.compile(rf"^(?:(?:а|и|and|ал)\s+)?{_ANY_ASK}", re.IGNORECASE)
# Where one ask ends and the next begins inside a sentence: «;», «: », a dash, «,» before an ask word that cannot
# be a conjunction, «и»/«а»/«and» before any ask word.
_BREAK = re.compile(rf";|:\s|\s[—–-]\s|,\s*(?=(?:а\s+|и\s+)?(?:{_ASK_AFTER_COMMA})\b)|\s(?:и|а|and)\s+(?={_ANY_ASK})",
                    re.IGNORECASE)
_ASK_WORD = re.compile(_ANY_ASK[:-2], re.IGNORECASE)  # one ask word, whole
_JOINERS = {"а", "и", "and", "ал", "это", "там", "тут", "у", "ему", "ей", "им", "него", "неё", "нее", "них", "её", "ее",
            "его", "он", "она", "они", "с", "в", "на", "по", "за", "до", "от", "о", "об", "к", "из"}
_SENTENCE = re.compile(r"[^?]+\?*")
_WORD = re.compile(r"[\w№][\w\-№/.,%]*\w|\w")
MAX_ASKS = 3  # a longer list of asks is a message, not a question: the whole of it is searched once


def asks(question: str) -> list[str]:
    """The separate asks of a question, each as written; an empty list when it asks one thing.

    A clause without an ask word of its own («E-11 на ТРК Алтай» before the dash) is not an ask: its words are
    the subject of the asks around it and travel with them (:func:`with_subject`)."""
    found: list[str] = []
    for sentence in _SENTENCE.findall(question):
        clauses = [c.strip(" ,.!?:—–-") for c in _BREAK.split(sentence)]
        clauses = [c for c in clauses if c]
        for n, clause in enumerate(clauses):
            # the clause that ends a question sentence is an ask, whatever its first word («это в норме?»)
            if _OPENER.match(clause) or (n == len(clauses) - 1 and sentence.rstrip().endswith("?")):
                found.append(clause)
    return found if 2 <= len(found) <= MAX_ASKS else []


def with_subject(ask: str, question: str, held: Callable[[str], bool]) -> str:
    """The ask and, after it, the words that say what it is about and that ``held`` says the answer so far
    lacks: those of the clauses that are no ask («E-11 на ТРК Алтай —»), and, for an ask that names nothing
    itself («какая норма?»), those of the other asks too."""
    separate = asks(question)
    subject = question
    if own_words(ask):
        for other in separate:
            subject = subject.replace(other, " ")
    mine = {w.lower() for w in _WORD.findall(ask)}
    rest = [w for w in _WORD.findall(subject)
            if w.lower() not in mine and w.lower() not in _JOINERS and not _ASK_WORD.fullmatch(w) and not held(w)]
    return " ".join([ask, *rest]) if rest else ask


def own_words(ask: str) -> list[str]:
    """The words of an ask besides its ask words: «какой номер сервиса» → [номер, сервиса]."""
    return [w for w in _WORD.findall(ask) if not _ASK_WORD.fullmatch(w) and w.lower() not in _JOINERS]
