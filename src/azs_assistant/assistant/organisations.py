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

_NAMED = re.compile(r"(?:ТОО|АО|ООО|ИП|сет[ьию]|компани[яиюей])\s+«([^»]{2,60})»", re.IGNORECASE)
_WORD = re.compile(r"[\w-]+")


def stem(name: str) -> str:
    """What the question's word must begin with to name the organisation: its name's first word, less the
    ending a case changes («Сарыарка Ойл» → «сарыарк»: «в Сарыарке», «сарыарка»)."""
    first = name.split()[0].lower().replace("ё", "е")
    return first[:max(5, len(first) - 1)]


def named(text: str, proper: Callable[[str], bool]) -> frozenset[str]:
    """The organisations a text names (as :func:`stem`), those whose name begins with a proper name only:
    «ТОО «Сервис»» would make every question about «сервисная служба» name it."""
    return frozenset(stem(name) for name in _NAMED.findall(text) if proper(name.split()[0]))


def asked(question: str, known: Iterable[str]) -> frozenset[str]:
    """Which of the ``known`` organisations the question names."""
    words = [w.lower().replace("ё", "е") for w in _WORD.findall(question)]
    return frozenset(k for k in known if any(w.startswith(k) for w in words))
