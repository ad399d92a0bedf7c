"""The typed things a question names (assistant/entities.py) must be in the passage that answers it, however
each is spelt: a hard rule, a passage without them is never the one that answers."""

from __future__ import annotations

import pytest

from azs_assistant.assistant import answerable
from azs_assistant.assistant.entities import missing, typed
from azs_assistant.language import get_analyzer

PRICE_ROW = ("Розничные цены на топливо по регионам\nЦены 01.03.2026\n"
             "Регион | Город / АЗС | АИ-92, тг/л | АИ-95, тг/л | АИ-98, тг/л | ДТ-З, тг/л | СУГ, тг/л\n"
             "Регион: Костанайская; Город / АЗС: Рудный; АИ-92, тг/л: 217; АИ-95, тг/л: 263; ДТ-З, тг/л: 308")
ERRORS = "Коды ошибок ТРК «Алтай-2М» и действия оператора\nКод: E-05; Значение: нет связи с контроллером"
SCHEDULE = "График инкассации и завоза топлива по АЗС\nАЗС: АЗС №4; Город: Костанай; Инкассация: 10:00 и 19:00"


def _keys(question: str) -> set[str]:
    return {f"{e.kind}:{e.key}" for e in typed(question)}


@pytest.mark.parametrize(("question", "keys"), [
    # fuel grades in every spelling operators use
    ("почём 92-й в рудном", {"fuel:аи92", "region:рудный"}),
    ("цена аи 98 в костанае", {"fuel:аи98", "region:костанай"}),
    ("What is the AI-95 price in Kostanay?", {"fuel:аи95", "region:костанай"}),
    ("Қостанайда АИ-92 бағасы қанша?", {"fuel:аи92", "region:костанай"}),
    ("сколько стоит девяносто пятый", {"fuel:аи95"}),
    ("почём дизель летний в Павлодаре", {"fuel:дт-л", "region:павлодар"}),
    ("сколько стоит зимняя соляра", {"fuel:дт-з"}),
    ("пропанку с просроченным баллоном заправлять можно?", {"fuel:суг"}),
    ("What is the LPG price in Semey?", {"fuel:суг", "region:семей"}),
    ("сколько стоит метан", {"fuel:кпг"}),
    # codes: the same code with a Latin or a Cyrillic letter, with or without a dash or a leading zero
    ("на алтае-2М ошибка E-05 что делать", {"code:алта2м", "code:е5"}),
    ("Алтай-2М ТРК-да E-35 қатесі нені білдіреді?", {"code:алта2м", "code:е35"}),
    ("код 61 на терминале что значит", {"code:61"}),
    ("пинпад пишет 51 что это", {"code:51"}),  # a number a device shows is its code
    # a station by its number's name
    ("во сколько инкас приезжает на двойку в павлодаре", {"station:азс2", "region:павлодар"}),
    ("куда отправлять клиентов, пока ремонт на четвёрке", {"station:азс4"}),
    ("мерник на десятку, какой допуск в мл", set()),  # a vessel's size said the same way
    ("мерник на двойке сломан", {"station:азс2"}),  # a vessel at a station
    ("на экране терминала высветилось 05, что делать", {"code:05"}),
    ("по акту 0318 кто принимал", {"document:0318"}),
    ("номер ТТН в акте приёма 0318", {"document:0318"}),  # the act with what it is of
    ("ошибка колонки 12 что делать", set()),  # a dispenser's number, not an error code
    ("какая актуальная цена 2500 тенге", set()),  # «акт…» only as the word act, with what it is of
    ("регламент смены 12 часов", set()),
    ("по форме оплаты 1000 тенге", set()),
    ("что по распоряжению 12-Р делаем", {"document:12р"}),
    ("Сколько сорбента по инструкции ОТ-05?", {"document:от5"}),
    ("T-40 на терминале что значит", {"code:т40"}),
    # an error code typed with a space in a chat; a lone «е» before a volume is no code
    ("е 42 на трк алтай что значит", {"code:е42"}),
    ("E 17 горит что делать", {"code:е17"}),
    ("на АЗС е 12 л залили", set()),
    # stations and tanks by number
    ("график инкассации АЗС №3", {"station:азс3"}),
    ("до какого числа ремонт резервуара №2 на АЗС №4", {"station:азс4"}),  # a tank is context
    ("азс 17 петропавловск до скольки работает", {"station:азс17", "region:петропавловск"}),
    ("почём на АЗС №7, что в Экибастузе, бензин 92, скажите", {"station:азс7", "region:экибастуз", "fuel:аи92"}),
])
def test_the_typed_things_a_question_names(question: str, keys: set[str]) -> None:
    assert _keys(question) == keys


@pytest.mark.parametrize("question", [
    "какая модель дизель-генератора стоит на азс",  # equipment, not a fuel
    "сколько литров пробы отбирают",
    "на 80 м от колонки",  # a distance, not АИ-80
    "сколько бензина 100 литров стоит",
    "скидки для многодетных семей",  # «семей» of «семья», not the city
    "какой объём пробы 1,5 литра или 2",
    "что делать в 1-й день смены",
    "колонка выдаёт 10 литров вместо 20",  # a quantity it gives, not a code it shows
    "сын получил двойку",  # a mark, not a station: no preposition of place
    "сдачи с пятёрки не хватает",  # a banknote
    "клиент говорит колонка показывает 40 а залилось меньше",  # a quantity shown, not a code written
    "на табло колонки горит 92",
    "датчик пишет 85 процентов",
])
def test_words_that_are_not_typed_things(question: str) -> None:
    assert typed(question) == []


@pytest.mark.parametrize(("question", "unit", "absent"), [
    ("почём 92-й в рудном", PRICE_ROW, []),
    ("цена АИ-95 в Костанайской области", PRICE_ROW, []),  # the row's city lies in the region
    ("цена АИ-100 в Рудном", PRICE_ROW, ["fuel:аи100"]),  # the grade is in no column
    ("цена АИ-92 в Шымкенте", PRICE_ROW, ["region:шымкент"]),
    ("почём дизель летний в Рудном", PRICE_ROW, ["fuel:дт-л"]),  # only winter diesel in the table
    ("почём зимний дизель в Рудном", PRICE_ROW, []),
    ("сколько стоит газ пропан в Рудном", PRICE_ROW, []),
    ("на алтае-2М ошибка E-05 что делать", ERRORS, []),
    ("ошибка Е05 что значит", ERRORS, []),  # Cyrillic Е, no dash
    ("ошибка E-99 на ТРК Алтай-2М", ERRORS, ["code:е99"]),
    ("график инкассации АЗС №4", SCHEDULE, []),
    ("график инкассации АЗС №3", SCHEDULE, ["station:азс3"]),
    ("во сколько инкассация на АЗС 4 в Костанае", SCHEDULE, []),
    # a comma or a full stop after the station's number ends it (the act scan of the blind set was ruled out)
    ("температура топлива при приёмке на АЗС №7", "Акт приёма АЗС № 7, г. Экибастуз. Температура: минус 6 °С", []),
    ("температура топлива при приёмке на АЗС №7", "Акт приёма на АЗС №7. Температура: минус 6 °С", []),
    ("температура топлива при приёмке на АЗС №7", "Акт приёма на АЗС №17, г. Павлодар", ["station:азс7"]),
])
def test_a_typed_thing_must_be_in_the_unit(question: str, unit: str, absent: list[str]) -> None:
    assert [f"{e.kind}:{e.key}" for e in missing(question, unit)] == absent


def test_a_document_number_is_held_by_the_base_not_by_every_passage() -> None:
    """A passage of ОТ-05 need not repeat its number; a number the base never uses (the act 0319 beside the
    act 0318) is missing wherever it is looked for."""
    passage = "Сорбент\nНа каждой АЗС хранится не менее 30 кг сорбента"
    base = {"от", "05", "акт", "0318"}
    assert missing("Сколько сорбента по инструкции ОТ-05?", passage) != []
    assert missing("Сколько сорбента по инструкции ОТ-05?", passage, base.__contains__) == []
    assert [e.key for e in missing("какая плотность в акте 0319", passage, base.__contains__)] == ["0319"]
    # an error code must be in the row whatever the base knows
    assert [e.key for e in missing("ошибка E-99 на ТРК", ERRORS, lambda _: True)] == ["е99"]


def test_the_rules_rule_a_passage_out_whatever_the_model_says() -> None:
    analyzer = get_analyzer()

    def verdicts(question: str, text: str) -> list[float]:
        tokens = analyzer.tokens(question)
        from azs_assistant.search.query import AnalyzedQuery
        query = AnalyzedQuery(text=question, tokens=tokens, terms={}, key_terms=[(t.lemma, 1.0) for t in tokens])
        passage = answerable.Retrieved(text, frozenset(analyzer.lemmas(text)), 1.0, 0.95, 1.0)
        return answerable.judge(query, [passage], lambda _: 1.0, lambda _: True, lambda w: w)[0]

    near = verdicts("цена АИ-92 в Шымкенте", PRICE_ROW)
    held = verdicts("цена АИ-92 в Рудном", PRICE_ROW)
    assert len(near) == len(answerable.FEATURES) + len(answerable.RULES)
    assert answerable.ruled_out(near) and not answerable.answers(near)
    assert not answerable.ruled_out(held)


def test_codes_named_are_read_as_written_not_every_number() -> None:
    """What marks a passage as naming the document a question names (Assistant._names_document)."""
    from azs_assistant.assistant.entities import codes_named

    assert codes_named("АКТ № 0318 приёма нефтепродуктов") == {"0318"}
    assert "12р" in codes_named("РАСПОРЯЖЕНИЕ № 12-Р о ремонте")
    assert "от5" in codes_named("Инструкция ОТ-05 по разливам")
    assert codes_named("Выдать 52 литра, телефон +7 707 318 90 12; Режим работы") == frozenset()


def test_of_two_things_offered_as_a_choice_one_is_enough() -> None:
    question = "что лить в генератор, АИ-92 или АИ-95?"
    assert missing(question, "Генератор заправляют бензином АИ-92.") == []
    assert missing("залить аи 92 или аи 95 в генератор?", "Генератор заправляют бензином АИ-92.") == []
    # a choice is of two typed things: «E-47 или это сбой связи» offers no other code
    assert [e.key for e in missing("что значит E-47 или это сбой связи?", "Код: E-17; Описание: …")] == ["е47"]
    assert {e.key for e in missing(question, "Генератор заправляют дизелем.")} == {"аи92", "аи95"}
    assert {e.key for e in missing("цена АИ-92 и АИ-95", "АИ-92: 216 тг")} == {"аи95"}  # both asked, not a choice



@pytest.mark.parametrize(("question", "unit", "absent"), [
    # a grade of gas mixture is a typed thing, as a grade of petrol is; of two offered, either is enough
    ("какую смесь газа зимой продаём, спбт или пба", "Заправку газом выполняет только оператор АГЗС.",
     ["пба", "спбт"]),
    ("какую смесь газа зимой продаём, спбт или пба", "С 1 ноября отпускается СПБТ.", []),
    ("какую смесь газа зимой продаём, спбт или пба", "Летом — пропан-бутан автомобильный.", []),
    # the grade is the gas: a passage of СПБТ holds what «пропан» names
    ("зимой какой газ заливаем, спбт? сколько пропана там", "Зимой отпускается СПБТ.", []),
])
def test_a_grade_of_gas_must_be_in_the_unit(question: str, unit: str, absent: list[str]) -> None:
    assert [e.key for e in missing(question, unit)] == absent


@pytest.mark.parametrize(("question", "named"), [
    ("сколько стоит зимняя соляра в семее", True),  # the city's locative: the family's is «в семье»
    ("почём аи-92 в семей", True),  # the city undeclined, as people write in chats
    ("из семея бензовоз когда приедет", True),
    ("скидки для многодетных семей есть?", False),  # the family's
    ("на семерке 92й резервуар 60 см скока литров", False),  # station 7's nickname
])
def test_semey_in_small_letters_is_the_city_where_the_family_cannot_be_meant(question: str, named: bool) -> None:
    assert any(e.kind == "region" and e.key == "семей" for e in typed(question)) is named


EXTINGUISHERS = ("На каждом островке ТРК — два порошковых огнетушителя ОП-5. В операторной у кассы — ОУ-5. У площадки "
                 "слива — передвижной огнетушитель ОП-50.")


@pytest.mark.parametrize(("question", "unit", "other"), [
    # a passage naming another variant of the thing asked, and not this one
    ("Сколько перерывов положено дневной смене?", "Работникам ночной смены положены два перерыва по 20 минут.",
     True),
    ("Какое содержание пропана в летней смеси?", "В зимний период отпускается смесь СПБТ с пропаном не менее 60 %.",
     True),
    ("В каком радиусе ограждать малый разлив?", "Средний пролив (от 1 до 20 литров)\nОградить место пролива.", True),
    ("При среднем разливе когда собирать сорбент?", "Малый разлив (до 5 литров)\nЗасыпать разлив сорбентом.", True),
    ("кто проводит повторный инструктаж", "Вводный инструктаж проводит специалист по охране труда.", True),
    ("түнгі ауысымда қанша үзіліс бар?", "Дневная смена: один перерыв на обед 30 минут.", True),
    # the variant asked is there, beside another or in another word of its stem
    ("сколько перерывов в ночную смену", "Работникам ночной смены положены два перерыва по 20 минут.", False),
    ("большой пролив что делать", "Крупный пролив (более 20 литров)\nНажать аварийную кнопку.", False),
    ("кто проводит повторный инструктаж", "Вводный инструктаж при приёме на работу, повторный — раз в 6 месяцев.",
     False),
    ("летний дизель почём", "Цены: ДТ летнее 305, ДТ зимнее 320", False),
    # no variant in the passage (a rule for every shift), none asked, or two offered as a choice
    ("Сколько перерывов положено дневной смене?", "Перерывы берут по очереди, если нет очереди на кассе.", False),
    ("сколько перерывов положено", "Работникам ночной смены положены два перерыва по 20 минут.", False),
    ("ДГУ заправляют летним или зимним дизелем?", "В зимний период отпускается ДТ-З.", False),
    # loose words are not a variant: «в среднем», «ежедневно», «больше», «дневник»
    ("средний пролив что делать", "В среднем слив занимает 40 минут, ежедневно больше 3 сливов.", False),
    ("журнал дневной смены", "Дневник оператора ведётся в ночную смену.", True),
    # a review's cases: the variant asked held in another form of its word, and words that are no variant
    ("что делать при средних проливах", "Средние проливы: оградить. Малые проливы: засыпать.", False),
    ("что делать при больших проливах", "Большие проливы: звонить 112. Средний пролив — оградить.", False),
    ("сильный пролив что делать", "Сильный пролив: звонить 112; при среднем проливе оградить.", False),
    ("малый пролив что делать", "Малая утечка — засыпать. Средний пролив — оградить.", False),
    ("кто сдаёт дневной отчёт", "Ночная смена снимает Z-отчёт в 08:00.", False),  # daily, not the day shift's
    ("при сильном проливном дожде что делать", "Средний пролив (от 1 до 20 литров)", False),
    ("сильно пахнет утечкой газа", "Средний пролив (от 1 до 20 литров)", False),
    ("how many breaks on the night shift", "Дневная смена: один перерыв на обед 30 минут.", True),
    # a list through the station's places without the one asked
    ("какой огнетушитель положен в магазине", EXTINGUISHERS, True),
    ("сколько огнетушителей в туалете для клиентов", EXTINGUISHERS, True),
    ("какой огнетушитель у площадки слива", EXTINGUISHERS, False),
    ("какой огнетушитель на островке", EXTINGUISHERS, False),
    # one other place named is no list of places; two places asked are not one
    ("пролив в магазине что делать", "Пролив у колонки на островке засыпать сорбентом.", False),
    ("огнетушители в магазине и на складе", EXTINGUISHERS, False),
    # the whole station covers every place; a place by another name is that place; «складывают» is no store
    ("можно курить возле магазина?", "Курить запрещено на всей территории АЗС: у островков, у площадки слива, у "
     "операторной.", False),
    ("разлили кофе в магазине, чем убрать", "В торговом зале убирают шваброй; на островке и площадке слива — "
     "сорбентом.", False),
    ("какой огнетушитель в операторной", "В операторской — ОУ-5, на островке — ОП-5, у площадки слива — ОП-50.", False),
    ("что хранится на складе", "Сорбент складывают в ящик на складе; у островка и в операторной — совки.", False),
    # a place as a thing, not where: «магазин закрыт» asks of no place
    ("магазин закрыт, огнетушитель где взять", EXTINGUISHERS, False),
])
def test_another_variant_of_the_thing_asked(question: str, unit: str, other: bool) -> None:
    """«дневной смене» against the night shift's breaks, «летней смеси» against the winter mixture, «малый разлив»
    against the medium spill's steps: the passage is about another variant; one naming none may hold a rule for all."""
    from azs_assistant.assistant.entities import other_variant

    assert other_variant(question, unit) is other
