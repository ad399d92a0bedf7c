"""Questions that ask two things at once: «E-11 на ТРК — что делать и какой номер сервиса?».

The answer to each ask is often in a different document (the error table says what to do, the contacts
list gives the number). Retrieval for the whole question finds the passage that matches most of it, and
the second ask goes unanswered. Each ask is therefore searched for on its own, carrying the words of the
question's subject that the answer quoted so far does not hold («сервиса» alone is nothing, «номер сервиса
Алтай» is the contacts row), and a passage that the answerability model says holds its answer is quoted
beside the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from azs_assistant.assistant import entities
from azs_assistant.assistant.follow_up import points_back

# Words that open an ask, in the three languages of the questions. A clause is an ask when it begins with one
# (after «а»/«и»/«and») or ends a sentence with «?». Words that also open statements («можно», «нужно», «is»,
# «do», Kazakh «не», which is Russian «не» too) count only as that last clause.
_ASK_RU = (r"что|кто|кому|кого|куда|где|когда|откуда|почему|зачем|сколько|скока|почём|почем|чем|чей|чья|"
           r"как|какой|какая|какое|какие|каким|какому|какого|какую|какова|каков|каковы|можно ли|нужно ли|надо ли|"
           r"во сколько|с какого|до какого|по какому|на какой|в какой|за сколько")
_ASK_KK = r"қанша|қайда|кім|кімге|неше|қалай|қашан|қандай|қай"
_ASK_EN = r"what|who|whom|how|where|when|which|why"
_END = r"(?![\w-])"  # a whole word: «что-то», «как-то» are no ask words
# After a comma only the words that cannot open a subordinate clause: «пишет, что…», «раньше, чем…», «чеки
# вручную, когда нет света» are one ask.
_ASK_AFTER_COMMA = (r"кто|кому|сколько|почём|почем|какой|какая|какое|какие|каким|какому|какого|какую|какова|каков|"
                    r"во сколько|по какому|на какой|в какой|за сколько|қанша|кім|қандай|what|who|which|how much")
_ANY_ASK = rf"(?:{_ASK_RU}|{_ASK_KK}|{_ASK_EN}){_END}"
_OPENER = re.compile(rf"^(?:(?:а|и|and|ал)\s+)?{_ANY_ASK}", re.IGNORECASE)
# Where one ask ends and the next begins inside a sentence: «;», «: », a dash, «,» before an ask word that cannot
# open a subordinate clause, «и»/«а»/«ал»/«and» before an ask word.
_BREAK = re.compile(rf";|:\s|\s[—–-]\s|,\s*(?=(?:а\s+|и\s+)?(?:{_ASK_AFTER_COMMA}){_END})|"
                    rf"\s(?:и|а|ал|and)\s+(?={_ANY_ASK})", re.IGNORECASE)
_ASK_WORD = re.compile(rf"(?:{_ASK_RU}|{_ASK_KK}|{_ASK_EN}|ли|можно|нужно|надо)", re.IGNORECASE)
_JOINERS = frozenset({"а", "и", "and", "ал", "у", "с", "в", "на", "по", "за", "до", "от", "о", "об", "к", "из"})
_SENTENCE = re.compile(r"[^?.!…]+(?:[?.!…]+|$)")
_WORD = re.compile(r"[\w№][\w\-№/.,%]*\w|\w")
MAX_ASKS = 3  # a longer list of asks is a message, not a question: the whole of it is searched once


def asks(question: str) -> list[str]:
    """The separate asks of a question, as written (one that ends a sentence keeps its «?»); an empty list
    when it asks one thing.

    A clause without an ask word of its own («E-11 на ТРК Алтай» before the dash) is not an ask: its words are
    the subject of the asks around it and travel with them (:func:`with_subject`)."""
    found: list[str] = []
    for sentence in _SENTENCE.findall(question):
        asked = sentence.rstrip().endswith("?")
        clauses = [c.strip(" ,.!?…:—–-") for c in _BREAK.split(sentence)]
        clauses = [c for c in clauses if c]
        for n, clause in enumerate(clauses):
            last = n == len(clauses) - 1
            # the clause that ends a question sentence is an ask, whatever its first word («это в норме?»)
            if _OPENER.match(clause) or (last and asked):
                found.append(f"{clause}?" if last and asked else clause)
    return found if 2 <= len(found) <= MAX_ASKS else []


def with_subject(ask: str, question: str, separate: list[str], held: Callable[[str], bool]) -> str:
    """The ask and, after it, the words that say what it is about and that ``held`` says the answer so far
    lacks: those of the clauses that are no ask («E-11 на ТРК Алтай —»), and, for an ask that names nothing
    itself («какая норма?»), or that points back when the question has no such clause («где огнетушитель и как
    им пользоваться?», «…и кто там директор?»), those of the other asks too. The typed things among them (a
    station's number, a code, a region) always travel."""
    clauses = question
    for other in separate:
        clauses = clauses.replace(other.rstrip("?"), " ")
    # a pronoun points at the subject clause when there is one («X — это в норме?»), else at another ask
    subject = clauses if own_words(ask) and (not points_back(ask) or own_words(clauses)) else question
    mine = {w.lower() for w in _WORD.findall(ask)}
    rest = [w for w in _WORD.findall(subject) if w.lower() not in mine and w.lower() not in _JOINERS
            and not _ASK_WORD.fullmatch(w) and not points_back(w) and not held(w)]
    # a typed thing of the subject travels even when the answer so far has it (the station whose contacts
    # are asked); one that belongs to another ask stays there («…и почём оно в Рудном?» is not the first ask's)
    said = f"{ask} {' '.join(rest)}".lower()
    typed = [e.surface for e in entities.typed(subject) if e.surface.lower() not in said]
    return " ".join([ask.rstrip("?"), *rest, *typed])  # searched as words: the «?» only tells a yes/no ask


def own_words(ask: str) -> list[str]:
    """The words of an ask besides its ask words and pronouns: «какой номер сервиса» → [номер, сервиса]."""
    return [w for w in _WORD.findall(ask)
            if not _ASK_WORD.fullmatch(w) and w.lower() not in _JOINERS and not points_back(w)]
