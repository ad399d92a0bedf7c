"""OCR quality and speed on an image set with ground truth (``manifest.jsonl``: image, text, level,
kind, fields): character error rate per degradation level, retake flags, form-field accuracy, and
the time per stage.

    python bench/bench_ocr.py --set ../shared/eval/ocr [--set bench/data/ocr_unseen/tune ...]
        [--second Cyrillic|""] [--no-lines] [--level L4] [--raw] [--dump signals.jsonl] [--pages pages.jsonl]
        [--show]

Each set is reported on its own: pages read (``ok``), read in part (``partial``: some lines doubtful, the
others indexed) and retaken, mean and max CER per level over the pages read or read in part (the page's
whole text), the worst error of the lines a ``partial`` page indexes, and the kept-garbage rate per level
(pages kept as ``ok`` with a CER above 0.15, or ``partial`` with their indexed lines above 0.15, out of all
the level's pages), form fields exact on the kept pages, time per page and per stage.
``bench/make_ocr_set.py`` makes the unseen sets (``tune`` and ``valid``).

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

from azs_assistant.ocr import KEPT


def normalise(text: str) -> str:
    """Whitespace as one space, and a form's blank («Подпись ________») as one «___» whatever its
    length: the number of underscores a blank was typed with cannot be read off the page (the
    strokes print as one line), and the OCR writes back as many as fit the line's character width,
    so counting them scored a correctly read blank as 1-6 errors (up to 0.02 CER on a clean act)."""
    return re.sub(r"_{2,}", "___", re.sub(r"\s+", " ", text)).strip()


def cer(hyp: str, ref: str) -> float:
    from rapidfuzz.distance import Levenshtein

    ref_n, hyp_n = normalise(ref), normalise(hyp)
    return Levenshtein.distance(hyp_n, ref_n) / max(len(ref_n), 1)


def field_hits(text: str, truth: dict[str, str], second_text: str = "") -> tuple[int, int]:
    """How many ground-truth fields (by their printed label) the form extraction got exactly (checked
    against the line reader's reading of the page, ``second_text``, where the page was read twice)."""
    from azs_assistant.forms import extract, load_templates, match_template
    from azs_assistant.forms.extract import cross_check, normalise

    templates = load_templates()
    template = match_template(text, templates) or templates["inspection_act"]
    match = extract(text, template)
    got = (cross_check(template, match, extract(second_text, template)) if second_text else match).fields
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


def every_field_hits(text: str, truth_text: str, second_text: str = "") -> tuple[int, int]:
    """Every field the form's extraction finds in the page's true text (names and free text too, which the
    manifest's ``fields`` leave out), and how many of them the reading gives the same."""
    from azs_assistant.forms import extract, load_templates, match_template
    from azs_assistant.forms.extract import cross_check

    templates = load_templates()
    template = match_template(truth_text, templates) or templates["inspection_act"]
    truth = extract(truth_text, template).fields
    match = extract(text, template)
    got = (cross_check(template, match, extract(second_text, template)) if second_text else match).fields
    return sum(str(got.get(name)) == str(value) for name, value in truth.items()), len(truth)


GARBAGE = 0.15  # a page kept as «ok» with a CER above this is kept garbage (or «partial» with its indexed lines)


def indexed_error(trusted: str, truth: str) -> float:
    """How wrong the lines a page indexes are, whatever it left out: each trusted line aligned with the
    stretch of the truth it reads best, the edit distance summed over the lines' characters."""
    from rapidfuzz import fuzz
    from rapidfuzz.distance import Levenshtein

    ref = normalise(truth)
    errors = chars = 0
    for line in trusted.splitlines():
        hyp = normalise(line)
        if not hyp:
            continue
        at = fuzz.partial_ratio_alignment(hyp, ref)
        piece = ref[at.dest_start:at.dest_end] if at is not None else ""
        errors += Levenshtein.distance(hyp, piece)
        chars += len(hyp)
    return errors / max(chars, 1)


def read_page(path: Path, args: argparse.Namespace) -> tuple[str, str, dict[str, float], dict | None, str, str]:  # type: ignore[type-arg]
    """(text, quality, stage timings, dump row or None, the text indexed, the line reader's reading of a
    form's page read twice) of one page, as the options ask."""
    import cv2

    from azs_assistant.forms import load_templates
    from azs_assistant.forms.recognise import is_form
    from azs_assistant.ocr import engine, pipeline

    if args.raw:
        img = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        raw = engine.recognise(img, psm=3).text
        return raw, "ok", {}, None, raw, ""
    if args.dump:
        image = pipeline.load_image(path)[0]
        tess, other = pipeline.readings(image, second=args.second or None)
        page = pipeline.choose(tess, other)
        dump = {"candidates": [{"source": c.page.source, "text": c.page.text, "features": c.features,
                                "keep": c.page.keep, "confidence": c.page.confidence, "quality": c.page.quality}
                               for c in (tess, other) if c is not None]}
        return page.text, page.quality, page.timings, dump, page.trusted_text, ""
    page = pipeline.ocr_image_file(path, second=args.second or None, line_reader=not args.no_lines,
                                   read_twice=is_form(load_templates()))[0]
    return page.text, page.quality, page.timings, None, page.trusted_text, page.second_text


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished child processes (Tesseract)."""
    import resource

    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def run_set(folder: Path, args: argparse.Namespace) -> list[dict]:  # type: ignore[type-arg]
    """Every page of one set: printed one line each, returned as rows for the summary."""
    rows = [json.loads(x) for x in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    if args.level:
        rows = [r for r in rows if r["level"].split("_")[0] in args.level]
    if args.part:
        k, n = (int(x) for x in args.part.split("/"))
        rows = rows[k - 1::n]
    if args.dump and args.dump.exists():  # a dump run again goes on where it stopped
        done = {json.loads(x)["image"] for x in args.dump.read_text(encoding="utf-8").splitlines() if x.strip()}
        rows = [r for r in rows if r["image"] not in done]
    out = []
    for row in rows:
        t, cpu = time.perf_counter(), _cpu()
        try:
            text, quality, stages, extra, trusted, second = read_page(folder / row["image"], args)
        except Exception as exc:  # noqa: BLE001 (Tesseract's timeout on a machine too busy: say so, go on)
            print(f"{row['image']:42} not read: {exc}", flush=True)
            continue
        elapsed, cpu = time.perf_counter() - t, _cpu() - cpu
        c = cer(text, row["text"])
        indexed = indexed_error(trusted, row["text"]) if quality == "partial" else c
        is_act = row.get("fields") and quality in KEPT and row["kind"] == "act"
        fields = field_hits(text, row["fields"], second) if is_act else (0, 0)
        every = every_field_hits(text, row["text"], second) if is_act else (0, 0)
        out.append({"level": row["level"], "cer": c, "quality": quality, "seconds": elapsed, "stages": stages,
                    "fields": fields, "every": every, "cpu": cpu, "indexed": indexed})
        if args.pages:  # the reading as the service gives it, for bench/ocr_confusions.py
            with args.pages.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"set": folder.name, "image": row["image"], "level": row["level"],
                                    "kind": row["kind"], "text": text, "second_text": second, "truth": row["text"],
                                    "quality": quality,
                                    "fields": row.get("fields", {}), "cpu": cpu}, ensure_ascii=False) + "\n")
        if extra is not None:
            for cand in extra["candidates"]:
                cand["cer"] = cer(cand["text"], row["text"])
            line = json.dumps({"set": folder.name, "image": row["image"], "level": row["level"],
                               "doc": row.get("doc", row["image"]), "kind": row["kind"], "truth": row["text"],
                               "fields": row.get("fields", {}), **extra}, ensure_ascii=False)
            with args.dump.open("a", encoding="utf-8") as f:  # page by page: a long run interrupted keeps its pages
                f.write(line + "\n")
        stage_txt = " ".join(f"{k}={v:.2f}" for k, v in stages.items())
        how = ("lines " if "line reader" in stages and quality in KEPT else "") + quality
        how += f" (indexed {indexed:.3f})" if quality == "partial" else ""
        flag = "  KEPT GARBAGE" if quality in KEPT and indexed > GARBAGE else ""
        print(f"{row['image']:42} CER {c:.3f}  {how:6} {elapsed:5.1f}s cpu {cpu:4.1f}s {stage_txt}{flag}", flush=True)
        if args.show:
            print(text[:400])
    return out


def summary(name: str, rows: list[dict]) -> None:  # type: ignore[type-arg]
    """CER per level over the pages read, read in part and retaken, kept garbage, form fields and time."""
    print(f"\n== {name}")
    print(f"{'level':16} {'pages':>5} {'read':>4} {'partial':>7} {'retake':>6} {'mean CER':>9} {'max CER':>8} "
          f"{'partial indexed':>15} {'kept garbage':>13}  (CER over pages read or read in part)")
    for level in sorted({r["level"] for r in rows}):
        at = [r for r in rows if r["level"] == level]
        kept = [r for r in at if r["quality"] in KEPT]
        read = [r["cer"] for r in kept]
        part = [r["indexed"] for r in kept if r["quality"] == "partial"]
        garbage = sum(r["indexed"] > GARBAGE for r in kept)
        mean = f"{sum(read) / len(read):9.3f}" if read else "        -"
        worst = f"{max(read):8.3f}" if read else "       -"
        indexed = f"{max(part):15.3f}" if part else f"{'-':>15}"
        print(f"{level:16} {len(at):>5} {len(read) - len(part):>4} {len(part):>7} {len(at) - len(read):>6} {mean} "
              f"{worst} {indexed} {garbage:>6}/{len(at):<2} {garbage / len(at):4.2f}")
    got, want = sum(r["fields"][0] for r in rows), sum(r["fields"][1] for r in rows)
    print(f"form fields exact on kept pages: {got}/{want}" + (f" = {got / want:.3f}" if want else ""))
    got, want = sum(r["every"][0] for r in rows), sum(r["every"][1] for r in rows)
    print(f"every field of the true text, same on kept pages: {got}/{want}" + (f" = {got / want:.3f}" if want else ""))
    seconds = sorted(r["seconds"] for r in rows)
    print(f"time per page: mean {sum(seconds) / len(seconds):.1f} s, max {seconds[-1]:.1f} s")
    cpu = sorted(r["cpu"] for r in rows)
    print(f"CPU per page (this process and its Tesseract runs; on a busy machine the fair measure; with two "
          f"cores the wall time is between half of it and all of it): mean {sum(cpu) / len(cpu):.1f} s, "
          f"max {cpu[-1]:.1f} s")
    stage_sums: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for k, v in r["stages"].items():
            stage_sums[k].append(v)
    print("mean per stage (pages that reached it): "
          + " ".join(f"{k} {sum(v) / len(v):.2f}s" for k, v in stage_sums.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", type=Path, required=True, action="append", help="a folder with manifest.jsonl; repeatable")
    ap.add_argument("--raw", action="store_true", help="plain Tesseract, no preprocessing (baseline)")
    ap.add_argument("--second", default="Cyrillic", help="model for the second reading; empty: read once")
    ap.add_argument("--no-lines", action="store_true", help="no line reader for pages Tesseract cannot read")
    ap.add_argument("--level", action="append", help="only this level (L0..L5); repeatable")
    ap.add_argument("--dump", type=Path, help="read every page with both readers and write their signals here "
                                              "(JSON lines appended page by page, for bench/fit_keep.py); "
                                              "times then count both")
    ap.add_argument("--pages", type=Path, help="append each page's reading here as a JSON line (image, level, "
                                               "text, truth, quality, fields) for bench/ocr_confusions.py")
    ap.add_argument("--part", help="only every n-th page from the k-th, as k/n (to spread a set over processes)")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    results = {folder: run_set(folder, args) for folder in args.set}
    for folder, rows in results.items():
        summary(str(folder), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
