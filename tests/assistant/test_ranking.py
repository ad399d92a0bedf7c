"""The learned re-ranking of retrieved passages: its signals, the shipped weights and how retrieval uses them."""

from __future__ import annotations

import json
from importlib import resources
from types import SimpleNamespace

import pytest

from azs_assistant.assistant import ranking
from azs_assistant.language import get_analyzer
from azs_assistant.search.query import AnalyzedQuery


def _query(text: str) -> AnalyzedQuery:
    tokens = get_analyzer().tokens(text)
    return AnalyzedQuery(text=text, tokens=tokens, terms={}, key_terms=[(t.lemma, 1.0) for t in tokens])


def _evidence(doc: int, title: str, text: str, score: float, dense: float, ordinal: int = 1,
              kind: str = "text") -> SimpleNamespace:
    lemmas = " ".join(get_analyzer().lemmas(text))
    hit = SimpleNamespace(score=score, lexical=score, dense=dense)
    chunk = SimpleNamespace(text=text, section=title, context_lemmas=" ".join(get_analyzer().lemmas(title)),
                            lemmas=lemmas, kind=kind, ordinal=ordinal)
    return SimpleNamespace(hit=hit, chunk=chunk, document=SimpleNamespace(id=doc, title=title),
                           support=0.5)


def _lemma(word: str) -> str:
    tokens = get_analyzer().tokens(word)
    return tokens[0].lemma if tokens else word


def _values(question: str, evidence: list[SimpleNamespace], doc_words: dict[int, str],
            about: dict[int, float] | None = None) -> list[dict[str, float]]:
    query = _query(question)
    doc_lemmas = {d: set(get_analyzer().lemmas(words)) for d, words in doc_words.items()}
    values = ranking.features(
        query, evidence, idf=lambda _: 1.0, known=lambda _: True, lemma_of=_lemma,
        document_lemmas=lambda ids, wanted: {d: doc_lemmas.get(d, set()) & set(wanted) for d in ids},
        document_similarity=lambda ids: {d: (about or {}).get(d, 0.0) for d in ids})
    return [dict(zip(ranking.FEATURES, v, strict=True)) for v in values]


def test_a_passage_lacking_the_region_asked_is_marked() -> None:
    evidence = [_evidence(1, "Цены", "АИ-92 в Павлодаре — 212 тенге", 1.0, 0.85),
                _evidence(1, "Цены", "АИ-92 в Костанае — 215 тенге", 0.9, 0.84)]
    values = _values("почём АИ-92 в Костанае", evidence, {1: "цены павлодар костанай"})
    assert values[0]["typed_missing"] == 1.0
    assert values[1]["typed_missing"] == 0.0


def test_the_whole_document_counts_for_what_a_passage_does_not_repeat() -> None:
    # the chain's name is in the document (its opening passage), not in the passage retrieved
    evidence = [_evidence(1, "Приём топлива", "Отстой топлива 15 минут.", 1.0, 0.86),
                _evidence(2, "Приём топлива", "Отстой топлива 20 минут.", 0.95, 0.86)]
    values = _values("сколько отстой топлива в Береке", evidence,
                     {1: "Сарыарка приём топливо отстой минута", 2: "Береке приём топливо отстой минута"},
                     about={1: 0.8, 2: 0.82})
    assert values[1]["doc_support"] > values[0]["doc_support"]
    assert values[0]["names_missing_doc"] == 1.0 and values[1]["names_missing_doc"] == 0.0
    assert values[1]["doc_dense_gap"] == 0.0 and values[0]["doc_dense_gap"] < 0.0
    assert values[0]["rank"] == 0.0 and values[1]["rank"] > 0.0


def test_the_shipped_weights_learnt_what_tells_the_right_passage() -> None:
    model = ranking.ranker()
    assert model is not None
    weights = dict(zip(ranking.FEATURES, model.weights, strict=True))
    # fitted on the tuning part: a named thing missing counts against a passage, a whole document covering
    # the question and the passage's own dense closeness for it, a lower search rank against it
    assert weights["typed_missing"] < 0 < weights["doc_support"]
    assert weights["dense_gap"] > 0 > weights["rank"]


def test_candidates_are_ordered_by_the_model_and_carry_its_probability(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    n = len(ranking.FEATURES)
    only_typed = ranking.Ranker(tuple(-1.0 if f == "typed_missing" else 0.0 for f in ranking.FEATURES),
                                (0.0,) * n, (1.0,) * n, 0.0)
    monkeypatch.setattr(ranking, "ranker", lambda: only_typed)
    evidence = [_evidence(1, "Цены по регионам", "Павлодар: АИ-92 — 212 тенге", 1.0, 0.86, kind="table_row"),
                _evidence(1, "Цены по регионам", "Костанай: АИ-92 — 215 тенге", 0.9, 0.85, kind="table_row")]
    values = [list(v.values()) for v in _values("почём АИ-92 в Костанае", evidence,
                                                {1: "цены регион павлодар костанай аи-92 тенге"})]
    reranked = ranking.rerank(evidence, values)
    assert [e.chunk.text[:8] for e in reranked] == ["Костанай", "Павлодар"]
    assert reranked[0].relevance == pytest.approx(0.5) and reranked[1].relevance == pytest.approx(1 / (1 + 2.718281828))


def test_a_candidate_holding_every_typed_thing_named_comes_before_those_lacking_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a model that prefers the search's first candidate whatever it lacks: the station asked for still leads
    n = len(ranking.FEATURES)
    by_score = ranking.Ranker(tuple(5.0 if f == "fused" else 0.0 for f in ranking.FEATURES),
                              (0.0,) * n, (1.0,) * n, 0.0)
    monkeypatch.setattr(ranking, "ranker", lambda: by_score)
    rows = ["АЗС: АЗС №10; Дни завоза топлива: вт чт", "АЗС: АЗС №4; Дни завоза топлива: пн чт",
            "АЗС: АЗС №1; Дни завоза топлива: пн ср пт"]
    evidence = [_evidence(1, "Станции", row, score, 0.85, kind="table_row")
                for row, score in zip(rows, (1.0, 0.95, 0.9), strict=True)]
    values = [list(v.values()) for v in _values("в какие дни завоз топлива на АЗС №1", evidence, {1: "станции"})]
    assert [v[ranking.FEATURES.index("typed_missing")] for v in values] == [1.0, 1.0, 0.0]
    assert [e.chunk.text.split(";")[0] for e in ranking.rerank(evidence, values)] == [
        "АЗС: АЗС №1", "АЗС: АЗС №10", "АЗС: АЗС №4"]


def test_a_candidate_holding_the_document_number_named_comes_first(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # «во сколько закончили слив по акту 0318»: the acceptance regulation matches every other word, the act
    # itself (a scan, flagged by Assistant._names_document) comes first; no candidate flagged: the order stands
    n = len(ranking.FEATURES)
    by_score = ranking.Ranker(tuple(5.0 if f == "fused" else 0.0 for f in ranking.FEATURES),
                              (0.0,) * n, (1.0,) * n, 0.0)
    monkeypatch.setattr(ranking, "ranker", lambda: by_score)
    evidence = [_evidence(1, "Регламент приёма", "Слив ведут под наблюдением, после слива закрыть клапан", 1.0, 0.86),
                _evidence(2, "Акт", "Начало слива 10:15, окончание слива 10:52", 0.8, 0.84)]
    values = [list(v.values()) for v in _values("во сколько закончили слив по акту 0318", evidence, {1: "", 2: ""})]
    assert [e.document.id for e in ranking.rerank(list(evidence), values)] == [1, 2]
    evidence[1].names_document = True
    assert [e.document.id for e in ranking.rerank(list(evidence), values)] == [2, 1]


def test_without_a_dense_model_the_search_order_stands() -> None:
    evidence = [_evidence(1, "A", "первый", 1.0, 0.0), _evidence(2, "B", "второй", 0.5, 0.0)]
    assert ranking.rerank(evidence, [[0.0] * len(ranking.FEATURES), [9.0] * len(ranking.FEATURES)]) == evidence


def test_the_shipped_file_names_its_features_and_how_it_was_fitted() -> None:
    raw = json.loads(resources.files("azs_assistant.assistant").joinpath("data/ranker.json").read_text("utf-8"))
    assert tuple(raw["features"]) == ranking.FEATURES
    assert isinstance(raw["bias"], float)
    assert len(raw["weights"]) == len(raw["means"]) == len(raw["scales"]) == len(ranking.FEATURES)
    assert "tuning part" in raw["fitted"]["on"] and "train_ranker.py" in raw["fitted"]["command"]


@pytest.mark.parametrize("question", ["бензовоз приехал, что делать по шагам?", "курить на АЗС можно?"])
def test_retrieval_reranks_the_search_candidates(demo_services, question: str) -> None:  # type: ignore[no-untyped-def]
    assistant = demo_services.assistant
    _, raw = assistant.retrieve(question, rerank=False)
    _, ranked = assistant.retrieve(question)
    assert len(raw) == min(ranking.CANDIDATES, assistant.index.size())
    assert len(ranked) == 10
    assert {e.chunk.id for e in ranked} <= {e.chunk.id for e in raw}  # re-ordered, never new passages


def test_document_lemmas_and_similarity_come_from_every_passage(demo_services) -> None:  # type: ignore[no-untyped-def]
    assistant = demo_services.assistant
    query, evidence = assistant.retrieve("курить на АЗС можно?", rerank=False)
    first = evidence[0]
    doc = first.document.id
    passage_lemmas = set(first.chunk.lemmas.split())
    held = assistant.index.document_lemmas([doc], sorted(passage_lemmas) + ["несуществующееслово"])
    assert passage_lemmas <= held[doc] and "несуществующееслово" not in held[doc]
    vector = assistant.index.query_vector(query)
    about = assistant.index.document_similarity([doc, 10**9], vector)
    assert 0.0 < about[doc] <= 1.0 and about[10**9] == 0.0


def _row(doc: int, cells: list[str], name: str) -> SimpleNamespace:
    chunk = SimpleNamespace(kind="table_row", document_id=doc, meta={"cells": cells}, text="; ".join(cells))
    return SimpleNamespace(chunk=chunk, name=name)


def test_a_tables_row_whose_cell_is_the_place_named_comes_before_rows_that_hold_it_in_passing() -> None:
    """GIVEN a price table's rows of one region first, the city asked only third WHEN ordered THEN the row
    whose cell is the city itself takes the first row's place; rows of another table and other passages keep
    their places, and a question naming no place changes nothing."""
    road = _row(1, ["Павлодарская", "Трасса Павлодар–Астана (АЗС №15)", "216"], "road")
    aksu = _row(1, ["Павлодарская", "Аксу", "214"], "aksu")
    text = SimpleNamespace(chunk=SimpleNamespace(kind="text", document_id=2, meta=None), name="text")
    city = _row(1, ["Павлодарская", "Павлодар", "212"], "city")
    other = _row(3, ["АЗС №2", "Павлодар", "11:00"], "other")
    evidence = [road, aksu, text, city, other]
    ordered = ranking.keyed_rows_first("Павлодарда АИ-92 бағасы қанша?", evidence)
    assert [e.name for e in ordered] == ["city", "road", "text", "aksu", "other"]
    assert ranking.keyed_rows_first("сколько стоит АИ-92", evidence) == evidence
    # a row beyond the first five is not brought forward
    late = ranking.keyed_rows_first("цена в Павлодаре", [road, aksu, text, text, text, city])
    assert [e.name for e in late] == ["road", "aksu", "text", "text", "text", "city"]
