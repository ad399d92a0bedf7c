"""Operators' corrections of a recognised form, kept as training pairs for the line reader (issue 22).

``keep_reading`` stores what a single upload was read as (``recognise_file`` for a person): the prepared images
of the pages that hold a form value's line or a line read with doubt, those lines' boxes and texts, and the
form's numbers, dates and listed values as read (names and free text are never kept as values; a doubtful line's
text is, for a day, like the page image itself), under a token.
When the person saves a record from that reading (``POST /api/v1/forms/{form}/records`` with ``reading``),
``learn`` claims the reading (once) and turns each line whose value they changed, or whose value the two readers
read apart, into a pair under ``<data dir>/ocr/corrections``: the line's image (``<UTC time>-<random>.png``) and
the line with their values in place, one JSON line of ``pairs.jsonl`` each (``ocr.pairs``' format: ``image``,
``text``, ``read``, ``fields``, ``form``, ``record``, ``by``, ``at``). The rest of such a line is as Tesseract
read it. A doubtful line the person typed whole (``lines``) is a pair with their text, as they typed it (they
chose to; it may hold a name, and stays until an administrator deletes it), when its length fits the line's.
A reading not saved is removed when a reading is stored a day or more later.
``python -m azs_assistant.ocr.train_lines --corrections DIR`` mixes the pairs into its training lines; they
stay until an administrator deletes them.

Learning never stands in the way of the record: an unknown or used token, a reading of another person, a line
that is not one of a kind or does not hold the value read once, any failure, all leave no pair and are logged
at most.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from azs_assistant.forms.extract import dotted_date
from azs_assistant.ocr import pairs as ocr_pairs

KEEP_SECONDS = 24 * 3600  # a reading not saved within a day is removed
MARGIN = 0.25  # of the line's height, added around its box
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
log = logging.getLogger("azs.forms")


def _readings(data_dir: Path) -> Path:
    return data_dir / "ocr" / "readings"


def corrections_dir(data_dir: Path) -> Path:
    """Where the pairs are kept: ``<data dir>/ocr/corrections``."""
    return data_dir / "ocr" / "corrections"


def keep_reading(data_dir: Path, who: str | None, template: Any, match: Any, pages: list[Any]) -> str | None:
    """Store a single upload's reading and its form's numbers, dates and listed values (``match``: a
    ``FormMatch``; names and free text are never kept) for its corrections: only the pages (prepared image,
    boxed lines) that hold a value's line. Its token, or None when no value's line has a box."""
    import cv2

    from azs_assistant.forms.extract import CHECKED_TYPES

    kept = {spec.name for spec in template.fields if spec.type in CHECKED_TYPES or spec.choices}
    sources = {k: v for k, v in match.sources.items() if k in kept and k in match.fields}
    # a value's line, and every line read with doubt (the operator may correct it whole on the page)
    lines = [{"page": n, "text": line.text, "box": list(line.box), "doubtful": line.doubtful}
             for n, page in enumerate(pages) if page.image is not None for line in page.lines
             if line.box and (line.text in sources.values() or line.doubtful)]
    if not lines:
        return None
    _expire(_readings(data_dir))
    token = secrets.token_urlsafe(12)
    folder = _readings(data_dir) / token
    folder.mkdir(parents=True)
    for n in sorted({line["page"] for line in lines}):
        cv2.imwrite(str(folder / f"page-{n}.png"), pages[n].image)
    # each value as its line may hold it: Tesseract's where the line reader's was taken (``disputed``), then the value
    fields = {k: [x for x in (_str(match.disputed.get(k)), _str(match.fields[k])) if x] for k in sources}
    reading = {"by": who, "form": match.form, "fields": fields, "sources": sources, "lines": lines,
               "disputed": sorted(k for k in match.disputed if k in sources)}
    (folder / "reading.json").write_text(json.dumps(reading, ensure_ascii=False), encoding="utf-8")
    return token


def learn(data_dir: Path, token: str | None, who: str | None, form: str, saved: dict[str, Any],
          record_id: int, lines: list[dict[str, str]] | None = None) -> int:
    """Pairs from the reading ``token`` for the values a person changed, and for those the two readers read
    apart (the person's value, whichever reader it agrees with, is the line's truth), and for each line they
    corrected whole (``lines``: ``read``, the line as shown, and ``text``, as they typed it); how many were kept.
    The reading is claimed first (renamed), so two saves with one token make one set of pairs."""
    if not token or not _TOKEN.match(token):
        return 0
    folder = _readings(data_dir) / token
    claimed = folder.with_name(token + ".used")
    try:
        folder.rename(claimed)
        reading = json.loads((claimed / "reading.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    kept = 0
    try:
        if reading.get("by") == who and reading.get("form") == form:
            about = {"form": form, "record": record_id, "by": who}
            whole = {fix["read"]: " ".join(fix["text"].split()) for fix in lines or []
                     if " ".join(fix["text"].split()) not in ("", fix["read"])}
            for read, text in whole.items():  # a doubtful line the person typed whole is its own truth
                line = _one_line(reading["lines"], read)
                crop = _crop(claimed, line) if line is not None and _plausible(line, text) else None
                if crop is not None:
                    ocr_pairs.add(corrections_dir(data_dir), crop, text, {"read": read, "fields": [], **about})
                    kept += 1
            for line_text, changes in _changes(reading, saved).items():
                pair = _pair(claimed, reading["lines"], line_text, changes) if line_text not in whole else None
                if pair is not None:
                    fields = sorted(name for name, _, _ in changes)
                    crop, text, read = pair
                    ocr_pairs.add(corrections_dir(data_dir), crop, text, {"read": read, "fields": fields, **about})
                    kept += 1
    except Exception as exc:  # noqa: BLE001 (a damaged reading: the record stands, the pair is lost)
        log.warning("OCR correction not kept: %s", exc)
    shutil.rmtree(claimed, ignore_errors=True)  # one record per reading
    return kept


def _changes(reading: dict[str, Any], saved: dict[str, Any]) -> dict[str, list[tuple[str, list[str], str]]]:
    """Per value's line, the (field, values read, value typed) to put in it: a value changed, or disputed."""
    out: dict[str, list[tuple[str, list[str], str]]] = {}
    for name, read in reading["fields"].items():
        typed, line_text = _str(saved.get(name)), reading["sources"].get(name)
        if typed and line_text and read and (typed not in read or name in reading.get("disputed", [])):
            out.setdefault(line_text, []).append((name, read, typed))
    return out


def _pair(folder: Path, lines: list[dict[str, Any]], line_text: str,
          changes: list[tuple[str, list[str], str]]) -> tuple[np.ndarray, str, str] | None:
    """The line's image and its text with each typed value in place of the value it holds (written the way
    the line writes it: «0,2», «518 204», «08.11.2024»); None when the line is not one of a kind on the
    pages, holds a value read not once as a word of its own, or comes out as it was."""
    line = _one_line(lines, line_text)
    if line is None:
        return None
    text = line["text"]
    for _, read, typed in changes:
        spots = [(m, write) for value in read for shown, write in _styles(value)
                 for m in re.finditer(rf"(?<![\w.,]){re.escape(shown)}(?![\w]|[.,]\d)", text)]
        if len({m.start() for m, _ in spots}) != 1:
            return None
        m, write = spots[0]
        text = text[:m.start()] + write(typed) + text[m.end():]
    crop = _crop(folder, line)
    return (crop, text, line["text"]) if crop is not None else None


def _plausible(line: dict[str, Any], text: str) -> bool:
    """A whole line typed for a line read with doubt, of a length its box may hold (a line read half as long or
    twice as long, give or take a few letters): any other typed text is no label for that image."""
    read = len(line["text"])
    return bool(line.get("doubtful")) and read / 2 - 8 <= len(text) <= 2 * read + 8


def _one_line(lines: list[dict[str, Any]], text: str) -> dict[str, Any] | None:
    """The kept line that reads ``text``, when it is one of a kind (a line twice on the pages is no one line)."""
    same = {(x["page"], tuple(x["box"])): x for x in lines if x["text"] == text}
    return next(iter(same.values())) if len(same) == 1 else None


def _crop(folder: Path, line: dict[str, Any]) -> np.ndarray | None:
    """The line's image, with a margin of a quarter of its height, from its kept page."""
    import cv2

    page = cv2.imread(str(folder / f"page-{line['page']}.png"), cv2.IMREAD_GRAYSCALE)
    if page is None:
        return None
    left, top, right, bottom = line["box"]
    pad = max(2, round(MARGIN * (bottom - top)))
    crop = page[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad]
    return crop if crop.size else None


def _styles(value: str) -> list[tuple[str, Any]]:
    """How a line may print a value read, each with how to write a typed value the same way."""
    out: list[tuple[str, Any]] = [(value, lambda v: v)]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        out.append((dotted_date(value), dotted_date))
    if re.fullmatch(r"-?\d+\.\d+", value):
        out.append((value.replace(".", ","), lambda v: v.replace(".", ",")))
    if re.fullmatch(r"\d{4,}", value):
        out.append((_spaced(value), lambda v: _spaced(v) if v.isdigit() else v))
    return out


def _spaced(digits: str) -> str:
    """«518204» → «518 204»."""
    return f"{int(digits):,}".replace(",", " ")


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _expire(folder: Path) -> None:
    if not folder.is_dir():
        return
    cutoff = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        try:
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
