"""Answers keep their meaning, on documents written for this test (a chain «Алтын Жол» that is in no
other set): a procedure is quoted with all of its steps in order as a numbered Markdown list, even
when chunking cut it into two passages or the question names only one of its steps; a regulation of
numbered clauses is quoted whole when its steps are asked for; a prohibition keeps its lead-in in bold
before the item it governs; the citations point at the passages the steps came from."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from azs_assistant.assistant.markdown import to_plain
from azs_assistant.auth.principal import SYSTEM
from azs_assistant.services import Services
from tests.conftest import lexical_base, make_settings
from tests.documents.test_parsers import make_pdf

FILTER_STEPS = [
    "Остановить отпуск топлива на колонке и повесить табличку «ТРК на обслуживании» на обе стороны.",
    "Отключить питание колонки автоматом в щите операторной и убедиться, что дисплей погас.",
    "Перекрыть запорный клапан на всасывающей линии под колонкой до упора по часовой стрелке.",
    "Подставить поддон ёмкостью не менее 5 литров под корпус фильтра тонкой очистки.",
    "Ослабить крышку фильтра искробезопасным ключом и дать стечь остаткам топлива в поддон.",
    "Извлечь старый фильтрующий элемент и уложить его в металлический контейнер для отходов.",
    "Протереть посадочное место безворсовой салфеткой и проверить уплотнительное кольцо на трещины.",
    "Установить новый фильтрующий элемент той же марки, что указана в паспорте колонки.",
    "Затянуть крышку фильтра от руки, затем доворачивать ключом на четверть оборота.",
    "Открыть запорный клапан и включить питание колонки в щите операторной.",
    "Прокачать колонку пробным отпуском 10 литров в мерник второго разряда.",
    "Проверить отсутствие подтёков на корпусе фильтра в течение 5 минут.",
    "Записать замену в журнал технического обслуживания с номером нового фильтра.",
]
FILTER = ("# Регламент ТО-14 замены фильтра тонкой очистки ТРК\n\n"
          "Регламент ТО-14 сети «Алтын Жол». Выполняет техник по обслуживанию ТРК.\n\n"
          "## Порядок замены фильтра\n\nФильтр тонкой очистки меняют по следующим шагам:\n\n"
          + "\n".join(f"{n}. {step}" for n, step in enumerate(FILTER_STEPS, start=1))
          + "\n\n## Запреты при замене фильтра\n\nВо время замены фильтра запрещается:\n\n"
          "- пользоваться стальными ключами без омеднения;\n"
          "- сливать остатки топлива в ливневую канализацию;\n"
          "- включать колонку до проверки уплотнения.\n")

GAS_ALARM = """ДЕЙСТВИЯ ПРИ СРАБАТЫВАНИИ ДАТЧИКА ЗАГАЗОВАННОСТИ

Инструкция ПБ-22 сети «Алтын Жол» для операторов АГЗС.

1. Порог 1 (сигнал «Внимание»)

1) Прекратить заправку автомобилей газом.
2) Проверить показания датчика загазованности на пульте в операторной.
3) Открыть двери операторной для проветривания.

2. Порог 2 (сигнал «Авария»)

1) Нажать кнопку аварийного отключения газового оборудования.
2) Вывести клиентов и автомобили за пределы АГЗС.
3) Позвонить в аварийную газовую службу 104.
4) Сообщить инженеру по газовому оборудованию.

3. Запреты

При загазованности не допускается:
- включать освещение и электроприборы в операторной;
- возобновлять заправку до письменного разрешения инженера.
"""

REFUND_STEPS = ["Распечатать контрольную ленту терминала за смену и найти обе операции.",
                "Позвонить в банк-эквайер по телефону 7700 и назвать номер терминала.",
                "Оформить возврат второй операции через меню «Отмена» по коду авторизации."]
REFUND_PDF = [["Двойное списание по банковской карте", "",
               "Если терминал списал оплату с карты клиента дважды, оператор действует так:",
               *[f"{n}. {step}" for n, step in enumerate(REFUND_STEPS, start=1)],
               "Деньги возвращаются на карту клиента в течение 3 рабочих дней."]]

LPG = """# Приём сжиженного газа из газовоза

Регламент ГЗ-03 сети «Алтын Жол».

## 1. Подготовка
1.1. Газовоз ставят на площадку слива и глушат двигатель.
1.2. Подключают заземление газовоза до присоединения рукавов.

## 2. Слив
2.1. Присоединяют жидкостный и паровой рукава к узлу слива.
2.2. Открывают краны газовоза, затем краны резервуара.
2.3. Во время слива оператор не отходит от узла слива.

## 3. Завершение
3.1. Закрывают краны резервуара, затем краны газовоза.
3.2. Отсоединяют рукава и только после этого отключают заземление.
"""
LPG_CLAUSES = ["Газовоз ставят", "Подключают заземление", "Присоединяют жидкостный", "Открывают краны газовоза",
               "не отходит от узла", "Закрывают краны резервуара", "только после этого отключают заземление"]

CAFE = """# Продукция кафе: сроки и списание

Стандарт КФ-07 сети «Алтын Жол».

## Сроки реализации

| Продукт | Срок после приготовления | Что делать по истечении |
|---|---|---|
| Шаурма куриная | 3 часа | Списать по акту КФ-52 |
| Кофе в термосе | 1 час | Вылить, термос промыть |

## Списание продукции

Просроченную продукцию списывают так:

1. Убрать продукцию с витрины в отдельный ящик с пометкой «Брак».
2. Заполнить акт КФ-52: наименование, количество, причина.
3. Подписать акт у старшего смены.
4. Провести списание в учётной программе до конца смены.
"""
CAFE_STEPS = ["Убрать продукцию с витрины", "Заполнить акт КФ-52", "Подписать акт у старшего смены",
              "Провести списание в учётной программе"]


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    yield from lexical_base(tmp_path_factory, "procedures", {
        "uploads/to14_filtr.md": FILTER, "uploads/pb22_zagazovannost.txt": GAS_ALARM,
        "uploads/dvoinoe_spisanie.pdf": make_pdf(REFUND_PDF), "uploads/gz03_gazovoz.md": LPG,
        "uploads/kf07_kafe.md": CAFE})


def numbered_steps(markdown: str) -> list[str]:
    """The items of the answer's numbered Markdown list(s), in order."""
    return [m.group(1) for m in re.finditer(r"(?m)^\d{1,2}\. (.+?)(?: \[\d+(?:–\d+)?\])?$", markdown)]


def in_order(needles: list[str], text: str) -> bool:
    at = 0
    for needle in needles:
        at = text.find(needle, at)
        if at < 0:
            return False
        at += len(needle)
    return True


@pytest.mark.parametrize("question", [
    "как заменить фильтр тонкой очистки на колонке по шагам",
    "как прокачать колонку после замены фильтра тонкой очистки?",  # names step 11 only: the answer is all 13
])
def test_a_procedure_cut_into_two_passages_is_quoted_whole(svc: Services, question: str) -> None:
    answer = svc.assistant.ask(question, SYSTEM)
    assert not answer.abstained, answer.answer
    steps = numbered_steps(answer.answer)
    assert len(steps) == len(FILTER_STEPS), answer.answer
    for quoted, step in zip(steps, FILTER_STEPS, strict=True):
        assert to_plain(quoted) == step.rstrip(".") + "." or to_plain(quoted).startswith(step[:40]), (quoted, step)
    assert "**Фильтр тонкой очистки меняют по следующим шагам:**" in answer.answer  # the lead-in, in bold
    # the steps cite every passage they came from («[1–2]»), and each of those passages holds quoted steps
    marks = re.search(r"\[(\d+)–(\d+)\]", answer.answer.split("13. ", 1)[1].split("\n", 1)[0])
    assert marks is not None, answer.answer
    first, last = int(marks.group(1)), int(marks.group(2))
    with svc.db.session() as s:
        from azs_assistant.storage.models import Chunk

        cited = [s.get(Chunk, c.chunk_id) for c in answer.citations[first - 1:last]]
        texts = [c.text for c in cited if c is not None and c.document.source.endswith("to14_filtr.md")]
    assert len(texts) == 2, "the list spans two passages of the regulation: both are cited"
    assert FILTER_STEPS[0][:30] in texts[0] and FILTER_STEPS[-1][:30] in texts[-1]


def test_only_the_asked_section_of_a_multi_procedure_instruction_is_quoted_with_every_step(svc: Services) -> None:
    answer = svc.assistant.ask("датчик загазованности, сработал порог 2 сигнал авария: что делать?", SYSTEM)
    assert not answer.abstained, answer.answer
    expected = ["Нажать кнопку аварийного отключения", "Вывести клиентов", "Позвонить в аварийную газовую службу 104",
                "Сообщить инженеру"]
    assert in_order(expected, answer.answer), answer.answer
    assert len(numbered_steps(answer.answer)) == 4, answer.answer
    assert answer.citations[0].source.endswith("pb22_zagazovannost.txt")
    assert "Порог 2" in answer.answer  # the section's heading says which procedure this is


def test_a_three_step_procedure_in_a_pdf_keeps_its_middle_step(svc: Services) -> None:
    answer = svc.assistant.ask("клиенту дважды списали оплату по карте, что делать?", SYSTEM)
    assert not answer.abstained, answer.answer
    assert [to_plain(s)[:30] for s in numbered_steps(answer.answer)] == [s[:30] for s in REFUND_STEPS], answer.answer
    assert "7700" in answer.answer  # step 2, calling the bank, is not dropped
    assert answer.citations[0].source.endswith("dvoinoe_spisanie.pdf")


def test_a_regulation_of_numbered_clauses_is_quoted_whole_when_its_steps_are_asked_for(svc: Services) -> None:
    answer = svc.assistant.ask("порядок приёма сжиженного газа из газовоза по шагам", SYSTEM)
    assert not answer.abstained, answer.answer
    assert in_order(LPG_CLAUSES, answer.answer), answer.answer
    assert len(numbered_steps(answer.answer)) == len(LPG_CLAUSES)
    assert in_order(["**Подготовка**", "**Слив**", "**Завершение**"], answer.answer)  # each part under its heading
    assert answer.answer.startswith("**Подготовка**")  # the preamble that led to it is not quoted apart
    assert [c.section for c in answer.citations] == ["1. Подготовка", "2. Слив", "3. Завершение"]


def test_a_question_about_one_part_of_a_clause_regulation_gets_that_part_whole(svc: Services) -> None:
    answer = svc.assistant.ask("порядок слива сжиженного газа из газовоза по шагам", SYSTEM)
    assert not answer.abstained, answer.answer
    assert answer.answer.startswith("**Слив**"), answer.answer
    assert in_order(LPG_CLAUSES[2:5], answer.answer) and len(numbered_steps(answer.answer)) == 3


@pytest.mark.parametrize(("question", "lead_in", "item"), [
    ("можно сливать остатки топлива в ливневую канализацию при замене фильтра?",
     "**Во время замены фильтра запрещается:**", "сливать остатки топлива в ливневую канализацию"),
    ("при загазованности можно включать освещение в операторной?",
     "**При загазованности не допускается:**", "включать освещение и электроприборы"),
])
def test_a_prohibition_keeps_its_lead_in_in_bold_before_the_item(svc: Services, question: str, lead_in: str,
                                                                  item: str) -> None:
    answer = svc.assistant.ask(question, SYSTEM)
    assert not answer.abstained, answer.answer
    assert lead_in in answer.answer and item in answer.answer, answer.answer
    assert answer.answer.index(lead_in) < answer.answer.index(item)
    plain = answer.text
    assert "**" not in plain and lead_in.strip("*") in plain  # the plain form reads the same without markup


def test_quoted_document_text_cannot_inject_markup(tmp_path: Path) -> None:
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        doc = ("# Памятка по кассе\n\n## Скидки\n\nСкидка по карте *Алтын* составляет 5 % "
               "[ссылка](http://evil.example) и <b>не суммируется</b> с акциями.\n")
        services.ingestor.ingest_bytes(doc.encode(), "uploads/kassa.md")
        answer = services.assistant.ask("какая скидка по карте Алтын?", SYSTEM)
        assert not answer.abstained, answer.answer
        assert "*Алтын*" in answer.text and "<b>не суммируется</b>" in answer.text, answer.text  # read as text
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark", {"html": False}).render(answer.answer)
        assert "<a " not in html and "<em>" not in html and "<b>" not in html, html
    finally:
        services.close()


def test_steps_asked_of_a_table_row_come_with_the_documents_list_of_steps(svc: Services) -> None:
    """«…по шагам» answered by a table row («Шаурма: списать по акту КФ-52») gets the same document's steps
    after the row: the row says what, the list how."""
    answer = svc.assistant.ask("как списать просроченную шаурму по шагам", SYSTEM)
    assert not answer.abstained, answer.answer
    assert "Шаурма куриная" in answer.answer and answer.answer.index("Шаурма") < answer.answer.index("Убрать")
    assert in_order(CAFE_STEPS, answer.answer), answer.answer
    without = svc.assistant.ask("какой срок реализации у шаурмы?", SYSTEM)  # no steps asked: the row alone
    assert "3 часа" in without.answer and "Подписать акт" not in without.answer, without.answer


GAS_PDF = [[
    "Инструкция по отпуску сжиженного газа на АГЗС Инструкция СГ-05 ТОО «Алтын Жол», редакция 3 от 12.03.2026. "
    "Действует на всех АГЗС и газовых модулях сети.",
    "1. Общие положения",
    "1.1. Отпуск сжиженного газа (СУГ, пропан-бутан) на АГЗС выполняет только обученный оператор с удостоверением. "
    "Клиент сам газ не заправляет.",
    "1.2. Зимой (с 15 октября по 15 апреля) отпускается смесь СПБТ, летом — смесь ПБА.",
    "2. Осмотр перед сменой",
    "1. Осмотреть газовую колонку, рукав и пистолет на отсутствие трещин.",
    "2. Проверить манометр резервуара СУГ: давление не выше 1,6 МПа.",
    "3. Проверить соединения мыльным раствором.",
    "4. Проверить уровень в резервуаре СУГ: не выше 85%.",
    "5. Записать результаты в журнал осмотра АГЗС.",
    "3. Порядок заправки автомобиля",
    "1. Попросить водителя заглушить двигатель и высадить пассажиров.",
    "2. Убедиться, что люди отошли от автомобиля не менее чем на 5 метров.",
    "3. Проверить баллон автомобиля и срок его освидетельствования.",
    "4. Подсоединить пистолет к заправочному устройству автомобиля.",
    "5. Заправлять баллон не более чем на 80% объёма.",
    "6. Отсоединить пистолет, проверить отсутствие утечки и разрешить запуск двигателя.",
    "4. Заправка запрещается",
    "- Если срок освидетельствования баллона истёк.",
    "- Во время грозы и слива СУГ из газовоза.",
    "5. Утечка газа",
    "1. Нажать аварийную кнопку и перекрыть клапан на резервуаре СУГ.",
    "2. Вывести людей с наветренной стороны.",
]]


def test_a_list_stands_when_the_better_matching_passage_holds_no_step_that_answers(tmp_path: Path) -> None:
    """The refuelling steps' passage gives way to the opening passage, which matches better by the document's
    title; but the title is no step, so no list comes of it. The refuelling steps must stand (the prohibitions
    «Заправка запрещается» were quoted for «как заправить автомобиль газом»)."""
    from azs_assistant.assistant.extract import Extractor

    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        assert services.ingestor.ingest_bytes(make_pdf(GAS_PDF), "uploads/sg05_agzs.pdf").status == "added"
        assistant = services.assistant
        query, evidence = assistant.retrieve("Как заправить автомобиль газом на АГЗС?")
        refuelling = next(e for e in evidence if "Подсоединить пистолет" in e.chunk.text)
        assert "заглушить" not in refuelling.chunk.text  # the list starts in the passage before: gathered back
        extractor = Extractor(assistant.analyzer, assistant.index.idf)
        whole = assistant._procedure(query, refuelling, extractor.score(refuelling.chunk, query, False), extractor)
        assert whole is not None
        assert in_order(["заглушить двигатель", "5 метров", "Подсоединить пистолет", "80%"], whole.markdown), \
            whole.markdown
        assert "грозы" not in whole.markdown and "Утечка" not in whole.markdown, whole.markdown
    finally:
        services.close()


def test_a_title_over_steps_and_a_step_are_told_apart() -> None:
    """For «как замерить плотность ареометром по шагам» the lead whose best line titles a list of steps
    («3. Измерение плотности ареометром») is not given up for a passage whose best line is one step of another
    procedure naming the same words («7. Отобрать пробу и замерить плотность ареометром»)."""
    from azs_assistant.assistant.answer import _is_step, _titles_steps
    from azs_assistant.assistant.extract import ScoredPassage
    from azs_assistant.documents.chunking import units_of
    from azs_assistant.storage.models import Chunk

    def scored(text: str, best: str) -> ScoredPassage:
        chunk = Chunk(text=text, section="", kind="text", ordinal=1)
        units = units_of(chunk)
        return ScoredPassage(chunk, units, [2.0 if best in u else 1.0 for u in units])

    titled = scored("Расхождение не более 3 кг/м3.\n3. Измерение плотности ареометром\n1. Отобрать пробу.\n"
                    "2. Опустить ареометр.", "Измерение плотности")
    step = scored("6. Проверить пломбы.\n7. Отобрать пробу и замерить плотность ареометром.\n8. Начать слив.",
                  "замерить плотность")
    assert _titles_steps(titled) and not _is_step(titled)
    assert _is_step(step) and not _titles_steps(step)
    plain = scored("Плотность измеряют ареометром. Пробу берут из нижнего слоя.", "измеряют")
    assert not _titles_steps(plain) and not _is_step(plain)
    # a sentence after the steps that holds a short heading's words is not the heading
    after = scored("Плотность\n1. Отобрать пробу.\n2. Опустить ареометр.\n"
                   "Плотность топлива проверяют ареометром при каждом приёме.", "при каждом приёме")
    assert not _titles_steps(after) and not _is_step(after)


SPILLS = """# Действия при проливе топлива

Инструкция ПР-03 сети «Алтын Жол».

## Небольшой пролив (до 1 литра)

- Остановить заправку.
- Засыпать пятно песком.
- Записать в журнал смены.

## Средний пролив (от 1 до 20 литров)

- Остановить колонки на островке.
- Оградить место пролива конусами.
- Сообщить менеджеру о проливе.
"""


def test_a_list_under_a_heading_that_names_the_question_is_not_given_up_for_a_list_matching_by_its_items(
        tmp_path: Path) -> None:
    """«мелкий пролив до литра, что делать по шагам»: the middle spill's steps say «пролив» in their items and
    may outscore the small spill's steps («Остановить заправку») by far; its heading names the question no
    better than «Небольшой пролив (до 1 литра)», so the small spill's list stands."""
    from azs_assistant.assistant.extract import Extractor, ScoredPassage

    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(SPILLS.encode(), "uploads/pr03.md")
        assistant = services.assistant
        query, evidence = assistant.retrieve("небольшой пролив до литра, что делать по шагам")
        small = next(e for e in evidence if "Остановить заправку" in e.chunk.text)

        class ItemsOutscore(Extractor):  # the middle spill's items match three times better than the small one's
            def score(self, chunk, query, numeric, yes_no=False, heading_counts=True):  # type: ignore[no-untyped-def]
                sp = super().score(chunk, query, numeric, yes_no, heading_counts)
                weight = 3.0 if "Средний" in chunk.section else 1.0
                return ScoredPassage(chunk, sp.units, [weight for _ in sp.units])

        extractor = ItemsOutscore(assistant.analyzer, assistant.index.idf)
        whole = assistant._procedure(query, small, extractor.score(small.chunk, query, False), extractor)
        assert whole is not None and "Остановить заправку" in whole.markdown, whole
        assert "конусами" not in whole.markdown, whole.markdown
    finally:
        services.close()


CHECKLIST = """# Порядок передачи смены

Положение ПС-02 сети «Алтын Жол».

## 1. График

Смены по 12 часов.

## 2. Что проверяется при передаче

### 2.1. Топливо

- Снимаются показания счётчиков каждой колонки.
- Выполняется замер каждого резервуара.

### 2.2. Касса

- Пересчитываются наличные в присутствии сменщика.
- Снимается X-отчёт.

### 2.3. Оборудование

- Проверяются огнетушители и аварийная кнопка.
- Неисправности записываются в журнал.
"""


def test_a_section_of_subsections_asked_in_order_is_quoted_as_one_checklist(tmp_path: Path) -> None:
    """«что проверяется при передаче смены по порядку» asks for the whole «2. Что проверяется при передаче», not the
    subsection retrieved first: every subsection's items, in the document's order, under their headings."""
    from azs_assistant.assistant.extract import asks_for_steps, is_procedural

    assert is_procedural("что проверяется при передаче смены по порядку") and asks_for_steps("то же по пунктам")
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(CHECKLIST.encode(), "uploads/ps02.md")
        answer = services.assistant.ask("что проверяется при передаче смены по порядку", SYSTEM)
        assert not answer.abstained, answer.answer
        assert in_order(["**Топливо**", "счётчиков", "замер", "**Касса**", "наличные", "X-отчёт", "**Оборудование**",
                         "огнетушители", "журнал"], answer.answer), answer.answer
        assert len(numbered_steps(answer.answer)) == 6, answer.answer
    finally:
        services.close()


def test_what_to_do_is_answered_by_the_steps_not_by_the_prohibitions_sharing_their_passage() -> None:
    """A PDF read «4. Заправка запрещается» as the section and «5. Утечка газа» as a line inside it: «запахло газом,
    что делать» matched the prohibition «…следы утечки» best, and its list was quoted. The best unit for steps is
    the best that forbids nothing, and the title line over the steps, not the section, heads them."""
    from azs_assistant.assistant.answer import _best_unit
    from azs_assistant.assistant.extract import ScoredPassage
    from azs_assistant.assistant.procedure import procedure_of
    from azs_assistant.documents.chunking import units_of
    from azs_assistant.storage.models import Chunk

    chunk = Chunk(id=1, text="— Если на баллоне есть следы утечки газа.\n— Во время грозы.\n5. Утечка газа\n"
                  "1. Нажать аварийную кнопку.\n2. Вывести людей с наветренной стороны.\n3. Позвонить 104.",
                  section="Инструкция › 4. Заправка запрещается", kind="steps", ordinal=2)
    units = units_of(chunk)
    sp = ScoredPassage(chunk, units, [5.0 if "утечки газа" in u else 4.0 if "Утечка газа" in u else 1.0 for u in units])
    assert _best_unit(sp) == "Если на баллоне есть следы утечки газа."
    best = _best_unit(sp, skip_rules=True)
    assert best == "5. Утечка газа"
    whole = procedure_of(chunk, "Инструкция", lambda: [chunk], {}, lambda text: text.lower().split(), best)
    assert whole is not None and whole.markdown.startswith("**Утечка газа**"), whole
    assert "запрещается" not in whole.markdown and "грозы" not in whole.markdown, whole.markdown
    assert "Нажать аварийную кнопку" in whole.markdown and "104" in whole.markdown


@pytest.mark.parametrize(("lead_in", "forbids"), [
    ("Что оператору делать нельзя", True), ("На территории АЗС запрещается:", True), ("Не допускается:", True),
    ("Действия при срабатывании запрещающего сигнала", False),  # steps about a prohibiting signal
    ("Чтобы не допускать перелива, выполните:", False),
    ("Порядок действий при обнаружении запрещённых предметов", False),
])
def test_a_list_is_bulleted_as_prohibitions_only_under_the_rule_s_own_words(lead_in: str, forbids: bool) -> None:
    from azs_assistant.assistant.procedure import prohibits

    assert prohibits(lead_in) is forbids


def test_a_table_cell_of_several_paragraphs_stays_one_list_item() -> None:
    from azs_assistant.assistant.extract import table_row
    from azs_assistant.http.markdown import to_html
    from azs_assistant.storage.models import Chunk

    cells = ["E05", "Остановить.\n\nВызвать сервис", "—"]
    row = Chunk(kind="table_row", text="Код: E05; Действие: Остановить.\n\nВызвать сервис", section="",
                meta={"header": ["Код", "Действие", "Примечание"], "cells": cells})
    html = to_html(table_row(row, asked=1))
    assert "<li><strong>Действие: Остановить. Вызвать сервис</strong></li>" in html and "**" not in html


SHIFT_RULES = """# Приём смены

## Если сменщик не пришёл

Уходящий оператор остаётся на АЗС и звонит менеджеру АЗС. Закрывать АЗС из-за неявки сменщика без решения
управляющего запрещено.
"""
SITE_RULES = """# Пожарная безопасность на АЗС

## На территории АЗС

На территории АЗС запрещается:

- курить и пользоваться открытым огнём;
- заправлять автомобиль с работающим двигателем;
- ремонтировать автомобили.
"""


@pytest.mark.parametrize("question", ["что запрещено делать на азс", "что на азс запрещают"])
def test_a_prohibition_asked_in_another_form_of_its_verb_finds_the_rule(tmp_path: Path, question: str) -> None:
    """«запрещено» (запретить) and «запрещают» (запрещать) ask for the rule that says «запрещается» (запрещаться):
    one family, not three words; before, a passage saying «запрещено» in passing came first."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        for name, text in (("uploads/smena.md", SHIFT_RULES), ("uploads/pb.md", SITE_RULES)):
            assert services.ingestor.ingest_bytes(text.encode(), name).status == "added"
        answer = services.assistant.ask(question, SYSTEM)
        assert not answer.abstained, answer.answer
        assert answer.answer.startswith("**На территории АЗС запрещается:**"), answer.answer
        assert "курить" in answer.answer.lower() and "ремонтировать" in answer.answer, answer.answer
    finally:
        services.close()


GAS_SECTIONS = """# Заправка автомобилей газом (ГЗ-07)

Инструкция ГЗ-07 сети «Алтын Жол».

## Заправка

- Заправку газом выполняет только оператор АГЗС; клиент сам газ не заправляет.
- Баллон заполняют не более чем на 80% объёма.
- Во время заправки оператор не отходит от колонки.

## Утечка газа

Если почувствовался запах газа или слышно шипение, оператор немедленно нажимает аварийную кнопку, перекрывает \
подачу газа и выводит людей. Вызывается служба 112.
"""


@pytest.mark.parametrize("document", [GAS_SECTIONS, GAS_SECTIONS.split("\n", 2)[2]], ids=["titled", "no title"])
def test_a_paragraph_under_the_heading_asked_is_not_given_up_for_another_section_s_list(tmp_path: Path,
                                                                                        document: str) -> None:
    """«утечка газа, что делать»: the leak's section is one paragraph, the document's only list is the
    refuelling's. The list used to replace the paragraph because a procedure was asked, and the answer to a gas
    leak was how to refuel. A heading that names the question better than the list's keeps its passage, in a
    document with a title over its sections or without one."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(document.encode(), "uploads/gz07.md")
        answer = services.assistant.ask("утечка газа на агзс, что делать")
        assert "аварийную кнопку" in answer.answer and "112" in answer.answer, answer.answer
        assert "80%" not in answer.answer, answer.answer
    finally:
        services.close()


DENSITY = """# Контроль качества топлива КК-02

Методическое указание КК-02 сети «Алтын Жол». Ответственный — лаборант.

## 3. Измерение плотности ареометром

1. Отобрать пробу пробоотборником из нижнего слоя.
2. Налить пробу в стеклянный цилиндр объёмом 500 мл.
3. Опустить ареометр и дождаться, когда он перестанет колебаться.
4. Снять показание по верхнему краю мениска.
"""
RECEIVING = """# Приём топлива из автоцистерны ПТ-01

Регламент ПТ-01 сети «Алтын Жол».

## Порядок приёма по шагам

1. Встретить автоцистерну и указать место слива.
2. Подключить заземление автоцистерны.
3. Отобрать пробу и замерить плотность и температуру топлива ареометром и термометром.
4. Замерить уровень в резервуаре до слива.
5. Начать слив и следить за уровнем.
"""


def test_steps_under_the_heading_asked_are_not_outdone_by_one_step_of_another_procedure(tmp_path: Path) -> None:
    """«как замерить плотность ареометром по шагам»: a step of the receiving procedure names «замерить
    плотность ареометром» word for word, the density procedure only under its heading (a PDF's heading is the
    passage's section, not a line of it). Where retrieval put the density steps first, the receiving procedure's
    better sentence took the lead: the steps titled as asked must stand."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(DENSITY.encode(), "uploads/kk02.md")
        services.ingestor.ingest_bytes(RECEIVING.encode(), "uploads/pt01.md")
        assistant = services.assistant
        question = "как замерить плотность ареометром по шагам"
        query, evidence = assistant.retrieve(question)
        density = next(e for e in evidence if "мениска" in e.chunk.text)
        receiving = next(e for e in evidence if "заземление" in e.chunk.text)
        assert receiving.hit.score >= density.hit.score  # the receiving step matches better, word for word
        # retrieval as the dense model ranks them: the density steps first, the receiving steps at 0.8 of their score
        density.hit = dataclasses.replace(density.hit, score=receiving.hit.score / 0.8)
        quotes, _ = assistant._passages(question, query, [density, receiving], None)
        assert quotes and "мениска" in quotes[0][0] and "заземление" not in quotes[0][0], quotes
    finally:
        services.close()


GAS_SUBSECTION = GAS_SECTIONS.split("## Утечка газа")[0] + """## Утечка газа

При утечке газа на АГЗС оператор действует по порядку, указанному ниже, и не покидает пост до прибытия службы.

### Порядок действий

1. При утечке газа на АГЗС нажать аварийную кнопку.
2. Перекрыть отсечной клапан подачи газа.
3. Вывести людей с наветренной стороны.
4. Позвонить 112 и в газовую службу 104.
"""


def test_steps_in_a_subsection_of_the_heading_asked_go_on_with_its_lead_in(tmp_path: Path) -> None:
    """(A review's case) the leak's lead-in says «по порядку, указанному ниже» and its steps stand in a subsection
    «Порядок действий», whose heading names nothing of the question: they are the steps asked, not another
    section's list to keep out."""
    services = Services(make_settings(tmp_path, embeddings="none"))
    try:
        services.ingestor.ingest_bytes(GAS_SUBSECTION.encode(), "uploads/gz07.md")
        answer = services.assistant.ask("утечка газа на агзс, что делать")
        assert in_order(["аварийную кнопку", "отсечной клапан", "наветренной", "104"], answer.answer), answer.answer
        assert "80%" not in answer.answer, answer.answer
    finally:
        services.close()
