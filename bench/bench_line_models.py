"""The line reader alone on pages nobody trained it on: each page of a set prepared as the OCR pipeline
prepares it (``ocr.preprocess.prepare``), then read line by line by each line model given, with the
dictionary as in service; the character error rate of each reading against the page's true text and
its confidence, per degradation level. No Tesseract: this compares line models (a trained one against
the bundled one, or one run's snapshots, ``train_lines --snapshot-minutes``), not the pipeline, whose
keep-or-retake gate ``bench/bench_ocr.py`` measures.

    python bench/bench_line_models.py --set bench/data/ocr_unseen/valid \\
        --model src/azs_assistant/ocr/models/lines.onnx --model /tmp/lines/lines.onnx [--level L3 --level L4]

``--model`` is repeatable (default: the bundled model); each model needs its ``lines.json`` beside it.
A page the reader gives up on at once (too blurred to read) counts as CER 1.0, so the mean of a level of bad
photos moves with pages given up on; the count of pages read at CER 0.15 or better (the bar a kept bad photo
must meet) does not. The last line compares every model with the first, page by page.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from azs_assistant.language.analyzer import get_analyzer  # noqa: E402
from azs_assistant.ocr import lines, pipeline  # noqa: E402
from azs_assistant.ocr.preprocess import prepare  # noqa: E402
from bench_ocr import cer  # noqa: E402

USABLE = 0.15  # issue 22's bar for a bad photo's page: read at most this wrong, or not kept


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", type=Path, required=True, action="append", help="a folder with manifest.jsonl; repeatable")
    ap.add_argument("--model", type=Path, action="append",
                    help="a lines.onnx, or a folder holding one (a snapshot); repeatable (default: the bundled one)")
    ap.add_argument("--level", action="append", help="only this level (L0..L5 or its full name); repeatable")
    ap.add_argument("--json", type=Path, help="write each page's CER and confidence per model here")
    args = ap.parse_args()
    models = [m / "lines.onnx" if m.is_dir() else m for m in args.model or [lines.MODEL]]
    for m in models:
        if not m.is_file() or not m.with_suffix(".json").is_file():
            ap.error(f"{m}: no line model there (a lines.onnx with its lines.json beside it, or their folder)")
    readers = [lines.LineReader(m) for m in models]
    lexicon, kazakh = get_analyzer(), lines.kazakh_words()
    rows = []
    for folder in args.set:
        for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            page = json.loads(line)
            if args.level and not {page["level"], page["level"].split("_")[0]} & set(args.level):
                continue
            prepared = prepare(pipeline.load_image(folder / page["image"])[0])
            assert prepared.gray is not None
            row = {"set": str(folder), "image": page["image"], "level": page["level"], "cer": [], "conf": []}
            for reader in readers:
                read = reader.read_page(prepared.gray, lexicon=lexicon, kazakh=kazakh)
                row["cer"].append(min(1.0, cer(read.text, page["text"])) if read.text else 1.0)
                row["conf"].append(read.confidence)
            print(f"{folder.name:6} {page['image']:42} " + "  ".join(
                f"{c:.3f} ({q:.0f})" for c, q in zip(row["cer"], row["conf"], strict=True)), flush=True)
            rows.append(row)
    if not rows:
        ap.error("no page of these sets is at the levels asked")
    if args.json:
        args.json.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for name in sorted({r["set"] for r in rows}):
        print(f"\n{name}: mean CER (mean confidence) [pages read at CER <= {USABLE}] per level")
        print(f"{'level':16}" + "".join(f"{str(m)[-40:]:>42}" for m in models))
        by_level: dict[str, list[dict]] = defaultdict(list)  # type: ignore[type-arg]
        for r in rows:
            if r["set"] == name:
                by_level[r["level"]].append(r)
        for level in sorted(by_level):
            got = by_level[level]
            print(f"{level:16}" + "".join(
                f"{np.mean([r['cer'][i] for r in got]):>30.3f} ({np.mean([r['conf'][i] for r in got]):4.1f}) "
                f"[{sum(r['cer'][i] <= USABLE for r in got)}]" for i in range(len(models))) + f"   {len(got)} pages")
        got = [r for r in rows if r["set"] == name]
        for i in range(1, len(models)):
            better = sum(r["cer"][i] < r["cer"][0] - 0.005 for r in got)
            worse = sum(r["cer"][i] > r["cer"][0] + 0.005 for r in got)
            print(f"{models[i]} against {models[0]}: {better} pages better, {worse} worse (by more than 0.005)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
