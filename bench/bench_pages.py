"""Server time of the chat and documents pages with the demo knowledge base (15 documents): the chat
with a 20-turn conversation and its history sidebar, the documents list plain and filtered, one
document's page (text by section, summary, versions) and its original. In-process client, real SQLite.

    python bench/bench_pages.py [--rounds 30]

Prints the median and the 95th percentile per page; the summary of each document is computed on its
first view and stored, so that first view is reported on its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fastapi.testclient import TestClient  # noqa: E402

from azs_assistant.api.app import create_app  # noqa: E402
from azs_assistant.services import Services  # noqa: E402
from azs_assistant.settings import Settings  # noqa: E402

PASSWORD = "пароль-для-замера-2026"
QUESTIONS = ["Как принять бензовоз?", "Что делать при проливе топлива?", "Когда снимать Z-отчёт?",
             "Куда звонить, если погас свет?", "Как передать смену?"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    svc = Services(Settings(data_dir=Path(tempfile.mkdtemp()), embeddings="none"))
    for path in sorted((ROOT / "demo" / "knowledge_base").iterdir()):
        svc.ingestor.ingest_bytes(path.read_bytes(), f"uploads/{path.name}")
    svc.access.add_user("bench", PASSWORD, ["admin"], stations=["*"])
    with TestClient(create_app(svc, background=False)) as web:
        web.post("/login", data={"username": "bench", "password": PASSWORD})
        page = web.get("/").text
        csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        conversation = None
        for i in range(20):
            body = {"question": QUESTIONS[i % len(QUESTIONS)], "conversation_id": conversation}
            answer = web.post("/api/v1/ask", json=body, headers={"X-CSRF-Token": csrf}).json()
            conversation = answer["conversation_id"]
        doc = svc.documents.find("uploads/01_priem_topliva.md").id
        started = time.perf_counter()
        assert web.get(f"/documents/{doc}").status_code == 200
        first = 1000 * (time.perf_counter() - started)
        print(f"first view of a document (its summary made and stored): {first:.1f} ms")
        pages = {"chat, empty": "/", "chat, 20 turns": f"/?c={conversation}", "documents": "/documents",
                 "documents, filtered": "/documents?q=топлив&kind=md&sort=-updated",
                 "document page": f"/documents/{doc}", "original": f"/documents/{doc}/original"}
        for name, url in pages.items():
            times = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                response = web.get(url)
                times.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            print(f"{name:22} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
    svc.close()


if __name__ == "__main__":
    main()
