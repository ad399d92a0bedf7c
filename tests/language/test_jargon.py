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
    for word in ("солярка", "колонка", "пистолет", "бензовоз", "девяносто второй", "зэтка",
                 "жанармай", "өрт сөндіргіш", "fuel truck", "spill"):
        assert word in terms


def test_kazakh_and_english_questions_reach_the_russian_terms() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    for question, wanted in (("жанармайды қабылдау кезінде не істеу керек", {"топливо", "прием"}),
                             ("what to do if fuel is spilled at the dispenser", {"пролив", "трк"}),
                             ("өрт сөндіргішті қайдан табамын", {"огнетушитель"})):
        added, _ = dictionary.expand([t.surface for t in analyzer.tokens(question)])
        assert wanted <= set(added), (question, added)


def test_entries_match_any_word_form_and_multiword_terms() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    added, _ = dictionary.expand(analyzer.lemmas("залил солярки", keep_stopwords=True))
    assert "дизельный" in added
    added, matched = dictionary.expand(analyzer.lemmas("почём девяносто второй", keep_stopwords=True))
    assert "92" in added and ("девяносто", "второй") in matched


@pytest.mark.parametrize("question", ["запахло газом у колонки", "воняет газом на агзс", "пахнет газом",
                                      "чувствую запах газа"])
def test_the_ways_of_saying_a_gas_smell_reach_a_gas_leak(question: str) -> None:
    """A gas leak's procedure never says «запах»: «запахло газом» must reach «утечка газа»."""
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    added, _ = dictionary.expand(analyzer.lemmas(question, keep_stopwords=True))
    assert "утечка" in added, (question, added)


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


def test_kazakh_and_english_entries_match_with_their_endings() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(parse_tsv("жанармай\tтопливо\ntank\tрезервуар\n"), analyzer)
    for phrase, canonical in (("жанармайды қалай қабылдау керек", "топливо"), ("жанармайдың сапасы", "топливо"),
                              ("how to check the tanks", "резервуар")):
        added, _ = dictionary.expand([t.surface for t in analyzer.tokens(phrase)])
        assert canonical in added, phrase
        assert canonical.split()[0] in dictionary.rewrite(phrase, analyzer.tokens(phrase)), phrase


def test_ending_match_does_not_catch_russian_words_or_short_stems() -> None:
    analyzer = get_analyzer()
    # «танк» is a Russian word: its forms are listed, nothing is matched by a prefix of «танкер»
    dictionary = JargonDictionary(parse_tsv("танк\tрезервуар\nгаз\tСУГ\nбенз\tбензин\n"), analyzer)
    for phrase in ("танкер приехал", "газета на кассе", "бензовоз приехал"):
        added, _ = dictionary.expand([t.surface for t in analyzer.tokens(phrase)])
        assert added == [], phrase


def test_a_jargon_entrys_synonyms_are_one_thing_asked() -> None:
    """«газ» expands to «сжиженный углеводородный газ (СУГ, пропан-бутан)»: the query keeps those lemmas
    together, and the extractor counts a sentence that lists them all once, so the sentence that answers
    («не более чем на 80%») is not outscored by one that only names the gas six ways."""
    from azs_assistant.assistant.extract import Extractor
    from azs_assistant.search.query import QueryAnalyzer
    from azs_assistant.storage.models import Chunk

    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    query = QueryAnalyzer(analyzer).analyse("до скольки процентов заправлять баллон газом", dictionary, None)
    group = next(g for g in query.expansion_groups if "пропан" in g)
    assert {"суг", "пропан", "газ"} <= set(group)
    listing = "Отпуск сжиженного углеводородного газа (СУГ, пропан-бутан) выполняет только оператор АГЗС."
    answer = "Заправлять баллон не более чем на 80% его объёма."
    chunk = Chunk(text=f"{listing} {answer}", section="", kind="text", ordinal=1)
    scored = Extractor(analyzer, lambda _: 1.0).score(chunk, query, numeric=True)
    by_unit = dict(zip(scored.units, scored.scores, strict=True))
    assert by_unit[answer] > by_unit[listing], by_unit


def test_what_is_asked_of_a_jargon_phrase_is_said_of_its_term() -> None:
    """«как часто проверяют точность датчиков уровня»: «датчик уровня» is the jargon for «уровнемер», so the
    frequency said of «Уровнемеры» answers; a word of the phrase alone had no synonym, and the passage was ruled
    out for not naming the thing asked."""
    from azs_assistant.assistant import answerable
    from azs_assistant.search.query import QueryAnalyzer

    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    question = "как часто проверяют точность датчиков уровня в резервуарах"
    query = QueryAnalyzer(analyzer).analyse(question, dictionary, None)
    assert "уровнемер" in query.phrase_terms.get("датчик", ())
    passage = "Поверка\n\n— Уровнемеры резервуаров калибруются раз в 2 года.\n— Метроштоки калибруются раз в год."
    assert answerable.lacks_what_is_asked(question, passage, lambda word: [])
    assert not answerable.lacks_what_is_asked(question, passage, lambda word: list(query.phrase_terms.get(word, ())))


def test_a_phrase_gives_its_term_only_to_words_the_question_has_once() -> None:
    """«уровень» asked of the fuel and again in «датчиком уровня» is not the gauge; «в» of «минус в кассе» is none."""
    from azs_assistant.search.query import QueryAnalyzer

    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    query = QueryAnalyzer(analyzer).analyse("как часто проверяют уровень топлива с датчиком уровня", dictionary, None)
    assert "уровень" not in query.phrase_terms and "уровнемер" in query.phrase_terms.get("датчик", ())
    cash = QueryAnalyzer(analyzer).analyse("минус в кассе кто разбирается", dictionary, None)
    assert "в" not in cash.phrase_terms


@pytest.mark.parametrize(("question", "leave"), [
    ("когда можно уйти в отпуск", True),
    ("как написать заявление на отпуск", True),
    ("сколько дней ежегодный отпуск у оператора", True),
    ("отпуск топлива при отключении света", False),  # dispensing
    ("можно ли возобновить отпуск через ТРК №1", False),
    ("в отпуск бензина в канистры что нужно", False),  # fuel named: dispensing
])
def test_a_persons_leave_is_not_dispensing(question: str, leave: bool) -> None:
    """«отпуск» is the dispensing every procedure names («прекратить отпуск топлива»); «уйти в отпуск» is a person's
    leave, which the base does not hold: searched for as «отпуск», it got the power-cut procedure."""
    from azs_assistant.search.query import LEAVE, QueryAnalyzer

    analyzer = get_analyzer()
    query = QueryAnalyzer(analyzer).analyse(question, JargonDictionary(load_builtin_jargon(), analyzer), None)
    assert (LEAVE in query.terms) is leave and ("отпуск" in query.terms) is not leave, query.terms


def test_a_word_after_a_kazakh_term_is_not_read_as_its_ending() -> None:
    """«жалақы қашан» is «жалақы» and «қашан» («когда»), not «жалақы» with the ending « қашан»: the rewrite for
    the dense model kept «заработная плата» and lost the question word, so the kind of value asked was lost."""
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    for question, wanted in (("жалақы қашан төленеді", "заработная плата когда"),
                             ("өрт сөндіргіш қайда", "огнетушитель где"),
                             ("жанармайды қашан әкеледі", "когда")):
        assert wanted in dictionary.rewrite(question, analyzer.tokens(question)), question


@pytest.mark.parametrize(("question", "intent", "content"), [
    ("что запрещено делать на АЗС", "запретить", "азс"),  # as «разрешено»: the kind of rule asked, not its topic
    ("что разрешено делать на АЗС", "разрешить", "азс"),
    ("Действия при пожаре", "действие", "пожар"),  # a regulation's title for its steps, as «порядок»
])
def test_words_that_say_what_kind_of_answer_is_wanted_are_not_what_the_passage_must_hold(
        question: str, intent: str, content: str) -> None:
    from azs_assistant.search.query import QueryAnalyzer

    analyzer = get_analyzer()
    query = QueryAnalyzer(analyzer).analyse(question, JargonDictionary(load_builtin_jargon(), analyzer), None)
    held = {lemma for lemma, _ in query.key_terms}
    assert intent not in held and content in held, query.key_terms
    assert intent in query.terms  # ranking still reads it


@pytest.mark.parametrize(("question", "wanted"), [
    ("отключили свет — что делать сразу?", "отключение"),  # the entry is «свет отключили»
    ("свет отключился, что делать по порядку", "отключение"),  # a reflexive verb: «отключиться» is «отключить»
    ("газом пахнет у колонки", "утечка"),  # «пахнет газом»
])
def test_a_two_word_phrase_matches_in_either_order_and_with_a_reflexive_verb(question: str, wanted: str) -> None:
    """Russian word order is free and a reflexive verb names the same event: «Свет отключился в Береке — что делать
    по порядку?» matched no entry and was declined, though «свет отключили» is one."""
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    added, _ = dictionary.expand(analyzer.lemmas(question, keep_stopwords=True))
    assert wanted in added, (question, added)


@pytest.mark.parametrize(("question", "entry"), [
    ("лить не более 50 литров в канистру", ("не", "лить")),  # «не» read backwards
    ("кто должен отвечать не знаю", ("не", "отвечать")),
    ("после пролива сильный запах бензина", ("сильный", "пролив")),  # an adjective of the next noun
    ("I want a full tank", ("tank", "full")),  # English order is meaning
    ("клиент облил бензином машину", ("облиться", "бензин")),  # the entry's reflexive verb is not the plain one
    ("как заблокировать кассу при уходе на перерыв", ("касса", "заблокироваться")),
])
def test_only_a_noun_and_a_verb_match_in_the_other_order(question: str, entry: tuple[str, ...]) -> None:
    """A review found the first version read «лить не более» as «не лить», «после пролива сильный запах» as a large
    spill, «I want a full tank» as an overfilled tank and «облил бензином» as «облился бензином» (fuel on the skin)."""
    analyzer = get_analyzer()
    dictionary = JargonDictionary(load_builtin_jargon(), analyzer)
    _, matched = dictionary.expand(analyzer.lemmas(question, keep_stopwords=True))
    assert not any(set(key) & set(entry) == set(key) and len(key) == 2 for key in matched), (question, matched)


def test_a_longer_phrase_keeps_its_order() -> None:
    analyzer = get_analyzer()
    dictionary = JargonDictionary(parse_tsv("кнопка аварийного отключения\tаварийная кнопка\n"), analyzer)
    assert dictionary.expand(analyzer.lemmas("кнопка аварийного отключения", keep_stopwords=True))[0]
    assert not dictionary.expand(analyzer.lemmas("отключения аварийного кнопка", keep_stopwords=True))[0]
