"""Where an OCR reading differs from its truth: each page's character-level differences (aligned by
Levenshtein) and the most frequent confusions with the pages they come from.

    python bench/ocr_confusions.py pages.jsonl [more.jsonl ...]

Input: JSON lines with ``image``, ``text`` (the reading), ``truth`` and ``quality`` (pages neither ``ok``
nor ``partial`` are listed, not aligned). Text is compared as ``bench_ocr.py`` scores it (whitespace as one space, a
form's blank as one «___»).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bench_ocr import normalise


def main(paths: list[str]) -> int:
    confusions: Counter[tuple[str, str]] = Counter()
    pages: dict[tuple[str, str], set[str]] = {}
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            hyp, ref = normalise(row["text"]), normalise(row["truth"])
            errors = Levenshtein.distance(hyp, ref)
            print(f"\n### {row['image']} {row['quality']} CER {errors / max(len(ref), 1):.3f} ({errors} of {len(ref)})")
            if row["quality"] not in ("ok", "partial"):  # ocr.KEPT
                continue
            for op in Levenshtein.opcodes(ref, hyp):
                if op.tag == "equal":
                    continue
                want, got = ref[op.src_start:op.src_end], hyp[op.dest_start:op.dest_end]
                context = ref[max(0, op.src_start - 15):op.src_end + 15]
                print(f"  {op.tag:8} {want!r:>20} -> {got!r:<20} | {context!r}")
                confusions[(want, got)] += 1
                pages.setdefault((want, got), set()).add(row["image"].split("_")[0])
    print("\n=== most frequent confusions (truth -> reading, documents)")
    for (want, got), n in confusions.most_common(40):
        print(n, repr(want), "->", repr(got), sorted(pages[(want, got)]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
