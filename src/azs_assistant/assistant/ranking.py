"""Which retrieved passage comes first: a learned re-ranking of the hybrid search's candidates.

The search index fuses BM25 and the dense cosine with one fixed weight, passage by passage. What tells the
right passage from a near one is often elsewhere: whether its *document* covers the whole question (the
chain's name in the title, the form named in another section), whether it holds the things the question
names (a region, a fuel grade, a code), whether its heading says what the question asks, how many of the
document's passages were found at all. Each candidate among the first :data:`CANDIDATES` gets these
signals (:data:`FEATURES`) and a linear score fitted by ``bench/train_ranker.py`` on the tuning part of the
blind question set (label: the passage's document is one the question is about), stored in
``data/ranker.json``; the candidates are then ordered by it. Without the file, or without a dense model
(the weights were fitted with it), the search's own order stands.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from azs_assistant.assistant import answerable
from azs_assistant.assistant import entities as typed_entities
from azs_assistant.assistant.evidence import support
from azs_assistant.search.query import AnalyzedQuery

CANDIDATES = 30  # retrieved passages re-ranked; the answer reads the first ten of the new order

FEATURES = ("fused", "lexical", "dense_gap", "dense", "rank", "support", "heading_support", "doc_support",
            "typed_missing", "names_missing_doc", "doc_passages", "doc_best", "table_row", "opening",
            "doc_dense", "doc_dense_gap")


@dataclass(frozen=True)
class Ranker:
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    bias: float

    def logit(self, values: Sequence[float]) -> float:
        return self.bias + sum(w * (x - m) / s for w, x, m, s in zip(self.weights, values, self.means, self.scales,
                                                                     strict=True))

    def probability(self, values: Sequence[float]) -> float:
        """How likely the passage is from a document the question is about and holds what it asks."""
        return _sigmoid(self.logit(values))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@cache
def ranker() -> Ranker | None:
    """The fitted weights shipped with the package (None: keep the search's order)."""
    path = resources.files("azs_assistant.assistant").joinpath("data/ranker.json")
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw["features"]) != FEATURES:
        raise RuntimeError("assistant/data/ranker.json was fitted on other features: rerun bench/train_ranker.py")
    return Ranker(tuple(raw["weights"]), tuple(raw["means"]), tuple(raw["scales"]), float(raw["bias"]))


def features(query: AnalyzedQuery, evidence: Sequence[Any], idf: Callable[[str], float],
             known: Callable[[str], bool], lemma_of: Callable[[str], str],
             document_lemmas: Callable[[list[int], list[str]], dict[int, set[str]]],
             document_similarity: Callable[[list[int]], dict[int, float]]) -> list[list[float]]:
    """The signals of each candidate (:class:`~azs_assistant.assistant.model.Evidence`, in search order)."""
    if not evidence:
        return []
    top = max(e.hit.score for e in evidence) or 1.0
    lex_top = max(e.hit.lexical for e in evidence)
    dense_top = max(e.hit.dense for e in evidence)
    doc_ids = list(dict.fromkeys(e.document.id for e in evidence))
    names = [n for n in answerable.entities(query) if not any(ch.isdigit() for ch in n)]
    name_lemmas = {n: lemma_of(n) for n in names}
    wanted = [lemma for lemma, _ in query.key_terms] + list(name_lemmas.values())
    in_doc = document_lemmas(doc_ids, wanted)
    doc_support = {d: support(query, in_doc.get(d, set()), idf, known) for d in doc_ids}
    per_doc: dict[int, list[float]] = {}
    for e in evidence:
        per_doc.setdefault(e.document.id, []).append(e.hit.score / top)
    typed = typed_entities.typed(query.text)
    about = document_similarity(doc_ids)
    about_top = max(about.values(), default=0.0)
    out = []
    for rank, e in enumerate(evidence):
        d = e.document.id
        heading = set(e.chunk.context_lemmas.split())
        unit = f"{e.document.title}\n{e.chunk.section}\n{e.chunk.text}"
        missing_names = sum(name_lemmas[n] not in in_doc.get(d, set()) and n.lower() not in unit.lower()
                            for n in names)
        out.append([
            e.hit.score / top,
            e.hit.lexical / lex_top if lex_top > 0 else 0.0,
            e.hit.dense - dense_top,
            e.hit.dense,
            math.log1p(rank),
            e.support,
            support(query, heading, idf, known),
            doc_support[d],
            float(min(len(typed_entities.missing(query.text, unit, known)), 2)) if typed else 0.0,
            missing_names / len(names) if names else 0.0,
            math.log1p(len(per_doc[d])),
            max(per_doc[d]),
            1.0 if e.chunk.kind == "table_row" else 0.0,
            1.0 if e.chunk.ordinal == 0 else 0.0,
            about.get(d, 0.0),
            about.get(d, 0.0) - about_top,
        ])
    return out


def rerank(evidence: list[Any], values: list[list[float]]) -> list[Any]:
    """The candidates ordered by the fitted probability (ties keep the search's order), which becomes each
    one's ``relevance`` (the score its citation shows). A candidate's ``elsewhere`` flag marks a document of
    another organisation than the one the question names (:mod:`~azs_assistant.assistant.organisations`)."""
    model = ranker()
    if model is None or not evidence or all(e.hit.dense == 0.0 for e in evidence):
        return evidence
    scores = [model.logit(v) for v in values]  # ordered by the logit: probabilities near 1 tie in floats
    # A candidate that lacks a typed thing the question names (a station's number, a code, a region) cannot
    # answer it (answerable's hard rule), nor one of another chain than the one named: the others come first.
    # The linear model weighs the signal too lightly: «дни завоза на АЗС №1» put №10's row above №1's.
    typed = FEATURES.index("typed_missing")
    lacking = [v[typed] > 0 or getattr(e, "elsewhere", False) for e, v in zip(evidence, values, strict=True)]
    # then those that hold a document number the question names («по акту 0318»: the act itself, not the
    # acceptance regulation that matches every other word)
    other = [not getattr(e, "names_document", False) for e in evidence]
    order = sorted(range(len(evidence)), key=lambda i: (lacking[i], other[i], -scores[i], i))
    shown = 1.0
    for i in order:  # the citation's score, never above the one cited before it
        shown = min(shown, _sigmoid(scores[i]))
        evidence[i].relevance = shown
    return [evidence[i] for i in order]


KEYED_SPAN = 5  # the first passages among which a table's rows are put in the order of the keys they hold


def keyed_rows_first(question: str, evidence: list[Any]) -> list[Any]:
    """Among the first :data:`KEYED_SPAN` passages, the rows of one table in the order of how many of their cells
    are a thing the question names and nothing else (a place, a station, a code), each row keeping a place one of
    that table's rows held: «Павлодарда АИ-92 бағасы қанша?» is asked of the row «Павлодарская | Павлодар», not of
    «Павлодарская | Аксу» or «Павлодарская | Трасса Павлодар–Астана», which hold the city only as the region or
    as part of a road's name. Ties keep the ranker's order."""
    named = {(e.kind, e.key) for e in typed_entities.typed(question) if e.kind in ("region", "station", "code")}
    if not named:
        return evidence
    head = evidence[:KEYED_SPAN]

    def keyed(e: Any) -> int:
        count = 0
        for cell in answerable.row_cells(e.chunk) or []:
            found = typed_entities.typed(str(cell))
            count += (len(found) == 1 and (found[0].kind, found[0].key) in named
                      and len(re.sub(r"\W", "", found[0].surface)) >= 0.8 * len(re.sub(r"\W", "", str(cell))))
        return count

    by_table: dict[Any, list[int]] = {}
    for i, e in enumerate(head):
        if e.chunk.kind == "table_row":
            by_table.setdefault(e.chunk.document_id, []).append(i)
    out = list(head)
    for places in by_table.values():
        if len(places) < 2:
            continue  # a lone row keeps its place
        counts = {i: keyed(head[i]) for i in places}
        for place, i in zip(places, sorted(places, key=lambda i: (-counts[i], i)), strict=True):
            out[place] = head[i]
    return out + evidence[KEYED_SPAN:]
