"""A procedure quoted whole: every step of the list the answering passage belongs to, in order.

Chunking cuts a long list of steps into several passages (a citation names one page and a screenful),
so the passage that answers may hold steps 9-14 only. The steps are gathered back from the passages of
the same section that come before and after it, with the sentence that leads into them, and written
as one numbered Markdown list under the section's heading. A regulation written as numbered clauses
(«2.1.», «2.2.» … under «2. Подготовка», «3. Проверка») is one procedure across its sections when the
question asks for the steps of the document's subject («бензовоз приехал, что делать по шагам?»):
then every clause section is quoted, each under its heading, numbered on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from azs_assistant.assistant.markdown import bold, escape
from azs_assistant.storage.models import Chunk

__all__ = ["Procedure", "asks_for_steps", "procedure_of"]

WHOLE_DOCUMENT_BUDGET = 3500  # characters: a regulation's clauses fit a Telegram message (4096)
_STEPS_REQUEST = re.compile(r"по\s+шагам|пошагов\w*|порядок|алгоритм\w*|последовательност\w*|каки\w+\s+шаг\w*|"
                            r"все\s+шаги|что\s+делать|что\s+делаю|что\s+нужно\s+сделать|действи[яй]\b",
                            re.IGNORECASE)
_CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")  # «2.1. Автоцистерну ставят…»
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")  # «3) Позвонить 112» as a paragraph (PDF, TXT)
_HEADING_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+")


def asks_for_steps(question: str) -> bool:
    """«по шагам», «порядок», «что делать»: the whole procedure is wanted, not one of its facts."""
    return bool(_STEPS_REQUEST.search(question))


@dataclass(slots=True)
class Line:
    text: str
    step: str  # "item" (a list item or «3)»), "clause" («2.1.»), "" (a sentence or paragraph)
    chunk: Chunk


@dataclass
class Procedure:
    markdown: str
    chunks: list[Chunk] = field(default_factory=list)  # every passage a quoted step came from, in order


def lines_of(chunk: Chunk) -> list[Line]:
    out = []
    for raw in chunk.text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("— "):
            numbered = _NUMBERED.match(line[2:])
            out.append(Line(numbered.group(2) if numbered else line[2:], "item", chunk))
        elif clause := _CLAUSE.match(line):
            out.append(Line(clause.group(2), "clause", chunk))
        elif numbered := _NUMBERED.match(line):
            out.append(Line(numbered.group(2), "item", chunk))
        else:
            out.append(Line(line, "", chunk))
    return out


def procedure_of(chunk: Chunk, title: str, document: Callable[[], list[Chunk]], query_lemmas: set[str],
                 lemmas: Callable[[str], list[str]], whole_request: bool) -> Procedure | None:
    """The whole list of steps the passage belongs to, or None when the passage holds no steps."""
    if chunk.kind == "table_row" or not any(line.step for line in lines_of(chunk)):
        return None
    chunks = document()
    if whole_request and _is_clause_regulation(chunk) and _about_the_document(chunk, title, query_lemmas, lemmas):
        whole = _whole_document(chunks, title)
        if whole is not None and len(whole.markdown) <= WHOLE_DOCUMENT_BUDGET:
            return whole
    section = [c for c in chunks if c.section == chunk.section and c.kind != "table_row"] or [chunk]
    lines = [line for c in section for line in lines_of(c)]
    run = _run_around(lines, chunk)
    if run is None or run[1] - run[0] < 2:
        return None
    start, end = run
    intro = lines[start - 1] if start > 0 and not lines[start - 1].step else None
    after = [ln for ln in lines[end:end + 2] if not ln.step]  # what the section says after the steps
    heading = _heading(chunk.section, title)
    parts = [bold(heading)] if heading else []
    if intro is not None:
        parts.append(bold(intro.text) if len(intro.text) <= 200 else escape(intro.text))
    parts.append(_numbered([ln.text for ln in lines[start:end]]))
    parts.extend(escape(ln.text) for ln in after[:1] if len(ln.text) <= 400)
    used = [ln.chunk for ln in ([intro] if intro else []) + lines[start:end] + after[:1]]
    return Procedure("\n\n".join(p for p in parts if p), _unique(used))


def _run_around(lines: list[Line], chunk: Chunk) -> tuple[int, int] | None:
    """[start, end) of the contiguous steps that include the passage's first step."""
    first = next((i for i, ln in enumerate(lines) if ln.chunk.id == chunk.id and ln.step), None)
    if first is None:
        return None
    kind = lines[first].step
    start = first
    while start > 0 and lines[start - 1].step == kind:
        start -= 1
    end = first
    while end < len(lines) and lines[end].step == kind:
        end += 1
    return start, end


def _is_clause_regulation(chunk: Chunk) -> bool:
    return any(line.step == "clause" for line in lines_of(chunk))


def _about_the_document(chunk: Chunk, title: str, query_lemmas: set[str], lemmas: Callable[[str], list[str]]) -> bool:
    """The question names the document's subject (its title) at least as much as this section's."""
    on_title = len(query_lemmas & set(lemmas(title)))
    on_heading = len(query_lemmas & (set(lemmas(_heading(chunk.section, title))) - set(lemmas(title))))
    return on_title > 0 and on_title >= on_heading


def _whole_document(chunks: list[Chunk], title: str) -> Procedure | None:
    """Every clause section of the document, in order, each under its heading, numbered on."""
    parts: list[str] = []
    used: list[Chunk] = []
    number = 1
    by_section: dict[str, list[Line]] = {}
    for c in chunks:
        if c.kind != "table_row":
            by_section.setdefault(c.section, []).extend(lines_of(c))
    for section, lines in by_section.items():
        steps = [ln for ln in lines if ln.step]
        if not steps:
            continue
        if _heading(section, title):
            parts.append(bold(_heading(section, title)))
        parts.append(_numbered([ln.text for ln in steps], number))
        number += len(steps)
        used.extend(ln.chunk for ln in steps)
    if len(by_section) < 2 or number <= 3:
        return None
    return Procedure("\n\n".join(parts), _unique(used))


def _numbered(steps: list[str], start: int = 1) -> str:
    return "\n".join(f"{n}. {escape(step)}" for n, step in enumerate(steps, start=start))


def _heading(section: str, title: str) -> str:
    """The section's own heading without its number («3. Проверка документов» → «Проверка документов»),
    or nothing where the passage sits under the document's title itself."""
    last = section.rsplit(" › ", 1)[-1].strip() if section else ""
    if not last or last.lower() == title.strip().lower():
        return ""
    return _HEADING_NUMBER.sub("", last).strip()


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    out: list[Chunk] = []
    for c in chunks:
        if all(o.id != c.id for o in out):
            out.append(c)
    return out
