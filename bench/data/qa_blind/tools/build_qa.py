# -*- coding: utf-8 -*-
"""Собирает qa.jsonl, dialogues.jsonl, meaning.jsonl, split.json и проверяет ВСЁ автоматически.
Перед запуском: build_corpus.py и extract_texts.py. Отчёт: tools/check_report.txt.
Выход с кодом 1, если есть ошибки (вопросы с ошибками НЕ пишутся в qa.jsonl, а перечисляются в отчёте)."""
import collections, json, os, random, re, sys
sys.path.insert(0, os.path.dirname(__file__))
from questions_src import Q
from dialogues_src import DIALOGUES
from meaning_src import MEANING

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXTS = json.load(open(os.path.join(ROOT, "tools", "doc_texts.json"), encoding="utf-8"))
MANIFEST = [json.loads(l) for l in open(os.path.join(ROOT, "corpus", "manifest.jsonl"), encoding="utf-8")]
FMT = {m["doc_id"]: m["format"] for m in MANIFEST}

MIN = {"direct": 40, "paraphrase": 50, "jargon": 50, "typo": 40, "procedure": 40, "prohibition": 30,
       "from_table": 35, "from_scan": 20, "multi_doc": 20, "kk": 25, "en": 20,
       "unanswerable_near_miss": 70, "unanswerable_off_topic": 15}


def norm(s):
    s = s.lower().replace("ё", "е").replace("\u00a0", " ").replace("\u202f", " ")
    s = re.sub(r"[‐‑‒–—−]", "-", s)
    s = re.sub(r"[«»“”„]", '"', s)
    s = re.sub(r"(?<=\d),(?=\d)", ".", s)
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"(?<=\d) (?=\d)", "", s)
    return s.strip()


NT = {k: norm(v) for k, v in TEXTS.items()}


def has(doc, fact):
    return norm(fact) in NT[doc]


def ordered_ok(doc, facts):
    pos = 0
    for f in facts:
        i = NT[doc].find(norm(f), pos)
        if i < 0:
            return False, f
        pos = i + len(norm(f))
    return True, None


def slang_present(doc, s):
    s = norm(s)
    if s.endswith("*"):
        pat = r"(?<!\w)" + re.escape(s[:-1])
    else:
        pat = r"(?<!\w)" + re.escape(s) + r"(?!\w)"
    return re.search(pat, NT[doc]) is not None


def split_docs():
    rng = random.Random(21)
    by_fmt = collections.defaultdict(list)
    for m in MANIFEST:
        by_fmt[m["format"]].append(m["doc_id"])
    tune, valid = [], []
    for f in sorted(by_fmt):
        ids = sorted(by_fmt[f]); rng.shuffle(ids)
        k = round(0.6 * len(ids))
        tune += ids[:k]; valid += ids[k:]
    return sorted(tune), sorted(valid)


STEM = re.compile(r"[a-zа-яәғқңөұүһі0-9]+")


def stems(s):
    return {w[:5] for w in STEM.findall(norm(s)) if len(w) >= 5}


def main():
    errors, warns, out = [], [], []
    tune, valid = split_docs()
    split_of = {d: "tune" for d in tune}; split_of.update({d: "valid" for d in valid})
    off_i = 0
    seen_q = set()
    for n, (typ, doc, q, facts, kw) in enumerate(Q):
        e = []
        if norm(q) in seen_q:
            e.append("duplicate question")
        seen_q.add(norm(q))
        item = {"id": None, "question": q, "type": typ}
        if typ == "unanswerable_near_miss":
            item.update(doc_id=None, answer_facts=[], topic_doc=doc, note={"missing": kw["missing"]})
            if kw.get("other_chain_has"):
                item["note"]["other_chain_has"] = kw["other_chain_has"]
            miss = norm(kw["missing"])
            if miss in NT[doc]:
                e.append("missing entity %r PRESENT in topic doc %s" % (kw["missing"], doc))
            others = [d for d in NT if d != doc and miss in NT[d]]
            if others:
                warns.append("near-miss %r: %r occurs in other docs %s (question carries chain/doc marker?)" % (q, kw["missing"], others))
            sp = split_of[doc]
        elif typ == "unanswerable_off_topic":
            item.update(doc_id=None, answer_facts=[])
            sp = "tune" if off_i % 2 == 0 else "valid"; off_i += 1
        else:
            docs = doc if isinstance(doc, list) else [doc]
            item.update(doc_id=doc, answer_facts=facts)
            if not facts:
                e.append("no facts")
            for f in facts:
                if not any(has(d, f) for d in docs):
                    e.append("fact %r not found in %s" % (f, docs))
            if len(docs) > 1:
                for d in docs:
                    if not any(has(d, f) for f in facts):
                        e.append("doc %s supports no fact" % d)
            if kw.get("ordered"):
                item["ordered"] = True
                ok, bad = ordered_ok(docs[0], facts)
                if not ok:
                    e.append("order broken at %r" % bad)
            if typ == "jargon":
                sl = kw.get("slang") or []
                if not sl:
                    e.append("jargon without slang note")
                for s in sl:
                    for d in docs:
                        if slang_present(d, s):
                            e.append("slang %r present in %s" % (s, d))
                item["note"] = {"slang": sl}
            if typ == "from_scan" and not all(FMT[d] == "scan" for d in docs):
                e.append("from_scan on non-scan doc")
            if typ == "paraphrase":
                # доля «ключевых» основ вопроса, встречающихся в предложении с первым фактом
                t = NT[docs[0]]; i = t.find(norm(facts[0]))
                sent = t[max(0, t.rfind(".", 0, max(0, i - 2)) + 1): t.find(".", i + len(norm(facts[0]))) + 1 if t.find(".", i + len(norm(facts[0]))) > 0 else len(t)]
                qs = stems(q) - {"берек", "сарыа"}
                ov = len(qs & stems(sent)) / max(1, len(qs))
                item["_overlap"] = round(ov, 2)
                if ov > 0.5:
                    warns.append("paraphrase overlap %.2f: %s" % (ov, q))
            sp = split_of[docs[0]]
        item["split"] = sp
        if e:
            errors.append((q, e))
            continue
        out.append(item)
    for i, it in enumerate(out):
        it["id"] = "qb-%04d" % (i + 1)
    overlaps = [it.pop("_overlap") for it in out if "_overlap" in it]
    # порядок ключей
    keys = ["id", "question", "doc_id", "answer_facts", "type", "ordered", "split", "topic_doc", "note"]
    with open(os.path.join(ROOT, "qa.jsonl"), "w", encoding="utf-8") as fo:
        for it in out:
            fo.write(json.dumps({k: it[k] for k in keys if k in it}, ensure_ascii=False) + "\n")

    # ---------- диалоги
    dl = []
    for n, turns in enumerate(DIALOGUES):
        for t in turns:
            if t.get("doc_id"):
                for f in t["answer_facts"]:
                    if not has(t["doc_id"], f):
                        errors.append(("dialogue %d: %s" % (n + 1, t["question"]), ["fact %r not in %s" % (f, t["doc_id"])]))
            else:
                m = norm(t["note"]["missing"])
                if m in NT[t["topic_doc"]]:
                    errors.append(("dialogue %d" % (n + 1), ["missing present"]))
        first = turns[0]["doc_id"]
        dl.append({"id": "qd-%02d" % (n + 1), "turns": turns, "split": split_of[first]})
    with open(os.path.join(ROOT, "dialogues.jsonl"), "w", encoding="utf-8") as fo:
        for d in dl:
            fo.write(json.dumps(d, ensure_ascii=False) + "\n")

    # ---------- смысл
    ml = []
    for n, (kind, doc, q, lst) in enumerate(MEANING):
        it = {"id": "qm-%02d" % (n + 1), "question": q, "doc_id": doc, "kind": kind, "split": split_of[doc]}
        if kind == "procedure":
            it["must_contain_in_order"] = lst
            ok, bad = ordered_ok(doc, lst)
            if not ok:
                errors.append(("meaning %d" % (n + 1), ["order broken at %r" % bad]))
        else:
            it["must_contain"] = lst
            for f in lst:
                if not has(doc, f):
                    errors.append(("meaning %d: %s" % (n + 1, q), ["%r not in %s" % (f, doc)]))
        ml.append(it)
    with open(os.path.join(ROOT, "meaning.jsonl"), "w", encoding="utf-8") as fo:
        for m in ml:
            fo.write(json.dumps(m, ensure_ascii=False) + "\n")

    json.dump({"seed": 21, "method": "stratified by format, round(0.6*n) of each format to tune",
               "tune": tune, "valid": valid}, open(os.path.join(ROOT, "split.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)

    # ---------- сводка
    cnt = collections.Counter(it["type"] for it in out)
    cnt_split = collections.Counter((it["type"], it["split"]) for it in out)
    docs_cov = collections.Counter()
    for it in out:
        d = it.get("doc_id") or it.get("topic_doc")
        for x in (d if isinstance(d, list) else [d]):
            if x: docs_cov[x] += 1
    rep = []
    rep.append("questions written: %d, kept: %d, dropped (errors): %d" % (len(Q), len(out), len(errors)))
    for t in MIN:
        rep.append("  %-26s %4d (min %d) tune %d / valid %d %s" % (t, cnt[t], MIN[t], cnt_split[(t, "tune")], cnt_split[(t, "valid")], "" if cnt[t] >= MIN[t] else "  <-- BELOW MIN"))
    un = cnt["unanswerable_near_miss"] + cnt["unanswerable_off_topic"]
    rep.append("unanswerable share: %.1f%%" % (100.0 * un / max(1, len(out))))
    rep.append("split: tune %d / valid %d questions; docs tune %d / valid %d" % (
        sum(1 for i in out if i["split"] == "tune"), sum(1 for i in out if i["split"] == "valid"), len(tune), len(valid)))
    missing_docs = [m["doc_id"] for m in MANIFEST if docs_cov[m["doc_id"]] == 0]
    rep.append("documents without questions: %s" % (missing_docs or "none"))
    rep.append("questions per document: min %d, max %d" % (min(docs_cov[m["doc_id"]] for m in MANIFEST), max(docs_cov.values())))
    rep.append("dialogues: %d (%d turns, own_subject turns %d)" % (len(dl), sum(len(d["turns"]) for d in dl), sum(1 for d in dl for t in d["turns"] if t.get("own_subject"))))
    rep.append("meaning items: %d %s" % (len(ml), dict(collections.Counter(m["kind"] for m in ml))))
    if overlaps:
        rep.append("paraphrase stem overlap with answer sentence: mean %.2f, max %.2f" % (sum(overlaps) / len(overlaps), max(overlaps)))
    rep.append("")
    rep.append("ERRORS (%d):" % len(errors))
    for q, e in errors:
        rep.append("  - %s :: %s" % (q, "; ".join(e)))
    rep.append("WARNINGS (%d):" % len(warns))
    for w in warns:
        rep.append("  - " + w)
    txt = "\n".join(rep)
    open(os.path.join(ROOT, "tools", "check_report.txt"), "w", encoding="utf-8").write(txt + "\n")
    print(txt)
    below = [t for t in MIN if cnt[t] < MIN[t]]
    sys.exit(1 if (errors or below or missing_docs) else 0)


if __name__ == "__main__":
    main()
