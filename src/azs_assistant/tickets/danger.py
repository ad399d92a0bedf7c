"""Signs of immediate danger. A ticket that shows one is ``critical`` whatever the model says.

Patterns, not a model: recall must be 1.0 and a customer writing «ГАЗОМ ВОНЯЕТ!!!» or «gas smell at
pump 4» must never wait for a person to read it. Each pattern carries the reason shown to staff.
A check-engine lamp that «загорелся» is not a fire, and a gas cylinder question is not a leak.
"""

from __future__ import annotations

import re

from azs_assistant.language.analyzer import normalise

_W = r"(?:[\w-]+\W+){0,3}"  # up to three words in between
_SIGNS: list[tuple[str, str]] = [
    ("запах газа", rf"(?:пах\w*|запах\w*|вон\w*|несет|чувству\w*|иіс\w*)\W+{_W}газ(?!\w*\s+баллон)\w*"),
    ("запах газа", rf"\bгаз\w*\W+{_W}(?:пах\w*|запах\w*|вон\w*|иіс\w*|шип\w*)"),
    ("утечка газа", r"утечк\w*\s+газ|газ\w*\s+утека|\bgas\s+(?:smell|leak)|smell\w*\s+(?:of\s+)?gas"),
    ("пожар", r"пожар|возгоран|полыха|пламя|\bогонь|\bогня|\bfire\b|burning|flames?|\bөрт|жанып"),
    ("пожар", r"(?<!не\s)\b(?:горит|горят|загорел\w*|загорает\w*|подгорел\w*)\b(?!\W+(?:\w+\W+)?(?:чек|лампочк|"
              r"индикатор|значок|ошибк|check|свет|табло|огон\w* на панел))"),
    ("искры", r"\bискр\w*|искрит|\bsparks?\b|sparking|ұшқын"),
    ("дым", r"\bдым(?!\w*\s+сигарет)\w*|задымл\w*|smoke\s+(?:is\s+)?(?:coming|from|everywhere)|\bтүтін"),
    ("взрыв", r"взрыв|взорв|рван[её]т|explo"),
    ("растекающийся разлив", r"растека\w*|разлив\w*\s+по\s+(?:всей|территори|площадк)|"
                             r"(?:течет|льется|хлещет)\s+(?:рекой|по\s+(?:всей|площадке|территории|дороге))|"
                             r"spreading|fuel\s+everywhere"),
    ("пострадавший человек", r"пострада\w*|травмир\w*|\bтравм\w*|ожог\w*|обгор\w*|обж[её]г\w*|обожг\w*|"
                             r"без\s+сознани\w*|потерял\w*\s+сознани\w*|не\s+дыш\w*|задыха\w*|скор(?:ую|ая|ой)\b|"
                             r"кров(?:ь|и|ью)\b|перелом\w*|слома\w*\s+(?:ногу|руку|нога|рука)|не\s+мо(?:жет|гу)\s+встать|"
                             r"(?:упал\w*|поскользну\w*)\W+(?:[\w-]+\W+){0,6}?(?:ударил\w*|разбил\w*|лежит)|"
                             r"сбил\w*\s+(?:пешеход|человек|ребен)|наехал\w*\s+на\s+(?:человек|ребен|пешеход)|"
                             r"отравил\w*|injur\w*|unconscious|ambulance|bleeding|\bhurt\b|burn(?:ed|t)\s+(?:his|her|my)|"
                             r"collapsed|жарақат|есінен|күйіп\s+қал"),
    ("вызов экстренных служб", r"(?:звон\w*|вызов\w*|позвон\w*|call)\s+(?:в\s+)?(?:112|101|103)\b"),
]
_COMPILED = [(reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in _SIGNS]


def danger_signs(text: str, extra: list[tuple[str, re.Pattern[str]]] | None = None) -> list[str]:
    """Reasons (in Russian) the text signals immediate danger; empty when it does not."""
    folded = normalise(text)
    found: list[str] = []
    for reason, pattern in [*_COMPILED, *(extra or [])]:
        if reason not in found and pattern.search(folded):
            found.append(reason)
    return found
