"""A procedure quoted whole: every step of the list the answering passage belongs to, in order.

Chunking cuts a long list of steps into several passages (a citation names one page and a screenful),
so the passage that answers may hold steps 9-14 only. The steps are gathered back from the passages of
the same section that come before and after it, with the sentence that leads into them, and written
as one numbered Markdown list under the section's heading. A regulation written as numbered clauses
(«2.1.», «2.2.» … under «2. Подготовка», «3. Проверка») is one procedure across its sections when the
«how to» question is about the document's subject rather than one section's («как принять бензовоз»,
«бензовоз приехал, что делать по шагам?»): then every clause section is quoted, each under its
heading, numbered on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from azs_assistant.assistant.markdown import bold, escape
from azs_assistant.storage.models import Chunk

__all__ = ["Line", "Procedure", "has_steps", "lines_of", "procedure_of", "prohibits", "sections_under",
           "step_texts", "without_number"]

NAMES_A_PART = 0.7  # query-term weight of nouns, numbers and slang expansions (search/query.py); verbs weigh 0.6
WHOLE_DOCUMENT_BUDGET = 3500  # characters: a regulation's clauses fit a Telegram message (4096)
_CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\s+(\S.*)$")  # «2.1. Автоцистерну ставят…»
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")  # «3) Позвонить 112» as a paragraph (PDF, TXT)
_OCR_MARKS = re.compile(r"^[_|]+\s*")
_UNIT_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]?\s+")
_HEADING_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+")


def without_number(text: str) -> str:
    """A unit's text without its leading number («3. Измерение…» → «Измерение…»), as :func:`lines_of` gives it."""
    return _UNIT_NUMBER.sub("", text.strip())


def step_texts(chunk: Chunk) -> list[str]:
    """The texts of the passage's steps (without their numbers)."""
    return [line.text for line in lines_of(chunk) if line.step]


def has_steps(chunk: Chunk) -> bool:
    """The passage holds steps: list items or numbered paragraphs («1.», «2.1.», «3)»)."""
    return any(line.step for line in lines_of(chunk))


@dataclass(slots=True)
class Line:
    text: str
    step: str  # "item" (a list item or «3)»), "clause" («2.1.»), "" (a sentence, a paragraph, a heading)
    chunk: Chunk
    number: int | None = None  # the step's own number where the text has one («3) …», «3. …»)


@dataclass
class Procedure:
    markdown: str
    chunks: list[Chunk] = field(default_factory=list)  # every passage a quoted step came from, in order


def lines_of(chunk: Chunk) -> list[Line]:
    out = []
    for raw in chunk.text.split("\n"):
        line = _OCR_MARKS.sub("", raw.strip())  # «_ 3. Инкассацию…»: a form's blank read before the number
        if not line:
            continue
        if line.startswith("— "):
            numbered = _NUMBERED.match(line[2:])
            out.append(Line(numbered.group(2) if numbered else line[2:], "item", chunk))
        elif clause := _CLAUSE.match(line):
            out.append(Line(clause.group(2), "clause", chunk))
        elif numbered := _NUMBERED.match(line):
            out.append(Line(numbered.group(2), "item", chunk, int(numbered.group(1))))
        else:
            out.append(Line(line, "", chunk))
    for here, after in zip(out, out[1:], strict=False):
        if here.number and after.number == 1 and _looks_like_heading(here.text):
            here.step, here.number = "", None  # «3. Порядок заправки» over «1. Попросить…» in a PDF's text
    return out


def _looks_like_heading(text: str) -> bool:
    return len(text) <= 70 and text[:1].isupper() and not text.rstrip().endswith((".", ";", ":", ",", "!", "?", "»"))


def procedure_of(chunk: Chunk, title: str, document: Callable[[], list[Chunk]], query_terms: dict[str, float],
                 lemmas: Callable[[str], list[str]], best_unit: str = "") -> Procedure | None:
    """The whole list of steps the passage belongs to, or None when the passage holds no steps."""
    if chunk.kind == "table_row" or not has_steps(chunk):
        return None
    chunks = document()
    if _is_clause_regulation(chunk) and _about_the_document(chunks, title, query_terms, lemmas):
        whole = _whole_document(chunks, title)
        if whole is not None and len(whole.markdown) <= WHOLE_DOCUMENT_BUDGET:
            return whole
    section = [c for c in chunks if c.section == chunk.section and c.kind != "table_row"] or [chunk]
    lines = [line for c in section for line in lines_of(c)]
    best_unit = _UNIT_NUMBER.sub("", best_unit.strip())
    run = _run_around(lines, chunk, best_unit)
    if run is None or run[1] - run[0] < 2:
        return None
    start, end = run
    intro = lines[start - 1] if start > 0 and not lines[start - 1].step else None
    # what the section says right after the steps («Деньги возвращаются…»), not the next list's heading
    after = [ln for ln in lines[end:end + 1] if not ln.step and not _looks_like_heading(ln.text)]
    heading = own_heading(chunk.section, title)
    # a title line right over the steps («5. Утечка газа» inside «4. Заправка запрещается», where the PDF's
    # heading was read as a line) names the list: the section's heading would name another part
    if intro is not None and _looks_like_heading(intro.text):
        heading = ""
    parts = [bold(heading)] if heading else []
    if intro is not None:
        parts.append(bold(intro.text) if len(intro.text) <= 200 else escape(intro.text))
    steps = [ln.text for ln in lines[start:end]]
    # what must not be done is a list, not a sequence: numbered, «1. Вскрывать корпус ТРК» reads as a step to take
    forbids = prohibits(heading) or intro is not None and prohibits(intro.text)
    parts.append("\n".join(f"- {escape(step)}" for step in steps) if forbids else _numbered(steps))
    parts.extend(escape(ln.text) for ln in after[:1] if len(ln.text) <= 400)
    quoted = ([intro] if intro else []) + lines[start:end] + after[:1]
    if best_unit and not any(best_unit in ln.text or ln.text in best_unit for ln in quoted):
        return None  # the list would leave out the sentence that answers: quote that sentence instead
    used = [ln.chunk for ln in quoted]
    return Procedure("\n\n".join(p for p in parts if p), _unique(used))


def _run_around(lines: list[Line], chunk: Chunk, best_unit: str) -> tuple[int, int] | None:
    """[start, end) of the contiguous steps that include the passage's best-matching step (else its
    first). A list whose numbers start again at 1 is another procedure."""
    own = [i for i, ln in enumerate(lines) if ln.chunk.id == chunk.id]
    if not any(lines[i].step for i in own):
        return None
    first = next((i for i in own if best_unit and (lines[i].text in best_unit or best_unit in lines[i].text)), None)
    if first is not None and not lines[first].step:  # the best match is the heading or lead-in of a list
        first = first + 1 if first + 1 < len(lines) and lines[first + 1].step else None
    if first is None:
        first = next(i for i in own if lines[i].step)
    start = first
    while start > 0 and _continues(lines[start - 1], lines[start]):
        start -= 1
    end = first + 1
    while end < len(lines) and (_continues(lines[end - 1], lines[end])
                                or lines[end].step and lines[end - 1].text.rstrip().endswith(":")):
        end += 1  # a step ending in «:» («2. Порядок проверки:») goes on with its own list of steps
    return start, end


def _continues(prev: Line, cur: Line) -> bool:
    """``cur`` is the next step of the same list as ``prev``."""
    if not cur.step or cur.step != prev.step:
        return False
    return prev.number is None or cur.number is None or cur.number == prev.number + 1


def _is_clause_regulation(chunk: Chunk) -> bool:
    return any(line.step == "clause" for line in lines_of(chunk))


def _about_the_document(chunks: list[Chunk], title: str, query_terms: dict[str, float],
                        lemmas: Callable[[str], list[str]]) -> bool:
    """The question names the document's subject (a word of its title) and nothing that points at one
    part of it: a noun of the question found in at most half of its passages («заземление») asks about
    that part, not the whole regulation. Verbs (weighted under ``NAMES_A_PART``) name the action the
    whole procedure is about («принять», «сделать»)."""
    title_lemmas = set(lemmas(title))
    if not set(query_terms) & title_lemmas:
        return False
    parts = [set(c.lemmas.split()) for c in chunks if c.kind != "table_row"]
    for term in {t for t, w in query_terms.items() if w >= NAMES_A_PART} - title_lemmas:
        share = sum(term in part for part in parts) / (len(parts) or 1)
        if 0 < share <= 0.5:
            return False
    return True


def _whole_document(chunks: list[Chunk], title: str) -> Procedure | None:
    """Every clause section of the document, in order, each under its heading, numbered on."""
    sections, _, parts, used, steps = _sections_numbered([c for c in chunks if c.kind != "table_row"], title)
    if sections < 2 or steps <= 2:
        return None
    return Procedure("\n\n".join(parts), _unique(used))


def sections_under(chunks: list[Chunk], parent: str, title: str,
                   only: Collection[str] | None = None) -> Procedure | None:
    """The steps of every subsection of ``parent`` (a section path), in document order, each under its own
    heading, numbered on: «2. Что проверяется при передаче» over «2.1. Топливо», «2.2. Касса», «2.3.
    Оборудование» is one checklist. Given ``only`` (the subsections that are alternatives: «Небольшой пролив»,
    «Средний пролив»…), those, each numbered from 1: steps 5 to 9 after 1 to 4 read as one sequence. None unless
    two or more subsections hold steps."""
    _, with_steps, parts, used, _ = _sections_numbered([c for c in chunks if c.kind != "table_row"
                                                        and c.section.startswith(parent + " › ")
                                                        and (only is None or c.section in only)], title,
                                                       restart=only is not None)
    if with_steps < 2:
        return None
    heading = own_heading(parent, title)
    return Procedure("\n\n".join(([bold(heading)] if heading else []) + parts), _unique(used))


def _sections_numbered(chunks: list[Chunk], title: str,
                       restart: bool = False) -> tuple[int, int, list[str], list[Chunk], int]:
    """The steps of each section of ``chunks``, in order, under the section's heading (where it has one of its
    own), numbered on (from 1 in each, where ``restart``): how many sections there are and how many hold steps, the
    Markdown parts, the passages the steps came from, and how many steps."""
    by_section: dict[str, list[Line]] = {}
    for c in chunks:
        by_section.setdefault(c.section, []).extend(lines_of(c))
    parts: list[str] = []
    used: list[Chunk] = []
    number, with_steps, count = 1, 0, 0
    for section, lines in by_section.items():
        steps = [ln for ln in lines if ln.step]
        if not steps:
            continue
        with_steps += 1
        if own_heading(section, title):
            parts.append(bold(own_heading(section, title)))
        parts.append(_numbered([ln.text for ln in steps], number))
        number = 1 if restart else number + len(steps)
        count += len(steps)
        used.extend(ln.chunk for ln in steps)
    return len(by_section), with_steps, parts, used, count


# the rule's own words («запрещается», «нельзя»), not a word of the subject («запрещающего сигнала», «не допускать
# перелива»: steps that prevent something)
_PROHIBITS = re.compile(r"\bнельзя\b|\bзапрещ(?:ается|аются|ено|ены|ена|[её]н)\b"
                        r"|\bне\s+(?:допускается|допускаются|разрешается|разрешаются|разрешено|положено)\b"
                        r"|\bнедопустим\w*", re.IGNORECASE)


def prohibits(lead_in: str) -> bool:
    """A heading or lead-in over a list of what must not be done («Что оператору делать нельзя», «Запрещается:»)."""
    return bool(_PROHIBITS.search(lead_in))


def _numbered(steps: list[str], start: int = 1) -> str:
    return "\n".join(f"{n}. {escape(step)}" for n, step in enumerate(steps, start=start))


def own_heading(section: str, title: str) -> str:
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
