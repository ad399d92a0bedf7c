"""Fit the OCR keep-or-retake model (``ocr/models/keep.json``) on the tuning pages, and judge it on the
validation pages and the development set.

    python bench/bench_ocr.py --set bench/data/ocr_unseen/tune --dump tune.jsonl      # both readers' signals
    python bench/bench_ocr.py --set bench/data/ocr_unseen/valid --dump valid.jsonl
    python bench/bench_ocr.py --set ../shared/eval/ocr --dump dev.jsonl
    python bench/fit_keep.py --tune tune.jsonl --valid valid.jsonl --dev dev.jsonl [--write]

Every reading of every tuning page (Tesseract's and the line reader's, whatever the gate said) is a
sample: its signals, and whether its text is within 0.15 character error of the truth. A logistic
regression on the standardised signals gives the probability of a good reading. The keep threshold
is set on the tuning part alone, ``MARGIN`` above the likeliest bad reading there as judged by the
fit and by a fit without that reading's document (leave one document out), so that no tuning page
keeps garbage, not even one the model had not seen; the validation part then shows whether that
holds on pages the fit never saw (its precision/recall curve is printed), and the pipeline's page
decisions are replayed on each set, before (the old fixed thresholds) and after, with CER and kept garbage per level.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

GOOD = 0.15       # a reading within this character error is good
MARGIN = 0.05     # the threshold sits this far above the likeliest bad tuning reading
C = 0.5           # inverse strength of the L2 penalty (few samples: keep the weights modest)


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def samples(pages: list[dict[str, Any]], features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Signals, good or not, and the document of every reading that has signals."""
    xs, ys, docs = [], [], []
    for page in pages:
        for cand in page["candidates"]:
            if cand["features"]:
                xs.append([_value(cand["features"][f]) for f in features])
                ys.append(cand["cer"] <= GOOD)
                docs.append(page["doc"])
    return np.array(xs, float), np.array(ys, bool), docs


def out_of_document(x: np.ndarray, y: np.ndarray, docs: list[str]) -> np.ndarray:
    """Each tuning reading's probability from a model fit without its document: what the model says
    of a page it never saw, so the threshold set on them is not set on the fit's own answers."""
    out = np.zeros(len(y))
    for doc in sorted(set(docs)):
        held = np.array([d == doc for d in docs])
        if len(set(y[~held].tolist())) < 2:
            out[held] = 0.5
            continue
        mean, scale, coef, intercept = fit(x[~held], y[~held])
        z = np.nan_to_num((x[held] - mean) / scale)
        out[held] = 1 / (1 + np.exp(-(z @ coef + intercept)))
    return out


def _value(v: float | None) -> float:
    return math.nan if v is None else float(v)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept) of an L2 logistic regression on standardised signals; a missing
    signal (NaN) counts as the mean."""
    from sklearn.linear_model import LogisticRegression

    mean = np.nanmean(x, axis=0)
    scale = np.nanstd(x, axis=0)
    scale[scale < 1e-6] = 1.0
    z = np.nan_to_num((x - mean) / scale)
    lr = LogisticRegression(C=C, max_iter=2000).fit(z, y)
    return mean, scale, lr.coef_[0], float(lr.intercept_[0])


def curve(p: np.ndarray, y: np.ndarray) -> None:
    """Precision (good among kept) and recall (kept among good) of keeping from each threshold."""
    print(f"{'threshold':>9} {'kept':>5} {'good kept':>9} {'bad kept':>8} {'precision':>9} {'recall':>7}")
    for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98):
        kept = p >= t
        good = int((kept & y).sum())
        bad = int((kept & ~y).sum())
        precision = good / kept.sum() if kept.sum() else 1.0
        print(f"{t:9.2f} {int(kept.sum()):5} {good:9} {bad:8} {precision:9.3f} {good / max(int(y.sum()), 1):7.3f}")


def replay(pages: list[dict[str, Any]], keep: Any, name: str) -> None:  # noqa: ANN401
    """The page gate's decision per page (Tesseract's reading if kept, else the line reader's if kept,
    else retake), summarised per level like bench_ocr.py. Only the gate: the pipeline then settles a kept page
    by its lines (``pipeline.settle``: ``partial``, or ``retake`` when under 5 trusted words are left), which a
    dump's page texts cannot replay; ``bench_ocr.py`` measures that."""
    from bench_ocr import field_hits

    rows: dict[str, list[tuple[str, float]]] = defaultdict(list)
    fields = [0, 0]
    for page in pages:
        chosen = next((c for c in page["candidates"] if c["features"] and keep(c)), None)
        rows[page["level"]].append(("ok", chosen["cer"]) if chosen else ("retake", 0.0))
        if chosen and page["kind"] == "act" and page["fields"]:
            got, want = field_hits(chosen["text"], page["fields"])
            fields[0] += got
            fields[1] += want
    print(f"\n-- {name}")
    print(f"{'level':16} {'pages':>5} {'read':>4} {'mean CER':>9} {'max CER':>8} {'kept garbage':>12}")
    for level in sorted(rows):
        read = [c for q, c in rows[level] if q == "ok"]
        garbage = sum(c > GOOD for c in read)
        mean = f"{np.mean(read):9.3f}" if read else "        -"
        worst = f"{max(read):8.3f}" if read else "       -"
        print(f"{level:16} {len(rows[level]):>5} {len(read):>4} {mean} {worst} {garbage:>8}/{len(rows[level])}")
    if fields[1]:
        print(f"form fields exact on kept pages: {fields[0]}/{fields[1]} = {fields[0] / fields[1]:.3f}")


def old_gate(cand: dict[str, Any]) -> bool:
    """The fixed thresholds the model replaces: Tesseract ≥ 60 mean word confidence, line reader ≥ 85."""
    return cand["confidence"] >= (60.0 if cand["source"] == "tesseract" else 85.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tune", type=Path, required=True)
    ap.add_argument("--valid", type=Path, required=True)
    ap.add_argument("--dev", type=Path)
    ap.add_argument("--write", action="store_true", help="write the model to src/azs_assistant/ocr/models/keep.json")
    args = ap.parse_args()
    from azs_assistant.ocr.quality import FEATURES, MODEL, KeepModel

    tune, valid = load(args.tune), load(args.valid)
    dev = load(args.dev) if args.dev else []
    x, y, docs = samples(tune, FEATURES)
    mean, scale, coef, intercept = fit(x, y)
    model = KeepModel(FEATURES, mean, scale, coef, intercept, 0.5, 0.9)

    def probs(x: np.ndarray) -> np.ndarray:
        return np.array([model.probability({f: (v if not math.isnan(v) else float(model.mean[i]))
                                            for i, (f, v) in enumerate(zip(FEATURES, row, strict=True))})
                         for row in x])

    held_out = out_of_document(x, y, docs)
    bad = np.concatenate([held_out[~y], probs(x)[~y]])
    model.threshold = round(min(0.99, max(0.5, (float(bad.max()) if bad.size else 0.5) + MARGIN)), 3)
    model.sure = round(max(model.threshold, 0.9), 3)
    print(f"tuning readings: {len(y)} ({int(y.sum())} good, {int((~y).sum())} bad) of {len(set(docs))} documents; "
          f"likeliest bad (fit, or fit without its document) {float(bad.max()) if bad.size else 0:.3f} "
          f"-> threshold {model.threshold}")
    print("out-of-document curve on the tuning part:")
    curve(held_out, y)
    print("coefficients (standardised): " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(FEATURES, coef, strict=True))
          + f", intercept {intercept:+.2f}")
    xv, yv, _ = samples(valid, FEATURES)
    pv = probs(xv)
    print(f"\nvalidation readings: {len(yv)} ({int(yv.sum())} good); Brier score {np.mean((pv - yv) ** 2):.3f}")
    curve(pv, yv)
    print(f"operating point {model.threshold}: bad readings kept on validation "
          f"{int(((pv >= model.threshold) & ~yv).sum())}")

    def keep(c: dict[str, Any]) -> bool:
        row = np.array([[_value(c["features"][f]) for f in FEATURES]])
        return bool(probs(row)[0] >= model.threshold)

    for name, pages in (("tune", tune), ("valid", valid), ("dev", dev)):
        if pages:
            replay(pages, old_gate, f"{name}: before (fixed thresholds)")
            replay(pages, keep, f"{name}: after (keep model at {model.threshold})")
    if args.write:
        MODEL.write_text(json.dumps({
            "features": list(FEATURES), "mean": [round(float(v), 6) for v in mean],
            "scale": [round(float(v), 6) for v in scale], "coef": [round(float(v), 6) for v in coef],
            "intercept": round(intercept, 6), "threshold": model.threshold, "sure": model.sure,
            "fit": {"by": "bench/fit_keep.py", "on": args.tune.name, "readings": len(y), "good": int(y.sum()),
                    "date": date.today().isoformat(), "C": C, "good_cer": GOOD, "margin": MARGIN},
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nwritten {MODEL}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
