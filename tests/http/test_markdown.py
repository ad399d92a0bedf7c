"""Answer Markdown becomes HTML that keeps its meaning (steps, bold lead-ins, tables) and cannot carry
markup or script of its own into the page."""

from __future__ import annotations

from azs_assistant.http.markdown import to_html


def test_steps_bold_lead_ins_and_tables_keep_their_structure() -> None:
    html = to_html("**Важно.** Остановите отпуск.\n\n1. Закройте клапан.\n2. Вызовите мастера.\n\n"
                   "| Купюра | Количество |\n|---|---|\n| 1000 | 20 |\n")
    assert "<strong>Важно.</strong>" in html
    assert "<ol>\n<li>Закройте клапан.</li>\n<li>Вызовите мастера.</li>\n</ol>" in html
    assert '<div class="table-wrap" tabindex="0"><table>' in html  # focusable: it scrolls on a phone
    assert "<th>Купюра</th>" in html and "<td>20</td>" in html
    assert to_html("строка\nвторая") == "<p>строка<br />\nвторая</p>\n"  # a line break in an answer is kept


def test_html_and_script_links_from_a_hostile_document_stay_text() -> None:
    html = to_html('<script>alert(1)</script> <img src=x onerror="alert(2)"> [жми](javascript:alert(3)) '
                   "[данные](data:text/html;base64,PHNjcmlwdD4=) ![пиксель](https://tracker.example/p.png)")
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert 'href="javascript:' not in html and 'href="data:' not in html
    assert "<a" in html and 'rel="noopener noreferrer"' in html  # the image is only a link, opened apart


def test_own_links_stay_in_the_tab_and_protocol_relative_ones_do_not() -> None:
    assert to_html("[фрагмент](/passages/3)") == '<p><a href="/passages/3">фрагмент</a></p>\n'
    assert 'target="_blank"' in to_html("[чужой](//evil.example/x)")
