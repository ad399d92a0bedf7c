"""The LLM server goes down while the API runs: questions get the extractive answer at once (the
connection is refused, no timeout to wait out) with a notice, the answer log says so, and generated
answers come back by themselves when the server does, without restarting the app."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from azs_assistant.api.app import create_app
from azs_assistant.services import Services
from azs_assistant.settings import Settings
from azs_assistant.storage.models import AnswerLog
from tests.conftest import DEMO_KB, authorize
from tests.fake_llm import Reply, ScriptedLLM, start

QUESTION = {"question": "Пистолет не отстреливает, что жать?"}
GENERATED = "Нажмите кнопку «СТОП» на пульте ТРК или аварийную кнопку [1]."


def test_with_the_llm_server_down_answers_are_extractive_and_generation_resumes(tmp_path: Path) -> None:
    fake = ScriptedLLM()
    server, thread = start(fake)
    port = int(fake.url.rsplit(":", 1)[1].split("/")[0])
    svc = Services(Settings(data_dir=tmp_path, embeddings="none", llm_base_url=fake.url,
                            llm_model="llama-3-8b-instruct", answer_cache=False, llm_timeout_s=3))
    svc.ingestor.ingest_paths([DEMO_KB / "04_neispravnosti_trk.md", DEMO_KB / "05_proliv.txt"])
    try:
        with TestClient(create_app(svc, background=False)) as client:
            authorize(client, svc)
            fake.script(Reply(GENERATED))
            up = client.post("/api/v1/ask", json=QUESTION).json()

            server.should_exit = True
            thread.join(10)
            started = time.monotonic()
            down = client.post("/api/v1/ask", json=QUESTION)
            took = time.monotonic() - started
            streamed = client.post("/api/v1/ask/stream", json=QUESTION)

            server, thread = start(fake, port)  # back where the client looks for it
            fake.script(Reply(GENERATED))
            back = client.post("/api/v1/ask", json=QUESTION).json()
        with svc.db.session() as s:
            modes = list(s.scalars(select(AnswerLog.mode).order_by(AnswerLog.id)))
    finally:
        server.should_exit = True
        thread.join(10)
        svc.close()

    assert up["mode"] != "extractive" and up["notice"] is None, up
    body = down.json()
    assert down.status_code == 200 and body["mode"] == "extractive" and "СТОП" in body["answer"]
    assert body["notice"] and "недоступна" in body["notice"] and not body["abstained"]
    assert took < 3, took  # refused at once: not the 3 s timeout
    assert streamed.status_code == 200 and "СТОП" in streamed.text
    assert back["mode"] == up["mode"] and back["notice"] is None  # generation resumed without a restart
    assert modes[:2] == [up["mode"], "extractive"] and modes[-1] == up["mode"]
