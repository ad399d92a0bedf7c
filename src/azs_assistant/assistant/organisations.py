"""The organisations a question names: a chain («в Береке», «сарыарка»), a supplier, a contractor.

A knowledge base may hold the documents of several chains (a holding's brands, or the chain's own and a
partner's), and their rules differ: how long the night shift's breaks are, who is called for a broken
dispenser. A document names its organisation in its title or first lines («ТОО «Береке Ойл»», «Памятка ТК-04
сети «Сарыарка Ойл»»). When a question names one of the organisations the retrieved documents name, a passage
of a document that names other organisations and not that one answers for someone else: the re-ranking puts
it after the rest (:func:`azs_assistant.assistant.ranking.rerank`). A document that names none (a price table,
a contacts list) is nobody's in particular and keeps its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from azs_assistant.assistant import entities
from azs_assistant.assistant.answerable import latin_as_cyrillic

# «ТОО «Береке Ойл»», «сети «Сарыарка Ойл»»
_NAMED = re.compile(r"(?:ТОО|АО|ООО|ИП|сет[ьию]|компани[яиюей])\s+«([^»]{2,60})»", re.IGNORECASE)
# a chain's stations by its brand, of two words or more: «на АЗС «Береке Ойл»» (not a station's own name, «АЗС «Самал»»)
_BRAND = re.compile(r"(?:АЗС|АГЗС|АЗК|АЖҚС)\s+«([^»\s]{2,30}(?:\s+[^»\s]{2,30}){1,3})»")
_WORD = re.compile(r"[\w-]+")
_PREPOSITIONS = frozenset({"в", "во", "у", "на", "по", "для", "из", "от", "при"})


def stem(name: str) -> str:
    """What the question's word must begin with to name the organisation: its name's first word, less the
    ending a case changes («Сарыарка Ойл» → «сарыарк»: «в Сарыарке», «сарыарка»)."""
    first = name.split()[0].lower().replace("ё", "е")
    return first[:max(5, len(first) - 1)]


def named(text: str, proper: Callable[[str], bool]) -> frozenset[str]:
    """The organisations a text names (their names as written, «Сарыарка Ойл»), those whose name begins
    with a proper name only: «ТОО «Сервис»» would make every question about «сервисная служба» name it."""
    return frozenset(name.strip() for name in [*_NAMED.findall(text), *_BRAND.findall(text)]
                     if proper(name.split()[0]) and not name.split()[0].isupper())  # «АЗС Береке»: no name


def asked(question: str, known: Iterable[str]) -> frozenset[str]:
    """Which of the ``known`` organisations (names, as :func:`named` gives them) the question names, as
    :func:`stem`. A place or a numbered station the question names is not a chain's name («цена АИ-92 в Актобе»
    where a contractor is named «Актобе Мунай»)."""
    places = _places(question)
    words = [_low(m.group(0)) for m in _WORD.finditer(question) if not any(a <= m.start() < b for a, b in places)]
    stems = {stem(name) for name in known}
    return frozenset(k for k in stems if any(w.startswith(_low(k)) for w in words))


def without(question: str, known: Iterable[str]) -> str:
    """The question less the words that name one of the ``known`` organisations («что делать при проливе в
    Сарыарка Ойл» → «что делать при проливе»). Which chain a question is about is its scope, not its
    subject: searched for, the chain's name finds the one passage that repeats it, a document's opening
    («Положение П-02 сети «Сарыарка Ойл», редакция 4»), which then crowds out the passage that answers.
    A question that would keep nothing but a word or two such as «что» stays whole, and so does a place or a
    station the question names («в Актобе» where a chain is named «Актобе Мунай»)."""
    names = [[_low(w) for w in name.split()] for name in known if name.split()]
    words = list(_WORD.finditer(question))
    # a place or a numbered station the question names stays, even where a chain is named after it
    # («ТОО «Актобе Мунай»»: «цена АИ-92 в Актобе» keeps «Актобе»)
    typed = _places(question)
    drop: set[int] = set()
    for i, m in enumerate(words):
        low = _low(m.group(0))
        for parts in names:
            if not low.startswith(_low(stem(parts[0]))) or any(a <= m.start() < b for a, b in typed):
                continue
            drop.add(i)  # with the preposition before it and the words after it that go on with the name
            if i > 0 and words[i - 1].group(0).lower() in _PREPOSITIONS:
                drop.add(i - 1)
            for j, part in enumerate(parts[1:], start=i + 1):
                if j < len(words) and _continues(_low(words[j].group(0)), part):
                    drop.add(j)
                else:
                    break
    kept = [m.group(0) for i, m in enumerate(words) if i not in drop]
    if not drop or not any(len(w) >= 4 for w in kept):
        return question  # nothing but the name (and a word or two such as «что») would be left
    out, end = [], 0
    for i in sorted(drop):
        out.append(question[end:words[i].start()])
        end = words[i].end()
    out.append(question[end:])
    text = re.sub(r"«\s*»|\(\s*\)", " ", "".join(out))
    text = re.sub(r"\s+(?=[?!.,:;)])", "", re.sub(r"\s{2,}", " ", text))
    return re.sub(r"^[\s:;,.—–-]+", "", text).strip()


def _places(question: str) -> list[tuple[int, int]]:
    """Where the question names a place or a numbered station: no chain's name, even one named after it."""
    # read as written and with Kazakh letters folded (as names are matched, `_low`: one letter for one, so the
    # places keep their positions): «Ақтобеде», half in Kazakh letters, is Актобе, not the chain «Актобе Мунай»
    out = []
    for text in dict.fromkeys((question, question.translate(_KAZAKH))):  # once where nothing folds
        out += [(m.start(), m.end()) for e in entities.typed(text) if e.kind in ("region", "station")
                for m in re.finditer(re.escape(e.surface), text)]
    return out


def _continues(word: str, part: str) -> bool:
    """The question's word is the name's next word in some case («Ойл», «Ойла»), not a word that only begins
    like it («газовые» after «Береке» in «Береке Газ»)."""
    return word.startswith(part[:max(3, len(part) - 1)]) and len(word) <= len(part) + 3


# a name written in Kazakh letters is the same name («Сарыарқа» = «Сарыарка», «Өскемен Ойл» = «Оскемен Ойл»)
_KAZAKH = str.maketrans("қғңөұүһіә", "кгноуухиа")


def _low(word: str) -> str:
    """A word as names are matched: lower case, «ё» as «е», Latin letters in Cyrillic, Kazakh letters as their
    Russian look-alikes, «й» and «ы» as «и» («Bereke» = «береке», «Saryarka Oil» = «Сарыарка Ойл», «Сарыарқада»
    = «сарыарке»)."""
    return latin_as_cyrillic(word.lower().replace("ё", "е")).translate(_KAZAKH).replace("й", "и").replace("ы", "и")
