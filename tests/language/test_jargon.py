"""The built-in dictionary and how entries match."""

from __future__ import annotations

import pytest

from azs_assistant.errors import InvalidInput
from azs_assistant.language import JargonDictionary, get_analyzer, load_builtin_jargon
from azs_assistant.language.jargon import parse_tsv


def test_builtin_dictionary_covers_the_domain() -> None:
    entries = load_builtin_jargon()
    terms = {e.term for e in entries}
    assert len(entries) >= 150 and len(terms) == len(entries)
    for word in ("солярка", "колонка", "пистолет", "бензовоз", "девяносто второй", "зэтка"):
        assert word in terms


def test_entries_match_any_word_form_and_multiword_terms() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    added, _ = dictionary.expand(analyzer.lemmas("залил солярки", keep_stopwords=True))
    assert "дизельный" in added
    added, matched = dictionary.expand(analyzer.lemmas("почём девяносто второй", keep_stopwords=True))
    assert "92" in added and ("девяносто", "второй") in matched


def test_percent_and_number_signs_are_words() -> None:
    lemmas = get_analyzer().lemmas("не более 95% и резервуар № 2")
    assert "процент" in lemmas and "номер" in lemmas and "95" in lemmas


def test_bad_tsv_names_the_line() -> None:
    with pytest.raises(InvalidInput, match="Строка 2"):
        parse_tsv("солярка\tдизельное топливо\nбез перевода\n")


def test_one_word_slang_matches_in_any_case_form() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    for phrase in ("сними зэтку", "зэтки нет", "про зэтке"):
        tokens = analyzer.tokens(phrase)
        added, _ = dictionary.expand([t.surface for t in tokens])
        assert "z" in added and "отчет" in added, phrase
    tokens = analyzer.tokens("зэтку во сколько")
    assert dictionary.rewrite("зэтку во сколько", tokens).startswith("Z-отчет")


def test_comparatives_share_one_lemma_and_are_not_stop_words() -> None:
    analyzer = get_analyzer()
    assert "больше" in analyzer.lemmas("более 10 литров") and "больше" in analyzer.lemmas("больше 10 литров")
    assert "меньше" in analyzer.lemmas("не менее 20 кг")
