"""Summaries by a language model: map-reduce over the document's sections.

Sections are packed into parts of a few thousand characters; each part is summarised with section
references (map), and the part summaries are merged into one (reduce). A short document takes one
call. The result is checked as answers are: every section reference must exist, and every number
must appear in the document; otherwise the extractive summary stands, with a notice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from azs_assistant.assistant.model import section_without_title
from azs_assistant.documents.changes import numbers
from azs_assistant.llm import prompts
from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.prompts import as_data
from azs_assistant.summaries.extractive import Point, SectionSummary, Summary

MAP_PROMPT = prompts.SUMMARY_MAP
REDUCE_PROMPT = prompts.SUMMARY_REDUCE
PROMPT_VERSION = f"{MAP_PROMPT}+{REDUCE_PROMPT}"
PART_CHARS = 3500
SECTION_CHARS = 6000  # one section longer than this is cut into pieces of its own
_REF = re.compile(r"\[(\d{1,3})\]")
_POINT = re.compile(r"^\s*(?:[—–\-•*]|\d+[.)])\s*")


class SummaryRejected(Exception):
    """The model's summary failed the checks (an unknown section, a number not in the document)."""


def prompt(name: str) -> str:
    return prompts.template(name)


def sections_of(title: str, chunks: Sequence[Any]) -> list[tuple[str, str, int, int | None]]:
    """(heading, text, first chunk id, first page) of each section, in order."""
    out: list[tuple[str, str, int, int | None]] = []
    for c in chunks:
        heading = section_without_title(c.section or "", title) or title
        if out and out[-1][0] == heading and len(out[-1][1]) < SECTION_CHARS:
            h, text, cid, page = out[-1]
            out[-1] = (h, f"{text}\n{c.text}", cid, page)
        else:
            out.append((heading, c.text, c.id, c.page))
    return out


def _block(n: int, heading: str, text: str) -> str:
    """One section as data: tags planted in its text cannot close it or open another."""
    safe = as_data(heading).replace('"', "'")
    return f'<section id="{n}" title="{safe}">\n{as_data(text)}\n</section>'


def _parts(sections: list[tuple[str, str, int, int | None]]) -> list[str]:
    parts: list[str] = []
    current = ""
    for n, (heading, text, _, _) in enumerate(sections, start=1):
        block = _block(n, heading, text)
        if current and len(current) + len(block) > PART_CHARS:
            parts.append(current)
            current = ""
        current = f"{current}\n{block}" if current else block
    if current:
        parts.append(current)
    return parts


def llm_summary(client: LLMClient, document_id: int, title: str, version: int, chunks: Sequence[Any],
                workers: int = 4) -> Summary:
    """Raises ``LLMUnavailable`` when the server fails, ``SummaryRejected`` when the result fails the checks."""
    sections = sections_of(title, chunks)
    parts = _parts(sections)
    head = f"Документ: «{title}»\n\n"
    if len(parts) == 1:
        text = client.complete([{"role": "system", "content": prompt(REDUCE_PROMPT)},
                                {"role": "user", "content": head + parts[0]}])
    else:
        def one(part: str) -> str:
            return client.complete([{"role": "system", "content": prompt(MAP_PROMPT)},
                                    {"role": "user", "content": head + part}])

        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(parts)))) as pool:
            mapped = list(pool.map(one, parts))
        text = client.complete([{"role": "system", "content": prompt(REDUCE_PROMPT)},
                                {"role": "user", "content": head + "Пункты по разделам:\n" + "\n".join(mapped)}])
    return _checked(text, document_id, title, version, sections, chunks, client.model)


def _checked(text: str, document_id: int, title: str, version: int,
             sections: list[tuple[str, str, int, int | None]], chunks: Sequence[Any], model: str) -> Summary:
    source = " ".join([title, *(c.text for c in chunks), *(c.section or "" for c in chunks)])
    source_numbers = set(numbers(source))  # section headings count: «раздел 1» may be named
    grouped: dict[int, list[str]] = {}
    order: list[int] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        refs = [int(r) for r in _REF.findall(line)]
        if not refs:
            continue  # a heading or a preamble line: not a point
        if any(not 1 <= r <= len(sections) for r in refs):
            raise SummaryRejected(f"unknown section reference in: {line[:200]}")
        body = _POINT.sub("", _REF.sub("", line)).strip().rstrip(" ,;")
        stray = [n for n in numbers(body) if n not in source_numbers]
        if stray:
            raise SummaryRejected(f"numbers not in the document: {stray}")
        if not body:
            continue
        if refs[0] not in grouped:
            order.append(refs[0])
        grouped.setdefault(refs[0], []).append(body)
    if not grouped:
        raise SummaryRejected("no point cites a section")
    out_sections = []
    for ref in order:
        heading, _, chunk_id, page = sections[ref - 1]
        out_sections.append(SectionSummary("" if heading == title else heading,
                                           [Point(p, chunk_id, page) for p in grouped[ref]]))
    summary = Summary(document_id, title, version, "llm", "", out_sections, [], model=model,
                      prompt_version=PROMPT_VERSION)
    lines = [f"«{title}» — кратко:"]
    for sec in out_sections:
        where = f" [{sec.heading.rsplit(' › ', 1)[-1]}]" if sec.heading else ""
        lines.extend(f"— {p.text}{where}" for p in sec.points)
    summary.text = "\n".join(lines)
    return summary
