"""A folder of training pairs for the line reader: a line's image and its true text.

The folder holds the images (PNG) and ``pairs.jsonl``, one JSON object a pair: ``image`` (the file's name in
the folder), ``text`` (the line's true text) and whatever the writer adds about it. ``forms.corrections``
writes operators' corrected lines here; ``train_lines --corrections`` reads them. The format lives in this
layer so that the trainer never depends on the use case that feeds it.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

INDEX = "pairs.jsonl"


def add(folder: Path, image: np.ndarray, text: str, about: dict[str, Any]) -> None:
    """Store one pair: the image under a new name (when it was kept, and apart from any other) and its row."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4)}.png"
    cv2.imwrite(str(folder / name), image)
    row = {"image": name, "text": text, **about, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    with (folder / INDEX).open("a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")


def read(folder: Path) -> list[tuple[Path, str]]:
    """The (image, text) pairs kept in a folder; a row whose image is gone is left out."""
    index = folder / INDEX
    if not index.is_file():
        return []
    out = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if (folder / row["image"]).is_file():
                out.append((folder / row["image"], row["text"]))
    return out
