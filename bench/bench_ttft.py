"""Time to first token that the assistant adds over the raw LLM server, retrieval excluded.

A scripted OpenAI-compatible server on loopback streams the reply (it answers at once, so what is
measured is our own work and the HTTP hops, not a model). For each question the passages are
retrieved first (not timed), then, alternating order to cancel drift:

- raw: the same prompt sent straight to the server with the client; time to the first piece;
- assistant: ``LLMAnswerer.stream`` (prompt templates, fragment escaping, the request); time to its
  first ``delta`` event.

The overhead is assistant − raw per pair; the figure of merit is its p95 (target ≤ 50 ms). The
full HTTP path (POST /api/v1/ask/stream through uvicorn, retrieval included) is reported beside it,
with the median retrieval time, for context.

    python bench/bench_ttft.py [--rounds 40]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the scripted server lives with the tests

QUESTIONS = ["Пистолет не отстреливает, что жать?", "Какой лимит наличных в кассе?",
             "Сколько ждать отстоя после приезда бензовоза?", "Что делать при крупном проливе?",
             "Когда приезжает инкассация?", "Что делать, если пропал свет на АЗС?"]
REPLY = "Нажмите кнопку «СТОП» на пульте ТРК [1]. Затем вызовите сервисную службу [1]."


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40, help="passes over the questions")
    args = ap.parse_args()

    import logging

    import httpx

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)  # the raw client hangs up after its first piece

    from tests.fake_llm import Reply, ScriptedLLM, start
    from tests.loopback import serve

    from azs_assistant.api.app import create_app
    from azs_assistant.assistant.answer import Answer
    from azs_assistant.llm.generate import build_messages
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    fake = ScriptedLLM(handler=lambda body: Reply(REPLY))
    llm_server, llm_thread = start(fake)
    data = Path(tempfile.mkdtemp(prefix="azs-ttft-"))
    svc = Services(Settings(data_dir=data, llm_base_url=fake.url, answer_cache=False))
    svc.ingestor.ingest_paths([ROOT / "demo" / "knowledge_base"])
    assert svc.llm is not None and svc.llm_answerer is not None
    retrieved = {q: svc.assistant.retrieve(q) for q in QUESTIONS}

    def raw(q: str) -> float:
        _, evidence = retrieved[q]
        messages = build_messages(q, evidence[:5])  # built before the clock: the raw client gets it ready-made
        t0 = time.perf_counter()
        for _ in svc.llm.stream(messages):  # type: ignore[union-attr]
            return time.perf_counter() - t0
        raise RuntimeError("empty stream")

    def assistant(q: str) -> float:
        _, evidence = retrieved[q]
        fallback = Answer(q, "—", False)
        t0 = time.perf_counter()
        for event in svc.llm_answerer.stream(q, evidence, fallback):  # type: ignore[union-attr]
            if event["type"] == "delta":
                return time.perf_counter() - t0
        raise RuntimeError("no delta")

    for q in QUESTIONS:  # warm connections and caches
        raw(q), assistant(q)
    overhead, raws, ours = [], [], []
    for r in range(args.rounds):
        for q in QUESTIONS:
            if r % 2:
                a, b = raw(q), assistant(q)
            else:
                b, a = assistant(q), raw(q)
            raws.append(a * 1000)
            ours.append(b * 1000)
            overhead.append((b - a) * 1000)

    # the whole HTTP path, for context: uvicorn + auth + retrieval + the stream
    api_server, api_thread, port = serve(create_app(svc, background=False))
    key, _ = svc.access.create_key("bench", ["operator"], stations=["*"], regions=[], department=None,
                                   rate_per_minute=0, actor="bench")
    http, retrieval = [], []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": key}, timeout=30) as client:
        for _ in range(max(3, args.rounds // 4)):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                svc.assistant.retrieve(q)
                retrieval.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                with client.stream("POST", "/api/v1/ask/stream", json={"question": q}) as resp:
                    for line in resp.iter_lines():
                        if line.startswith("event: delta"):
                            http.append((time.perf_counter() - t0) * 1000)
                            break
    api_server.should_exit = True
    llm_server.should_exit = True

    result = {
        "pairs": len(overhead),
        "raw_ttft_ms": {"p50": round(statistics.median(raws), 2), "p95": round(pct(raws, 0.95), 2)},
        "assistant_ttft_ms": {"p50": round(statistics.median(ours), 2), "p95": round(pct(ours, 0.95), 2)},
        "overhead_ms": {"p50": round(statistics.median(overhead), 2), "p95": round(pct(overhead, 0.95), 2),
                        "max": round(max(overhead), 2)},
        "http_ttft_ms_with_retrieval": {"p50": round(statistics.median(http), 1), "p95": round(pct(http, 0.95), 1)},
        "retrieval_ms": {"p50": round(statistics.median(retrieval), 1), "p95": round(pct(retrieval, 0.95), 1)},
        "target_overhead_p95_ms": 50,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(f"TTFT overhead p95 {result['overhead_ms']['p95']} ms (target ≤ 50): "
          + ("OK" if result["overhead_ms"]["p95"] <= 50 else "OVER"))
    svc.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
