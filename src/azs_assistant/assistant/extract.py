"""Extractive answers: which passage answers, and which of its sentences or steps to quote.

Sentences of the best few passages are scored by the question's terms (weighted by rarity, with
partial credit for words of one root), so the quoted passage is the one holding the answer rather
than the one that merely shares the most words with the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from azs_assistant.assistant.markdown import bold, escape
from azs_assistant.assistant.procedure import prohibits
from azs_assistant.documents.chunking import split_sentences, units_of
from azs_assistant.language.analyzer import Analyzer, stem_key
from azs_assistant.search.query import AnalyzedQuery
from azs_assistant.storage.models import Chunk

__all__ = ["Extractor", "ScoredPassage", "asks_for_steps", "asks_only_whether", "is_procedural", "is_yes_no",
           "rule_best", "rule_units", "split_sentences", "table_row", "units_of", "wants_number"]

PARTIAL = 0.6
QUOTE_BUDGET = 700  # characters quoted from one passage: enough for a clause, short enough for a phone
# The answering passage is quoted whole up to this length (chunking cuts passages at 900 characters): the
# sentence that holds the fact is often not the one that matches the question best, but its neighbour.
WHOLE_PASSAGE = 900
_HAS_NUMBER = re.compile(r"\d")
# Questions are asked in Russian, Kazakh and English over Russian documents: each kind is told in all three
# («қанша күн сақталады?» asks for a figure; «Up to what percentage…?» is no yes-or-no question).
_NUMBER_QUESTION = re.compile(
    r"\b(сколько|скока|скольк\w+|когда|во сколько|какой процент|каков\w* (срок|лимит|объем|объём|размер)|"
    r"через какое время|как долго|как часто|какая сумма|какой размер|какой лимит|какая норма|на сколько|"
    r"қанша\w*|неше\w*|қашан\w*|қай кезде|қай уақыт\w*|how (many|much|long|often|far|soon)|what time|"
    r"^\s*when|by when|until when|when (is|are|do|does|did|should|must|can|will|may)|"
    r"what (percentage|percent|share|amount|limit|deadline|temperature|distance|volume|price)|"
    r"what is the (limit|maximum|minimum))\b",
    re.IGNORECASE)
# («что» as people type it in a hurry: «чо делать», «чё делать», «шо делать», «што делать»)
_PROCEDURAL = re.compile(r"\b(как|(?:что|чо|чё|че|шо|што) делать|что делаю|что жать|порядок|по порядку|по пунктам|"
                         r"по шагам|действи\w*|"
                         r"алгоритм|куда звонить|кому звонить|каки\w+ шаг\w*|процедур\w*|"
                         r"қалай|не\s+істе\w*|қадам\w*|тәрті[пб]\w*|"
                         r"how (to|do|should|must|can|could)|what (to do|should|must)|what do (i|we) do|"
                         r"what happens if|steps?|procedure)\b", re.IGNORECASE)

# «…по шагам», «порядок действий»: the steps themselves are asked for, not only what to do first
_STEPS_ASKED = re.compile(r"\bпо\s+(?:шагам|порядку|пунктам)\b|\bпошагов\w*|\bпорядок\s+действий\b|\bалгоритм\w*|"
                          r"\bкаки\w+\s+шаг\w*|"
                          r"\bstep[\s-]+by[\s-]+step\b|\bwhat\s+steps\b|\bқадам\w*", re.IGNORECASE)


# A sentence that starts by pointing back («Только после этого…», «При этом…») needs the one before it.
_ANAPHORA = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(только\s+)?(после|до|при|в|для|кроме)?\s*"
                       r"(этого|этом|том|этим|него|нее|них|того)\b|"
                       r"^(?:\d+(?:\.\d+)*\.?\s+)?(это|такой|такая|такие|такое|он|она|они|его|ее|её|их|им|ему|ей|там|тогда|затем|потом)\b",
                       re.IGNORECASE)
_WH_WORD = re.compile(r"\b(что|чо|чё|шо|што|как|где|когда|сколько|скока|как\w+|кто|куда|почему|зачем|откуда|чем|"
                      r"чей|во сколько|"
                      r"қанша\w*|неше\w*|қашан\w*|қай|қайда\w*|қайдан|қайсы\w*|кім\w*|не\s+істе\w*|неге|неліктен|"
                      r"қалай|қандай|"
                      r"what|how|when|where|who|whom|whose|which|why)\b", re.IGNORECASE)
_RULE = re.compile(r"запрещ|разреш|нельзя|не допуска|допуска|только|обязан|должен|не разрешается|не нужно|можно",
                   re.IGNORECASE)


def is_yes_no(question: str) -> bool:
    """«Можно ли…?», «Мне самой муфту скрутить?»: answered by a rule that allows or forbids."""
    q = question.strip()
    return bool(re.search(r"\bли\b", q, re.IGNORECASE)) or (q.endswith("?") and not _WH_WORD.search(q))


def asks_only_whether(question: str) -> bool:
    """A yes/no question that asks nothing else («можно ли…», not «какой залог и можно ли…»)."""
    return is_yes_no(question) and not _WH_WORD.search(question)


def rule_best(sp: ScoredPassage) -> float:
    """The score of the passage's best sentence that allows or forbids something (0 when none does)."""
    rules = rule_units(sp.chunk, sp.units)
    return max((score for i, score in enumerate(sp.scores) if i in rules), default=0.0)


def rule_units(chunk: Chunk, units: list[str]) -> set[int]:
    """The units that allow or forbid: by their own words, or as list items under a lead-in or a heading
    that does («Запрещается:» — «Выбрасывать отработанный сорбент в бытовые отходы»)."""
    flags = _item_flags(chunk)
    heading = chunk.section.rsplit(" › ", 1)[-1] if chunk.section else ""
    lead_ins = _lead_ins(chunk)
    under_rule = bool(_RULE.search(heading))
    return {i for i, unit in enumerate(units)
            if _RULE.search(unit) or i < len(flags) and flags[i][0]
            and (under_rule or i in lead_ins and bool(_RULE.search(units[lead_ins[i]])))}


def wants_number(question: str) -> bool:
    """Questions about amounts, times and deadlines: prefer sentences that carry a number."""
    return bool(_NUMBER_QUESTION.search(question))


def is_procedural(question: str) -> bool:
    return bool(_PROCEDURAL.search(question)) or asks_for_steps(question)


def asks_for_steps(question: str) -> bool:
    """«Как списать хот-дог по шагам?»: a table row's «списать по акту» is not the whole answer."""
    return bool(_STEPS_ASKED.search(question))


@dataclass(slots=True)
class ScoredPassage:
    chunk: Chunk
    units: list[str]
    scores: list[float]
    weights: dict[str, float] = field(default_factory=dict)  # the question's terms, as they were weighed

    @property
    def best(self) -> float:
        return max(self.scores, default=0.0)


class Extractor:
    def __init__(self, analyzer: Analyzer, idf: Callable[[str], float]) -> None:
        self.analyzer = analyzer
        self.idf = idf

    def score(self, chunk: Chunk, query: AnalyzedQuery, numeric: bool, yes_no: bool = False,
              heading_counts: bool = True) -> ScoredPassage:
        """Each unit's match with the question; the words of the unit's heading count half
        (``heading_counts=False``: only its own words)."""
        weights = {t: w * max(self.idf(t), 0.5) for t, w in query.terms.items()}
        stems = {t: stem_key(t) for t in weights}
        # a jargon entry's canonical words are one thing asked: a sentence that lists them all («сжиженного
        # углеводородного газа (СУГ, пропан-бутан)») matched «газ» six times and outscored the answer
        group_of = query.group_of()
        units = units_of(chunk)
        heading = set(self.analyzer.lemmas(chunk.section.rsplit(" › ", 1)[-1])) \
            if chunk.section and heading_counts else set()
        scores = []
        rules = rule_units(chunk, units) if yes_no else set()
        for n, unit in enumerate(units):
            own = set(self.analyzer.lemmas(unit))
            lemmas = own | heading
            unit_stems = {stem_key(lemma) for lemma in lemmas} - {None}
            score = 0.0
            grouped: dict[int, float] = {}
            for term, weight in weights.items():
                if term in own:
                    found = weight
                elif term in lemmas:
                    found = 0.5 * weight
                elif stems[term] and stems[term] in unit_stems:
                    found = PARTIAL * weight
                else:
                    continue
                if term in group_of:
                    grouped[group_of[term]] = max(grouped.get(group_of[term], 0.0), found)
                else:
                    score += found
            score += sum(grouped.values())
            if numeric and _HAS_NUMBER.search(unit):
                score *= 1.5
            if n in rules:
                score *= 2.0
            scores.append(score)
        return ScoredPassage(chunk, units, scores, weights)

    def _asked_cell(self, chunk: Chunk, weights: dict[str, float]) -> int | None:
        """Which of a row's cells after the first the question asks for by its column («сколько стоит аи-95 в
        астане»: «АИ-95, тг/л» of the row «Город: Астана»), when one column's header matches it clearly best."""
        header = (chunk.meta or {}).get("header")
        cells = (chunk.meta or {}).get("cells")
        if not weights or not isinstance(header, list) or not isinstance(cells, list):
            return None
        scored = [(sum(weights.get(t, 0.0) for t in set(self.analyzer.lemmas(str(h)))), n)
                  for n, (h, c) in enumerate(zip(header, cells, strict=False)) if n > 0 and str(c).strip()]
        if len(scored) < 2:
            return None
        scored.sort(reverse=True)
        return scored[0][1] if scored[0][0] > 0 and scored[0][0] > scored[1][0] else None

    def quote(self, sp: ScoredPassage, procedural: bool, numeric: bool, max_units: int = 5,
              numbered: bool = True, whole: bool = False) -> str:
        """Markdown: the steps in order (numbered, or bullets for a second source), or the best
        sentences in document order, each list item under the lead-in that gives it its polarity or subject.
        ``whole``: every sentence of a passage no longer than :data:`WHOLE_PASSAGE` (the answering one)."""
        chunk = sp.chunk
        if chunk.kind == "table_row":
            return table_row(chunk, self._asked_cell(chunk, sp.weights))
        lines = [ln.strip() for ln in chunk.text.split("\n") if ln.strip()]
        items = [ln[2:] for ln in lines if ln.startswith("— ")]
        if procedural and chunk.kind == "steps" and len(items) >= 2:
            first_item = next(i for i, ln in enumerate(lines) if ln.startswith("— "))
            intro = lines[first_item - 1] if first_item > 0 else None  # the sentence that leads into the steps
            if intro is None and " › " in chunk.section:
                # a list that starts its passage is led by its heading: the large spill's «Нажать аварийную
                # кнопку… Позвонить 112», quoted beside the medium spill's list, read as what to do with any spill
                intro = chunk.section.rsplit(" › ", 1)[-1].strip()
            # a second source's list adds to the answer's procedure: all its items, as bullets
            numbered = numbered and not prohibits(intro or "") and not prohibits(chunk.section.rsplit(" › ", 1)[-1])
            body = "\n".join(f"{i}. {escape(item)}" if numbered else f"- {escape(item)}"
                             for i, item in enumerate(items, start=1))
            if intro:
                return f"{bold(intro)}\n\n{body}"
            # bullets whose lead-in is their heading («Оператору запрещается:») come under it: the prohibition's
            # items alone read as things to do
            return _with_rule_heading(chunk, body, True) if not numbered else body
        clauses = _clause_of(chunk)
        if whole and not procedural and sp.best > 0 and clauses is not None:
            # numbered clauses each say one thing: the clauses that answer, each whole, not the others (the
            # dispatcher's phone under «температура помутнения»)
            wanted = {clauses[i] for i in range(len(sp.units)) if i < len(clauses) and sp.scores[i] >= 0.5 * sp.best}
            shown = [i for i in range(len(sp.units)) if i < len(clauses) and clauses[i] in wanted]
            lead_ins = _lead_ins(chunk)
            return _with_rule_heading(chunk, _compose(chunk, shown),
                                      any(i in lead_ins or _is_item(chunk, i) for i in shown))
        if whole and len(chunk.text) <= WHOLE_PASSAGE and sp.best > 0:
            shown = list(range(len(sp.units)))
            lead_ins = _lead_ins(chunk)
            return _with_rule_heading(chunk, _compose(chunk, shown),
                                      any(i in lead_ins or _is_item(chunk, i) for i in shown))
        if len(sp.units) <= 2 or sp.best <= 0:
            shown = list(range(min(len(sp.units), 2)))
            return _with_rule_heading(chunk, _compose(chunk, shown), any(_is_item(chunk, i) for i in shown))
        top = sp.best
        ranked = sorted(range(len(sp.units)), key=lambda i: -sp.scores[i])
        keep: list[int] = []
        length = 0
        for i in ranked[:max_units]:  # best first, within a phone-screen budget
            if sp.scores[i] < top * 0.3 or keep and length + len(sp.units[i]) > QUOTE_BUDGET:
                continue
            keep.append(i)
            length += len(sp.units[i])
        if numeric and not any(_HAS_NUMBER.search(sp.units[i]) for i in keep):
            after = ranked[0] + 1  # the figure often follows the sentence that names the subject
            if after < len(sp.units) and _HAS_NUMBER.search(sp.units[after]):
                keep.append(after)
        keep += [i - 1 for i in keep if i > 0 and _ANAPHORA.match(sp.units[i])]
        lead_ins = _lead_ins(chunk)
        keep += [lead_ins[i] for i in keep if i in lead_ins]  # «запрещается:» before the item it governs
        kept = sorted(set(keep))
        return _with_rule_heading(chunk, _compose(chunk, kept), any(i in lead_ins or _is_item(chunk, i) for i in kept))


def table_row(chunk: Chunk, asked: int | None = None) -> str:
    """A table row with its column headers: the row's own header (its first cell) in bold on its line, the
    other cells a list under it, so a phone shows each value on its own line:
    «**Код: E01**» / «- Что означает: Нет связи…» / «- Действие оператора: …». A cell's own «;» stays in it.
    ``asked``: the column the question asks for, in bold too («- **АИ-95, тг/л: 267**»)."""
    meta = chunk.meta or {}
    header, cells = meta.get("header"), meta.get("cells")
    if not isinstance(header, list) or not isinstance(cells, list):  # a row stored without its cells
        first, sep, rest = chunk.text.partition("; ")
        return f"{bold(first)}{sep}{escape(rest)}" if sep else escape(chunk.text)
    # (a cell of several paragraphs is one line: a blank line inside would end the list item)
    pairs = [(n, " ".join(f"{h}: {c}".split())) for n, (h, c) in enumerate(zip(header, cells, strict=False))
             if str(c).strip()]
    if len(pairs) < 2:
        return escape(chunk.text)
    return bold(pairs[0][1]) + "\n\n" + "\n".join(
        f"- {bold(p) if n == asked else escape(p)}" for n, p in pairs[1:])


def _compose(chunk: Chunk, kept: list[int]) -> str:
    """The kept units as Markdown: sentences run on in a paragraph; list items become a bullet list
    under their lead-in in bold, or follow it on its line when only one item is quoted."""
    flags = _item_flags(chunk)
    units = units_of(chunk)
    lead_ins = set(_lead_ins(chunk).values())
    clause_starts = _clause_starts(chunk)
    blocks: list[list[str]] = []  # each block: ["p", text...] or ["lead", text] or ["li", item...]
    for i in kept:
        if i >= len(units):
            continue
        is_item = i < len(flags) and flags[i][0]
        kind = "li" if is_item else ("lead" if i in lead_ins else "p")
        if blocks and blocks[-1][0] == kind and kind != "lead" and i not in clause_starts:
            blocks[-1].append(units[i])
        else:
            blocks.append([kind, units[i]])
    out: list[str] = []
    for n, (kind, *texts) in enumerate(blocks):
        if kind == "li":
            if n > 0 and blocks[n - 1][0] == "lead" and len(texts) == 1:
                out[-1] = f"{out[-1]} {escape(texts[0])}"  # «**Запрещается:** курить…» on one line
            else:
                out.append("\n".join(f"- {escape(t)}" for t in texts))
        elif kind == "lead":
            out.append(bold(texts[0]))
        else:
            out.append(escape(" ".join(texts)))
    return "\n\n".join(out)


_CLAUSE_START = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]\s")


def _clause_of(chunk: Chunk) -> list[int] | None:
    """For a passage of two or more numbered clauses, one to a line («1. Температура…», «5.2. Из каждой партии…»):
    each unit's clause (-1 for a line before the first); None for any other passage."""
    lines = [ln.strip() for ln in chunk.text.split("\n") if ln.strip()]
    if sum(1 for ln in lines if _CLAUSE_START.match(ln)) < 2:
        return None
    out: list[int] = []
    clause = -1
    for line in lines:
        if _CLAUSE_START.match(line):
            clause += 1
        out.extend([clause] * (1 if line.startswith("— ") else len(split_sentences(line))))
    return out


def _clause_starts(chunk: Chunk) -> set[int]:
    """The units that open a numbered clause on its own line: each starts a paragraph of the quote (three
    clauses ran on as «1. … 2. … 3. …»)."""
    starts: set[int] = set()
    n = 0
    for line in chunk.text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if _CLAUSE_START.match(line):
            starts.add(n)
        n += 1 if line.startswith("— ") else len(split_sentences(line))
    return starts


def _item_flags(chunk: Chunk) -> list[tuple[bool, str]]:
    """For each unit of the passage (as ``units_of`` splits it): whether it is a list item, and its line."""
    flags: list[tuple[bool, str]] = []
    for line in chunk.text.split("\n"):
        line = line.strip()
        if line.startswith("— "):
            flags.append((True, line))
        elif line:
            flags.extend((False, line) for _ in split_sentences(line))
    return flags


def _is_item(chunk: Chunk, index: int) -> bool:
    flags = _item_flags(chunk)
    return index < len(flags) and flags[index][0]


def _lead_ins(chunk: Chunk) -> dict[int, int]:
    """List item → the sentence that leads into its list («На территории АЗС запрещается:»): an item
    quoted without it can say the opposite of the rule."""
    out: dict[int, int] = {}
    lead: int | None = None
    for i, (item, line) in enumerate(_item_flags(chunk)):
        if item:
            if lead is not None:
                out[i] = lead
        else:
            lead = i if line.rstrip().endswith(":") else None
    return out


def _with_rule_heading(chunk: Chunk, text: str, quotes_items: bool) -> str:
    """A list item whose lead-in is the section's heading («На территории АЗС запрещается»): the heading
    goes first, so «курить…» reads as the prohibition it is."""
    heading = chunk.section.rsplit(" › ", 1)[-1].strip() if chunk.section else ""
    if not quotes_items or not heading or not _RULE.search(heading) or heading.lower() in text.lower():
        return text
    lead = bold(heading.rstrip(":") + ":")
    bullets = text.split("\n")
    first_item = next((i for i, b in enumerate(bullets) if b.startswith("- ")), None)
    if len(bullets) > 1 and first_item is not None:  # the heading leads the items (a bullet stays a bullet)
        before = "\n".join(bullets[:first_item]).strip()
        after = "\n".join(bullets[first_item:])
        return f"{before}\n\n{lead}\n\n{after}" if before else f"{lead}\n\n{after}"
    body = text[2:] if len(bullets) == 1 and text.startswith("- ") else text
    body = body[0].lower() + body[1:] if len(body) > 1 and body[0].isupper() and body[1].islower() else body
    return f"{lead} {body}"
