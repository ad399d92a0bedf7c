"""Where a form's labels stand in OCR'd text and which stretch of text is each label's value.

Paper forms put a value after its label in many ways: on the same line after a colon, underscores or
dots («Дата проверки: ___12.03.2026___»), two fields on one line («АЗС № 214 Дата проверки
12.03.2026»), a numbered row («3. ТРК № 5»), or the next cell of a table that OCR puts on the next
line. So labels are found anywhere in a line, word by word with a fuzzy tolerance (OCR drops or
confuses a letter), and a value runs from the end of its label to the next label on that line; when
nothing that looks like the field's value is there, the next line is tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_FOLD = str.maketrans("abcehkmoptxyё", "авсенкмортхуе")
_DIGIT_LOOKALIKES = str.maketrans("306", "зоб")  # inside a word of letters: «а3с» is «азс»
_LABEL_FOLD = str.maketrans("э", "з")  # OCR reads «З» as «Э» («АЭС № 61»); labels and lines fold alike
_TOKEN = re.compile(r"№+|#|[^\W\d_]+(?:\d+[^\W\d_]+)*|\d+")
_NUMBER_SIGNS = {"n", "н", "nо", "nе", "но", "м", "m"}  # «N», «No», «Ne», «М» read for «№», where a label has «№»
FILLER = " \t:;.,…_|—–-=~'\"«»*[](){}/\\"
_MIN_SCORE = 85.0
_NEAR = 70.0  # a line whose words come this near a label's anywhere is searched for it
_NEXT_LINES = 2  # a value may sit this many lines below its label (a table's next cell, a blank line of dots)


@dataclass(frozen=True)
class Label:
    """One of a field's labels, as tokens."""

    field: str
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Hit:
    """A label found in a line: its place in the original line and how well it fits."""

    field: str
    line: int
    start: int
    end: int
    score: float
    length: int  # characters in the label: a longer label is the more specific one
    at_start: bool  # nothing but numbering, rulings or fillers before it on the line
    rescued: bool = False  # a short label found with letters misread (``_letters_off``): a label read right goes first


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised token, start, end) of each word, number and «№» in the original text."""
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group().lower().translate(_FOLD).translate(_LABEL_FOLD)
        if any(c.isalpha() for c in tok) and any(c.isdigit() for c in tok):
            tok = tok.translate(_DIGIT_LOOKALIKES)
        if tok.startswith("№") or tok == "#":
            tok = "№"
        out.append((tok, m.start(), m.end()))
    return out


def label_of(field: str, text: str) -> Label:
    """A template label as tokens («Проверку провёл:» → проверку, провел)."""
    return Label(field, tuple(t for t, _, _ in tokens(text)))


def find_labels(lines: Sequence[str], labels: Sequence[Label]) -> list[Hit]:
    """Every place a label fits, one per stretch of text: where two labels overlap, the better fit
    («на конец» does not take the «на начало» line), then the longer label, stays. A label wrapped
    over two lines (a narrow table cell: «Показания счётчика на» / «начало 518204») counts on the
    second line, where its value is."""
    cores = [(label, " ".join(t for t in label.tokens if t != "№")) for label in labels]
    hits = [h for i, line in enumerate(lines) for h in _line_hits(i, line, cores)]
    for i in range(len(lines) - 1):
        cut = len(lines[i]) + 1
        for h in _line_hits(i + 1, lines[i] + " " + lines[i + 1], cores):
            if not (h.at_start and h.start < cut - 1 < h.end):
                continue
            clash = [k for k in hits if k.line == i and k.end > h.start or k.line == i + 1 and k.start < h.end - cut]
            if all(k.score < h.score for k in clash):  # the better fit wins, as within a line
                wrapped = Hit(h.field, i + 1, 0, h.end - cut, h.score, h.length, True, h.rescued)
                hits = [k for k in hits if k not in clash] + [wrapped]
    return sorted(hits, key=lambda h: (h.line, h.start))


def _line_hits(i: int, line: str, cores: list[tuple[Label, str]]) -> list[Hit]:
    """The labels that fit in one line, overlaps settled."""
    from rapidfuzz import fuzz

    toks = tokens(line)
    words = " ".join(t for t, _, _ in toks)
    # a cheap look first: only a line with something like the label's words is searched word by word
    numbered = "№" in words.split()
    found = [h for label, core in cores
             if fuzz.partial_ratio(core, words, score_cutoff=_NEAR) >= _NEAR or numbered and "№" in label.tokens
             for h in _fits(i, line, toks, label)]
    found.sort(key=lambda h: (-h.score, -h.length, h.start))
    kept: list[Hit] = []
    for h in found:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return kept


def _fits(i: int, line: str, toks: list[tuple[str, int, int]], label: Label) -> list[Hit]:
    """Where in one line the label fits (windows of one token more or fewer, for words OCR split or joined)."""
    from rapidfuzz import fuzz

    n = len(label.tokens)
    want, joined = label.text, "".join(label.tokens)
    out = []
    for j in range(len(toks)):
        best: tuple[float, int, bool] | None = None
        at_start = not re.search(r"[^\W\d_]", line[:toks[j][1]])
        for size in {max(1, n - 1), n, n + 1}:
            window = toks[j:j + size]
            if len(window) < size:
                continue
            words = [_as_label_word(t, k, label) for k, (t, _, _) in enumerate(window)]
            text = " ".join(words)
            if 200 * min(len(text), len(want)) < _MIN_SCORE * (len(text) + len(want)):
                continue  # too long or short to fit, whatever the letters
            score = 100.0 if text == want else max(fuzz.ratio(text, want, score_cutoff=_MIN_SCORE),
                                                   fuzz.ratio("".join(words), joined, score_cutoff=_MIN_SCORE) - 5)
            off = _letters_off(words, label.tokens) if score < _MIN_SCORE and size == n and at_start else 0
            rescued = off > 0
            score = _MIN_SCORE + (0.01 if off == 1 else 0.0) if rescued else score
            if score >= _MIN_SCORE and (best is None or score > best[0]):
                best = (score, size, rescued)
        if best is not None:
            end = toks[j + best[1] - 1][2]
            out.append(Hit(label.field, i, toks[j][1], end, best[0], len(want), at_start, best[2]))
    return out


def _letters_off(words: list[str], label: tuple[str, ...]) -> int:
    """A short numbered label with letters misread: one («ТРЕ № 3», «ASC # 27» for «ТРК №», «АЗС №»), or two
    of three with the middle one in its place («УРА № 3» for «ТРК №», a blurred photo; «ТТН №» or «АКТ №» share
    only a first letter with a label and are other labels). The ratio of so few letters falls under the
    tolerance, but a number sign where the label has «№» («№», «#», or «N», «No» as ``_as_label_word`` reads
    them) and the label standing at the start of its line (the caller's check: after nothing but a row's
    number, a date or fillers) make it one.
    At least three letters. Such a hit yields to any label read right (``Hit.rescued``), one letter off to
    two, and its value is shown to be checked. Returns how many letters are off, 0 when it is no such label."""
    from rapidfuzz.distance import Levenshtein

    if "№" not in label or any((w == "№") != (t == "№") for w, t in zip(words, label, strict=True)):
        return 0
    read, want = "".join(w for w in words if w != "№"), "".join(t for t in label if t != "№")
    if len(want) < 3:
        return 0
    if Levenshtein.distance(read, want) <= 1:
        return 1
    # two of three misread: only with the middle letter in its place (an abbreviation sharing its first letter with
    # the label, «ТТН №», «ТМЦ №», «АИС №», is another label, not a misreading)
    in_place = len(read) == len(want) == 3 and read[1] == want[1] and read[0] != want[0] and read[2] != want[2]
    return 2 if in_place else 0


def _as_label_word(tok: str, k: int, label: Label) -> str:
    """«N», «No», «Н» or «М» read where the label has «№» count as «№»."""
    if k < len(label.tokens) and label.tokens[k] == "№" and tok in _NUMBER_SIGNS:
        return "№"
    return tok


def value_after(hit: Hit, lines: Sequence[str], hits: Sequence[Hit],
                shaped: Callable[[str], str | None]) -> tuple[str | None, str]:
    """(the value, the raw text it came from) after a label: the stretch up to the next label on its
    line, else (when nothing there has the value's shape) the first lines below that hold no label at
    their start. The value is None when no stretch has the shape; the raw text is then the first
    non-empty stretch, for the problem report."""
    line = lines[hit.line]
    nxt = min((h.start for h in hits if h.line == hit.line and h.start >= hit.end), default=len(line))
    first = line[hit.end:nxt]
    if (value := shaped(first)) is not None:
        return value, first.strip(FILLER)
    for below in range(hit.line + 1, min(len(lines), hit.line + 1 + _NEXT_LINES)):
        starts = [h for h in hits if h.line == below]
        if any(h.at_start for h in starts):
            break
        stretch = lines[below][:min((h.start for h in starts), default=len(lines[below]))]
        if (value := shaped(stretch)) is not None:
            return value, stretch.strip(FILLER)
        if stretch.strip(FILLER):
            break
    return None, first.strip(FILLER)


_CELL_END = re.compile(r"\s*\|\s*|\s{2,}")


def header_rows(lines: Sequence[str], hits: Sequence[Hit],
                span: Callable[[str, str], tuple[str, int] | None]) -> dict[Hit, str | None]:
    """Values of the labels in a row of labels with no value between them («АЗС № | Дата проверки |
    ТРК №», a table's header), read from the line below in the same order, each from where the one
    before it ended (within its cell, where «|» or a wide space marks one). ``span(field, text)`` is
    (value, end) of the field's value in a text, or None."""
    out: dict[Hit, str | None] = {}
    for i in range(len(lines) - 1):
        row = [h for h in hits if h.line == i]
        if len(row) < 2 or any(h.line == i + 1 for h in hits):
            continue
        ends = [h.start for h in row[1:]] + [len(lines[i])]
        if any(span(h.field, lines[i][h.end:end]) is not None for h, end in zip(row, ends, strict=True)):
            continue  # a label with its value beside it: not a header
        below, at = lines[i + 1], 0
        for h in row:
            rest = below[at:]
            lead = len(rest) - len(rest.lstrip(FILLER))
            cell_end = _CELL_END.search(rest, lead)
            cell = rest[:cell_end.start()] if cell_end else rest
            found = span(h.field, cell)
            out[h] = found[0] if found else None
            if found:
                at += found[1]
            if cell_end and (not found or found[1] >= cell_end.start()):
                at = max(at, len(below) - len(rest) + cell_end.end())
    return out
