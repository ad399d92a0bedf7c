"""The answer's Markdown: quoted document text is escaped so it reads back unchanged, and one walk of
the tree gives the plain text and Telegram's HTML with the same lists and emphasis."""

from __future__ import annotations

import pytest

from azs_assistant.assistant.markdown import bold, escape, to_plain
from azs_assistant.telegram.format import to_html
from tests.telegram.bot_api import html_problem

TRICKY = [
    "1. Пункт из документа, начатый номером",
    "4) Позвонить 112",
    "- дефис в начале строки",
    "# не заголовок",
    "> не цитата",
    "Скидка *Алтын* и _Береке_ по `коду`",
    "Ссылка [сюда](http://evil.example) и <b>тег</b> & амперсанд",
    "Путь C:\\temp\\*.txt | столбец | ~зачёркнуто~",
    "АИ-92: 216; ДТ: 250",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_document_text_reads_back_unchanged(text: str) -> None:
    assert to_plain(escape(text)) == text
    assert to_plain(bold(text)) == text


@pytest.mark.parametrize("text", TRICKY)
def test_escaped_text_is_valid_telegram_html_without_markup(text: str) -> None:
    html = to_html(escape(text))
    assert html_problem(html) is None, html
    assert "<a " not in html and "<i>" not in html and "<b>" not in html


def test_lists_and_bold_lead_ins_in_plain_text_and_telegram_html() -> None:
    markdown = ("**На территории АЗС запрещается:**\n\n- курить;\n- мыть автомобили. [1]\n\n"
                "**Порядок:**\n\n1. Остановить отпуск.\n2. Позвонить 112. [2–3]")
    assert to_plain(markdown) == ("На территории АЗС запрещается:\n\n— курить;\n— мыть автомобили. [1]\n\n"
                                  "Порядок:\n\n1. Остановить отпуск.\n2. Позвонить 112. [2–3]")
    html = to_html(markdown)
    assert html.startswith("<b>На территории АЗС запрещается:</b>\n\n• курить;\n• мыть автомобили. [1]")
    assert "1. Остановить отпуск.\n2. Позвонить 112. [2–3]" in html and html_problem(html) is None


def test_a_list_that_numbers_on_keeps_its_numbers() -> None:
    markdown = "**Подготовка**\n\n1. Первый.\n2. Второй.\n\n**Слив**\n\n3. Третий.\n4. Четвёртый."
    assert to_plain(markdown).splitlines()[-2:] == ["3. Третий.", "4. Четвёртый."]
