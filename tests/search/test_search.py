"""Russian morphology, jargon, typos and hybrid ranking, on the demo knowledge base."""

from __future__ import annotations

from pathlib import Path

from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services


def top_source(svc: Services, query: str) -> str:
    hits = svc.assistant.search(query, k=5)
    assert hits, query
    return hits[0].source


def test_lemmas_match_other_word_forms(sqlite_services: Services, tmp_path: Path) -> None:
    f = tmp_path / "a.md"
    f.write_text("# Слив\nАвтоцистерну заземляют до открытия люков.\n", encoding="utf-8")
    g = tmp_path / "b.md"
    g.write_text("# Касса\nZ-отчёт снимают утром.\n", encoding="utf-8")
    sqlite_services.ingestor.ingest_paths([f, g])
    svc = sqlite_services
    query = svc.queries.analyse("заземления автоцистерны")
    assert {"заземление", "автоцистерна"} <= set(query.terms)
    hit = svc.index.search(query, k=1)[0]
    assert hit.lexical > 0 and svc.documents.passage(SYSTEM, hit.chunk_id)[1].source == "a.md"


def test_jargon_expands_slang_to_canonical_terms(demo_services: Services) -> None:
    query = demo_services.queries.analyse("бензовоз приехал")
    assert "автоцистерна" in query.expansions
    assert top_source(demo_services, "бензовоз приехал, когда мерить отсеки") == "01_priem_topliva.md"
    assert top_source(demo_services, "пистолет не отстреливает") == "04_neispravnosti_trk.md"


def test_typos_are_corrected_against_the_index_vocabulary(demo_services: Services) -> None:
    query = demo_services.queries.analyse("инкассаця приежает")  # «инкасация» is in the dictionary as a typo
    assert query.corrections.get("инкассаця") == "инкассация"
    assert top_source(demo_services, "во скока инкасация приежает") == "12_inkassaciya.html"


def test_jargon_edit_takes_effect_without_reingesting(sqlite_services: Services, tmp_path: Path) -> None:
    svc = sqlite_services
    f = tmp_path / "fire.md"
    f.write_text("# Пожарная безопасность\nУ кассы стоит углекислотный огнетушитель ОУ-5.\n", encoding="utf-8")
    svc.ingestor.ingest_paths([f])
    assert "огнетушитель" not in svc.queries.analyse("где зюзя").terms
    svc.jargon.upsert("зюзя", "огнетушитель")
    assert "огнетушитель" in svc.queries.analyse("где зюзя").terms
    assert svc.assistant.search("где зюзя")[0].source == "fire.md"
    svc.jargon.remove("зюзя")
    assert "огнетушитель" not in svc.queries.analyse("где зюзя").terms


def test_search_results_carry_provenance(demo_services: Services) -> None:
    hit = demo_services.assistant.search("цена дизельного топлива зимнего в Балхаше")[0]
    assert hit.source == "09_ceny_i_rezervuar.xlsx"
    assert "Балхаш" in hit.quote and hit.location and "строка" in hit.location
    pdf_hit = demo_services.assistant.search("сколько часов касса работает без связи с ОФД")[0]
    assert pdf_hit.source == "03_kassa_z_otchet.pdf" and pdf_hit.page == 1
    assert pdf_hit.section


def test_index_refreshes_when_another_process_changes_the_data(tmp_path: Path) -> None:
    from azs_assistant.settings import Settings

    a = Services(Settings(data_dir=tmp_path))
    b = Services(Settings(data_dir=tmp_path))  # a second API process on the same database
    assert b.assistant.search("метрошток") == []
    f = tmp_path / "m.md"
    f.write_text("# Замер\nУровень измеряют метроштоком дважды.\n", encoding="utf-8")
    a.ingestor.ingest_paths([f])
    assert b.assistant.search("метрошток")[0].source == "m.md"
    a.close()
    b.close()


def test_a_question_checks_for_new_data_once(demo_services: Services) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(demo_services.db.engine, "before_cursor_execute", record)
    try:
        demo_services.assistant.ask("Во сколько снимают Z-отчёт?")
    finally:
        event.remove(demo_services.db.engine, "before_cursor_execute", record)
    assert sum("index_state" in s for s in statements) == 1


def test_a_slang_words_synonyms_count_once_in_the_lexical_score(sqlite_services: Services, tmp_path: Path) -> None:
    """«газ» expands to «сжиженный углеводородный газ (СУГ, пропан-бутан)»: a passage that lists those names
    is not a six-times better match than the one that answers with one of them."""
    f = tmp_path / "gas.md"
    f.write_text("# Общие положения\nОтпуск сжиженного углеводородного газа (СУГ, пропан-бутан) выполняет "
                 "оператор АГЗС.\n\n# Заправка баллона\nБаллон заполняют газом не более чем на 80% объёма.\n",
                 encoding="utf-8")
    sqlite_services.ingestor.ingest_paths([f])
    svc = sqlite_services
    query = svc.queries.analyse("на сколько процентов заполнять баллон газом")
    assert any({"суг", "пропан"} <= set(group) for group in query.expansion_groups), query.expansion_groups
    lexical = {svc.documents.passage(SYSTEM, h.chunk_id)[0].text: h.lexical for h in svc.index.search(query, k=2)}
    answer = next(text for text in lexical if "80%" in text)
    listing = next(text for text in lexical if "СУГ" in text)
    assert lexical[answer] > lexical[listing], lexical


def test_a_real_word_is_corrected_only_for_a_letter_struck_or_an_ending() -> None:
    """A word the dictionary knows but the base lacks may be a typo of one the base has: a letter struck for
    another («касе» for «каса») or one more or less at the end («ночь», «ночью»). A letter more or less inside
    makes another real word: «пропало» is «пропасть», not the base's «попасть»."""
    from azs_assistant.search.query import Vocabulary

    vocabulary = Vocabulary({"попасть": 5, "каса": 3, "ночью": 4})
    assert vocabulary.correct("пропасть", max_distance=1, min_df=2, inside=False) is None
    assert vocabulary.correct("пропасть", max_distance=1, min_df=2) == "попасть"  # a word the dictionary lacks
    assert vocabulary.correct("касе", max_distance=1, min_df=2, inside=False) == "каса"
    assert vocabulary.correct("ночь", max_distance=1, min_df=2, inside=False) == "ночью"
