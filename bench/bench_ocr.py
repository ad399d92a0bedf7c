"""OCR quality and speed on an image set with ground truth (``manifest.jsonl``: image, text, level,
kind, fields): character error rate per degradation level, retake flags, form-field accuracy, and
the time per stage.

    python bench/bench_ocr.py --set ../shared/eval/ocr [--second Cyrillic|""] [--no-lines] [--level L4] [--raw] [--show]

``--second ""`` reads each page once (the language mix only), to compare with the default two
readings merged word by word. ``--no-lines`` leaves out the line reader, so pages Tesseract cannot
read are flagged «retake» as before it; pages it read are marked ``lines``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cer(hyp: str, ref: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref_n, hyp_n = normalise(ref), normalise(hyp)
    return Levenshtein.distance(hyp_n, ref_n) / max(len(ref_n), 1)


def field_hits(text: str, truth: dict[str, str]) -> tuple[int, int]:
    """How many ground-truth fields (by their printed label) the form extraction got exactly."""
    from azs_assistant.forms import extract, load_templates, match_template
    from azs_assistant.forms.extract import normalise

    templates = load_templates()
    template = match_template(text, templates) or templates["inspection_act"]
    got = extract(text, template).fields
    hits = 0
    for label, value in truth.items():
        spec = next((f for f in template.fields if normalise(label) in [normalise(x) for x in f.labels]), None)
        if spec is None:
            continue
        want = value
        if spec.type == "date":
            d, m, y = value.split(".")
            want = f"{y}-{m}-{d}"
        hits += str(got.get(spec.name)) == str(want)
    return hits, len(truth)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True)
    ap.add_argument("--raw", action="store_true", help="plain Tesseract, no preprocessing (baseline)")
    ap.add_argument("--second", default="Cyrillic", help="model for the second reading; empty: read once")
    ap.add_argument("--no-lines", action="store_true", help="no line reader for pages Tesseract cannot read")
    ap.add_argument("--level", action="append", help="only this level (L0..L5); repeatable")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    import cv2

    from azs_assistant.ocr import engine

    lines = (args.set / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines if x.strip()]
    if args.level:
        rows = [r for r in rows if r["level"].split("_")[0] in args.level]
    by_level: dict[str, list[float]] = defaultdict(list)
    retakes: dict[str, int] = defaultdict(int)
    fields_total: dict[str, int] = defaultdict(int)
    fields_exact: dict[str, int] = defaultdict(int)
    seconds: list[float] = []
    stage_sums: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        t = time.perf_counter()
        if args.raw:
            img = cv2.imread(str(args.set / row["image"]), cv2.IMREAD_GRAYSCALE)
            text, quality, stages = engine.recognise(img, psm=3).text, "ok", {}
        else:
            from azs_assistant.ocr.pipeline import ocr_image_file

            page = ocr_image_file(args.set / row["image"], second=args.second or None,
                                  line_reader=not args.no_lines)[0]
            text, quality, stages = page.text, page.quality, page.timings
        elapsed = time.perf_counter() - t
        c = cer(text, row["text"])
        seconds.append(elapsed)
        if row.get("fields") and quality == "ok" and row["kind"] == "act":
            got, want = field_hits(text, row["fields"])
            fields_total[row["level"]] += want
            fields_exact[row["level"]] += got
        if quality == "retake":
            retakes[row["level"]] += 1
        else:
            by_level[row["level"]].append(c)
        for k, v in stages.items():
            stage_sums[k].append(v)
        stage_txt = " ".join(f"{k}={v:.2f}" for k, v in stages.items())
        how = "lines" if "line reader" in stages and quality == "ok" else quality
        print(f"{row['image']:42} CER {c:.3f}  {how:6} {elapsed:5.1f}s {stage_txt}")
        if args.show:
            print(text[:400])
    print()
    print(f"{'level':18} {'read':>4} {'retake':>6} {'mean CER':>9} {'max CER':>8}  (CER over pages read)")
    for level in sorted(set(by_level) | set(retakes)):
        values = by_level.get(level, [])
        mean = f"{sum(values) / len(values):9.3f}" if values else "        -"
        worst = f"{max(values):8.3f}" if values else "       -"
        print(f"{level:18} {len(values):>4} {retakes.get(level, 0):>6} {mean} {worst}")
    for level in sorted(fields_total):
        print(f"form fields exact {level:18} {fields_exact[level]}/{fields_total[level]}")
    seconds.sort()
    print(f"time per page: mean {sum(seconds) / len(seconds):.1f} s, max {seconds[-1]:.1f} s")
    print("mean per stage (pages that reached it): "
          + " ".join(f"{k} {sum(v) / len(v):.2f}s" for k, v in stage_sums.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
