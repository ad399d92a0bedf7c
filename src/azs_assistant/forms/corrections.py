"""Operators' corrections of a recognised form, kept as training pairs for the line reader (issue 22).

``keep_reading`` stores what a single upload was read as (``recognise_file``: the prepared page images, each
line's box and text, the form's values as read and the line each came from) under a token for a day. When a
person saves a record from that reading (``POST /api/v1/forms/{form}/records`` with ``reading``), ``learn``
turns each value they changed into a pair under ``<data dir>/ocr/corrections``: the image of the line the value
was read on (``<n>.png``) and that line with their value in place, one JSON line of ``pairs.jsonl`` each
(``image``, ``text``, ``read``, ``field``, ``form``, ``record``, ``by``, ``at``).
``python -m azs_assistant.ocr.train_lines --corrections DIR`` mixes them into its training lines.

Learning never stands in the way of the record: an unknown or expired token, a reading of another person, a
value whose line has no box or no longer holds the value read, all leave no pair and say nothing.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

KEEP_SECONDS = 24 * 3600  # a reading not saved within a day is removed
MARGIN = 0.25  # of the line's height, added around its box
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16}$")
log = logging.getLogger("azs.forms")


def _readings(data_dir: Path) -> Path:
    return data_dir / "ocr" / "readings"


def corrections_dir(data_dir: Path) -> Path:
    """Where the pairs are kept: ``<data dir>/ocr/corrections``."""
    return data_dir / "ocr" / "corrections"


def keep_reading(data_dir: Path, who: str | None, match: Any, pages: list[Any]) -> str | None:
    """Store a single upload's reading (pages with a prepared image and boxed lines) and its form's values
    (``match``: a ``FormMatch``) for its corrections; its token, or None when no page has both."""
    import cv2

    lines = [{"page": n, "text": line.text, "box": list(line.box)}
             for n, page in enumerate(pages) if page.image is not None for line in page.lines if line.box]
    if not lines:
        return None
    _expire(_readings(data_dir))
    token = secrets.token_urlsafe(12)
    folder = _readings(data_dir) / token
    folder.mkdir(parents=True)
    for n, page in enumerate(pages):
        if page.image is not None:
            cv2.imwrite(str(folder / f"page-{n}.png"), page.image)
    # each value as its line may hold it: Tesseract's where the line reader's was taken (``disputed``), then the value
    fields = {k: [x for x in (_str(match.disputed.get(k)), _str(v)) if x] for k, v in match.fields.items()}
    reading = {"by": who, "form": match.form, "fields": fields, "sources": match.sources, "lines": lines}
    (folder / "reading.json").write_text(json.dumps(reading, ensure_ascii=False), encoding="utf-8")
    return token


def learn(data_dir: Path, token: str | None, who: str | None, form: str, saved: dict[str, Any],
          record_id: int) -> int:
    """Pairs from the values a person changed in the reading ``token``; how many were kept."""
    if not token or not _TOKEN.match(token):
        return 0
    folder = _readings(data_dir) / token
    try:
        reading = json.loads((folder / "reading.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if reading.get("by") != who or reading.get("form") != form:
        return 0
    kept = 0
    try:
        for name, value in saved.items():
            read, line_text, typed = reading["fields"].get(name) or [], reading["sources"].get(name), _str(value)
            if not read or not typed or not line_text:
                continue
            pair = _pair(folder, reading["lines"], line_text, read, typed)
            if pair is not None:
                _store(data_dir, pair, {"field": name, "form": form, "record": record_id, "by": who})
                kept += 1
    except (OSError, ValueError, KeyError) as exc:  # a damaged reading: the record stands, the pair is lost
        log.warning("OCR correction not kept: %s", exc)
    shutil.rmtree(folder, ignore_errors=True)  # one record per reading
    return kept


def pairs(folder: Path) -> list[tuple[Path, str]]:
    """The (image, text) pairs kept in a corrections folder (``pairs.jsonl``)."""
    index = folder / "pairs.jsonl"
    if not index.is_file():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if (folder / row["image"]).is_file():
                out.append((folder / row["image"], row["text"]))
    return out


def _pair(folder: Path, lines: list[dict[str, Any]], line_text: str, read: list[str],
          typed: str) -> tuple[np.ndarray, str, str] | None:
    """The line's image and its text with the typed value in place of the value the line holds; None when
    the person kept that value, or the line holds none of the values read."""
    import cv2

    line = next((x for x in lines if x["text"] == line_text), None)
    shown = [(s, False) for s in read] + [(_dotted(s), True) for s in read if _dotted(s) != s]
    at = next(((s, dotted) for s, dotted in shown if line is not None and s in line["text"]), None)
    if line is None or at is None:
        return None
    new = _dotted(typed) if at[1] else typed
    if new == at[0]:
        return None
    text = line["text"].replace(at[0], new, 1)
    page = cv2.imread(str(folder / f"page-{line['page']}.png"), cv2.IMREAD_GRAYSCALE)
    if page is None:
        return None
    left, top, right, bottom = line["box"]
    pad = max(2, round(MARGIN * (bottom - top)))
    crop = page[max(0, top - pad):bottom + pad, max(0, left - pad):right + pad]
    return (crop, text, line["text"]) if crop.size else None


def _store(data_dir: Path, pair: tuple[np.ndarray, str, str], about: dict[str, Any]) -> None:
    import cv2

    folder = corrections_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4)}.png"
    crop, text, read = pair
    cv2.imwrite(str(folder / name), crop)
    row = {"image": name, "text": text, "read": read, **about, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    with (folder / "pairs.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _dotted(value: str) -> str:
    """A date as the page prints it: «2024-11-08» → «08.11.2024» (other values as they are)."""
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    return f"{iso[3]}.{iso[2]}.{iso[1]}" if iso else value


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
