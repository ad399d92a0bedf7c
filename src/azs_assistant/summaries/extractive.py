"""Extractive summaries: the most central sentences of a document, in document order, under their
section headings, plus the key numbers and deadlines.

A sentence is central when its content words (lemmas, weighted by how rare they are across the
document's sentences) point the way the whole document points: cosine similarity to the document's
centroid. Rules («запрещено», «обязан»), numbers and deadlines weigh more, because an operator
reading a summary needs those first. Every section that holds a good sentence gets at least one
point, so the summary keeps the document's structure, and near-duplicates are skipped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from azs_assistant import i18n
from azs_assistant.assistant.model import section_without_title
from azs_assistant.documents.chunking import units_of
from azs_assistant.language.analyzer import Analyzer

TEXTS = "azs_assistant.assistant"  # the summary's frame: assistant/i18n/frames
_NUMBERED = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|₸|тг|тенге|руб|л\b|литр|мин|минут|час|ч\b|сут|дн|дней|день|недел|"
                     r"месяц|лет|год|м\b|метр|см|мм|кг|°|градус|раз|человек|экземпляр|шт)", re.IGNORECASE)
_DEADLINE = re.compile(r"\b(не позднее|не реже|не чаще|в течение|ежедневно|еженедельно|ежемесячно|ежегодно|"
                       r"до \d|с \d{1,2}[:.]\d{2}|срок\w*|каждые|каждый|каждую|немедленно|сразу)\b", re.IGNORECASE)
_RULE = re.compile(r"\b(запрещ\w*|не допуска\w*|обязан\w*|должн\w*|нельзя|только|не разрешается)\b", re.IGNORECASE)


@dataclass
class Point:
    text: str
    chunk_id: int
    page: int | None = None


@dataclass
class SectionSummary:
    heading: str
    points: list[Point] = field(default_factory=list)


@dataclass
class Summary:
    document_id: int
    title: str
    version: int
    mode: str  # extractive | llm
    text: str
    sections: list[SectionSummary] = field(default_factory=list)
    key_facts: list[Point] = field(default_factory=list)
    notice: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    section_count: int = 0  # the document's sections (the heading says «(N разд.)»); 0 in summaries kept before

    def public(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_public(cls, data: dict[str, Any]) -> Summary:
        sections = [SectionSummary(s["heading"], [Point(**p) for p in s["points"]]) for s in data.get("sections", [])]
        facts = [Point(**p) for p in data.get("key_facts", [])]
        keep = {k: v for k, v in data.items() if k not in ("sections", "key_facts")}
        return cls(**keep, sections=sections, key_facts=facts)


@dataclass
class _Unit:
    index: int
    section: str
    text: str
    chunk_id: int
    page: int | None
    first_in_section: bool
    lemmas: Counter[str]
    score: float = 0.0


def point_budget(n_sentences: int) -> int:
    """About 1.5·√n points: 3 for a memo, 10–12 for a long regulation."""
    return max(3, min(12, round(1.5 * math.sqrt(max(n_sentences, 1)))))


def summarise(document_id: int, title: str, version: int, chunks: Sequence[Any], analyzer: Analyzer,
              budget: int | None = None) -> Summary:
    units = _units(title, chunks, analyzer)
    if not units:
        return Summary(document_id, title, version, "extractive", i18n.text(TEXTS, "summary_no_text", title=title))
    _score(units)
    chosen = _choose(units, budget or point_budget(len(units)))
    sections: list[SectionSummary] = []
    for unit in sorted(chosen, key=lambda u: u.index):
        if not sections or sections[-1].heading != unit.section:
            sections.append(SectionSummary(unit.section))
        sections[-1].points.append(Point(_clean(unit.text), unit.chunk_id, unit.page))
    facts = _key_facts(units, {u.index for u in chosen})
    summary = Summary(document_id, title, version, "extractive", "", sections, facts,
                      section_count=len({u.section for u in units if u.section}))
    summary.text = render(summary)
    return summary


def render(summary: Summary, lang: str = "ru") -> str:
    """The summary as text: the frame (heading, «key figures») in ``lang``, the document's own sentences and
    section headings as written."""
    n = summary.section_count
    lines = [i18n.text(TEXTS, "summary_heading_sections", lang, title=summary.title, sections=n) if n > 1
             else i18n.text(TEXTS, "summary_heading", lang, title=summary.title)]
    for sec in summary.sections:
        if sec.heading:
            lines.append(f"\n{sec.heading.rsplit(' › ', 1)[-1]}")
        lines.extend(f"— {p.text}" for p in sec.points)
    if summary.key_facts:
        lines.append("\n" + i18n.text(TEXTS, "summary_key_facts", lang))
        lines.extend(f"— {p.text}" for p in summary.key_facts)
    return "\n".join(lines)


def _units(title: str, chunks: Sequence[Any], analyzer: Analyzer) -> list[_Unit]:
    units: list[_Unit] = []
    rows_per_section: Counter[str] = Counter()
    last_section = None
    for chunk in chunks:
        section = section_without_title(chunk.section or "", title)
        if chunk.kind == "table_row":  # a table: a few rows tell what it is about, not all of them
            rows_per_section[section] += 1
            if rows_per_section[section] > 3:
                continue
        for text in units_of(chunk):
            text = text.strip()
            if len(text) < 20 or text.endswith(":") and len(text) < 60:
                continue
            lemmas = Counter(analyzer.lemmas(text))
            if len(lemmas) < 4:
                continue
            units.append(_Unit(len(units), section, text, chunk.id, chunk.page, section != last_section, lemmas))
            last_section = section
    return units


def _score(units: list[_Unit]) -> None:
    df: Counter[str] = Counter()
    for u in units:
        df.update(set(u.lemmas))
    n = len(units)
    vectors = []
    for u in units:
        vec = {t: (1 + math.log(c)) * math.log(1 + n / df[t]) for t, c in u.lemmas.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    centroid: Counter[str] = Counter()
    for vec in vectors:
        centroid.update(vec)
    c_norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    for u, vec in zip(units, vectors, strict=True):
        score = sum(v * centroid[t] for t, v in vec.items()) / c_norm
        if _FIGURE.search(u.text) or _DEADLINE.search(u.text):
            score *= 1.3
        if _RULE.search(u.text):
            score *= 1.2
        if u.first_in_section:
            score *= 1.1
        if len(u.text) > 400:  # a long paragraph is a poor summary point
            score *= 0.7
        u.score = score


def _similar(a: _Unit, b: _Unit) -> bool:
    sa, sb = set(a.lemmas), set(b.lemmas)
    return len(sa & sb) / (len(sa | sb) or 1) > 0.6


def _choose(units: list[_Unit], budget: int) -> list[_Unit]:
    """The best sentence of each section first (best sections first), then the best of the rest."""
    best_of: dict[str, _Unit] = {}
    for u in units:
        if u.section not in best_of or u.score > best_of[u.section].score:
            best_of[u.section] = u
    chosen: list[_Unit] = []
    for u in sorted(best_of.values(), key=lambda x: -x.score)[:budget]:
        chosen.append(u)
    for u in sorted(units, key=lambda x: -x.score):
        if len(chosen) >= budget:
            break
        if u in chosen or any(_similar(u, c) for c in chosen):
            continue
        chosen.append(u)
    return chosen


def _key_facts(units: list[_Unit], chosen: set[int], limit: int = 6) -> list[Point]:
    """Numbers and deadlines the points above do not already state, as short clauses."""
    candidates = [u for u in units if u.index not in chosen and (_FIGURE.search(u.text) or _DEADLINE.search(u.text))]
    facts: list[Point] = []
    for u in sorted(candidates, key=lambda x: -x.score):
        clause = _clause(u.text)
        if clause and all(clause != f.text for f in facts):
            facts.append(Point(clause, u.chunk_id, u.page))
        if len(facts) >= limit:
            break
    return facts


def _clause(text: str) -> str:
    """The part of a sentence that carries its figure or deadline (a sentence when it is short)."""
    text = _clean(text)
    if len(text) <= 160:
        return text
    for part in re.split(r"(?<=[;:])\s+|,\s+(?=(?:а|но|и|если|при|после|до)\s)", text):
        if _FIGURE.search(part) or _DEADLINE.search(part):
            return part.strip().rstrip(";:,") + ("." if not part.rstrip().endswith(".") else "")
    return text[:157].rstrip() + "…"


def _clean(text: str) -> str:
    return _NUMBERED.sub("", text.strip())
