"""Form-field exactness from OCR dumps, without running OCR: seconds per try on the extraction.

    python bench/bench_ocr.py --set bench/data/ocr_unseen/tune --dump tune.jsonl   # once, to make the dumps
    python bench/eval_fields.py tune.jsonl valid.jsonl dev.jsonl [--show] [--src ../main/src]

For each act page the pipeline kept, the text it kept is the first reading whose dumped ``quality``
is ``ok`` or ``partial`` (Tesseract's before the line reader's, as ``ocr/pipeline.py`` chooses); every printed
field of the page (``fields`` in the manifest) counts once, exact or not (``bench_ocr.field_hits``).
A second line scores every good reading (CER ≤ 0.15) of each act page, kept or not, by both readers:
more texts to learn from than the kept pages alone. A field missed is either a wrong value or
missing (the page then asks the operator for it). ``--show`` prints each miss: the field, what was
wanted and what the extraction found. ``--src`` scores another checkout's extraction (``before``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

GOOD = 0.15  # a reading within this character error is good (as fit_keep.py)


def kept_text(page: dict[str, Any]) -> str | None:
    """The text the pipeline kept for the page, or None when it asked for a retake (the qualities of
    ``azs_assistant.ocr.KEPT``, written out: ``--src`` may be a checkout without it)."""
    return next((c["text"] for c in page["candidates"] if c.get("quality") in ("ok", "partial")), None)


def misses(text: str, truth: dict[str, str]) -> list[tuple[str, str, str]]:
    """(printed label, wanted, found) for each field the extraction did not get exactly."""
    from azs_assistant.forms import extract, load_templates, match_template
    from azs_assistant.forms.extract import normalise

    templates = load_templates()
    template = match_template(text, templates) or templates["inspection_act"]
    got = extract(text, template).fields
    out = []
    for label, value in truth.items():
        spec = next((f for f in template.fields if normalise(label) in [normalise(x) for x in f.labels]), None)
        want = value
        if spec is not None and spec.type == "date":
            d, m, y = value.split(".")
            want = f"{y}-{m}-{d}"
        found = got.get(spec.name) if spec is not None else None
        if str(found) != str(want):
            out.append((label, want, str(found)))
    return out


def score(pages: list[dict[str, Any]], texts: Any, show: bool) -> tuple[int, int, int]:  # noqa: ANN401
    """(exact, all, wrong) fields over the texts ``texts(page)`` gives for each act page; a wrong one
    has a value that is not the printed one (worse than none: nothing asks the operator to fill it)."""
    exact = total = wrong_values = 0
    for page in pages:
        if page["kind"] != "act" or not page["fields"]:
            continue
        for name, text in texts(page):
            wrong = misses(text, page["fields"])
            exact += len(page["fields"]) - len(wrong)
            wrong_values += sum(found != "None" for _, _, found in wrong)
            total += len(page["fields"])
            for label, want, found in wrong if show else []:
                print(f"   {page['doc']} {page['level']} {name}: {label}: want {want!r}, found {found!r}")
    return exact, total, wrong_values


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dumps", type=Path, nargs="+", help="bench_ocr.py --dump files (tune, valid, dev)")
    ap.add_argument("--show", action="store_true", help="print every field missed")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the code to score (default: this checkout's)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.src.resolve()))
    for path in args.dumps:
        pages = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        kept = score(pages, lambda p: [("kept", t)] if (t := kept_text(p)) is not None else [], args.show)
        good = score(pages, lambda p: [(c["source"], c["text"]) for c in p["candidates"] if c["cer"] <= GOOD],
                     args.show)
        for what, (exact, total, wrong) in (("kept pages", kept), ("good readings", good)):
            rate = f"{exact / total:.3f}" if total else "-"
            print(f"{path.stem:8} {what:14} form fields exact {exact:3}/{total:<3} = {rate}   "
                  f"wrong value {wrong}, missing {total - exact - wrong}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
