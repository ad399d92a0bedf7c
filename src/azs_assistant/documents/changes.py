"""What changed between two versions of a document, sentence by sentence.

Computed at ingestion, while the old passages are still in the database, from their sentences and
list items grouped by section: a sentence of the old version that has no twin in the new one was
removed or changed, and a changed one is paired with the most similar new sentence of the same
section. Numbers that differ in a changed sentence are listed, because they are what people look
for («было 0,4%, стало 0,5%»).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

from azs_assistant import i18n
from azs_assistant.documents.chunking import units_of

_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_SPACES = re.compile(r"\s+")
PAIR_SIMILARITY = 0.55  # below this a removed and an added sentence are two changes, not one edit
PAIR_BUDGET = 40_000  # sentence comparisons at most, so a rewritten manual does not stall ingestion
TEXTS = "azs_assistant.documents"  # documents/i18n
MAX_ITEMS = 200  # a rewritten document: list this many changes, then count the rest


def _key(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def sentences(chunks: Iterable[Any]) -> list[tuple[str, str]]:
    """(section, sentence) of passages, in document order."""
    out: list[tuple[str, str]] = []
    for chunk in chunks:
        for unit in units_of(chunk):
            if unit.strip():
                out.append((chunk.section or "", unit.strip()))
    return out


def numbers(text: str) -> list[str]:
    return _NUMBER.findall(text)


def diff_versions(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> dict[str, Any]:
    """Changes from ``old`` to ``new`` ((section, sentence) lists): a JSON-ready dict."""
    old_keys = {_key(t) for _, t in old}
    new_keys = {_key(t) for _, t in new}
    removed = [(s, t) for s, t in old if _key(t) not in new_keys]
    added = [(s, t) for s, t in new if _key(t) not in old_keys]
    changed: list[dict[str, Any]] = []
    unpaired_added = list(added)
    still_removed: list[tuple[str, str]] = []
    pairing = len(removed) * len(added) <= PAIR_BUDGET  # a rewrite: list what went and came, unpaired
    for section, text in removed:
        if not pairing:
            still_removed.append((section, text))
            continue
        best, best_ratio = None, 0.0
        for cand in unpaired_added:
            ratio = SequenceMatcher(None, _key(text), _key(cand[1]), autojunk=False).ratio()
            if cand[0] == section:
                ratio += 0.05  # the same section: more likely an edit than a move
            if ratio > best_ratio:
                best, best_ratio = cand, ratio
        if best is not None and best_ratio >= PAIR_SIMILARITY:
            unpaired_added.remove(best)
            was, now = numbers(text), numbers(best[1])
            differ = {"old": [n for n in was if n not in now], "new": [n for n in now if n not in was]}
            changed.append({"section": best[0], "old": text, "new": best[1], "numbers": differ})
        else:
            still_removed.append((section, text))
    old_sections = {s for s, _ in old}
    new_sections = {s for s, _ in new}
    data = {
        "changed": changed[:MAX_ITEMS],
        "added": [{"section": s, "text": t} for s, t in unpaired_added[:MAX_ITEMS]],
        "removed": [{"section": s, "text": t} for s, t in still_removed[:MAX_ITEMS]],
        "sections_added": sorted(new_sections - old_sections),
        "sections_removed": sorted(old_sections - new_sections),
        "counts": {"changed": len(changed), "added": len(unpaired_added), "removed": len(still_removed)},
    }
    return data


def describe_changes(data: dict[str, Any], title: str, from_version: int, to_version: int,
                     limit: int = 12, lang: str = "ru") -> str:
    """A plain-language account of the changes, most telling first: edits with their numbers,
    then what was added and removed. The frame is in ``lang``; the quoted sentences are the document's."""
    def say(key: str, **params: object) -> str:
        return i18n.text(TEXTS, key, lang, **params)

    counts = data["counts"]
    head = say("changes_head", title=title, old=from_version, new=to_version)
    if not any(counts.values()):
        return f"{head} {say('changes_none')}"
    lines = [f"{head} " + say("changes_counts", changed=counts["changed"], added=counts["added"],
                              removed=counts["removed"])]
    for kind in ("sections_added", "sections_removed"):
        if data[kind]:
            named = "; ".join(f"«{_short(s)}»" for s in data[kind][:5])
            lines.append(say(f"changes_{kind}", sections=named))
    shown = 0
    for item in data["changed"]:
        if shown >= limit:
            break
        where = f"[{_short(item['section'])}] " if item["section"] else ""
        nums = item["numbers"]
        numbers = say("changes_numbers", old=", ".join(nums["old"]) or "—", new=", ".join(nums["new"]) or "—") \
            if nums["old"] or nums["new"] else ""
        lines.append("— " + say("changes_edited", where=where, numbers=numbers, new=_clip(item["new"]),
                                old=_clip(item["old"])))
        shown += 1
    for kind in ("added", "removed"):
        for item in data[kind]:
            if shown >= limit:
                break
            where = f"[{_short(item['section'])}] " if item["section"] else ""
            lines.append("— " + say(f"changes_{kind}", where=where, text=_clip(item["text"])))
            shown += 1
    rest = sum(counts.values()) - shown
    if rest > 0:
        lines.append(say("changes_more", count=rest))
    return "\n".join(lines)


def _short(section: str) -> str:
    return section.rsplit(" › ", 1)[-1][:80]


def _clip(text: str, n: int = 220) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
