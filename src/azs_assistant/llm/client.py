"""Client for any OpenAI-compatible chat server (vLLM, Ollama, llama.cpp server, TGI, hosted).

It owns the timeouts and turns every transport or protocol failure into ``LLMUnavailable``, so
callers have one error to fall back on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx

from azs_assistant import metrics
from azs_assistant.errors import LLMUnavailable


class LLMClient:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0,
                 max_tokens: int = 700) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self.max_tokens = max_tokens
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                                    timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    def _payload(self, messages: list[dict[str, str]], stream: bool) -> dict[str, Any]:
        return {"model": self.model, "messages": messages, "temperature": 0.1,
                "max_tokens": self.max_tokens, "stream": stream}

    def complete(self, messages: list[dict[str, str]]) -> str:
        """The whole reply text (its arrival counts as the first token: ``azs_llm_time_to_first_token``)."""
        metrics.LLM_REQUESTS.labels("complete").inc()
        started = time.perf_counter()
        try:
            resp = self._client.post("/chat/completions", json=self._payload(messages, False))
            resp.raise_for_status()
            text = resp.json()["choices"][0]["message"]["content"]
            metrics.LLM_TTFT.observe(time.perf_counter() - started)
        except (httpx.HTTPError, KeyError, IndexError, ValueError, TypeError) as exc:
            metrics.LLM_ERRORS.labels("complete").inc()
            raise LLMUnavailable("Языковая модель недоступна.", f"LLM request failed: {exc!r}") from exc
        if not isinstance(text, str) or not text.strip():
            raise LLMUnavailable("Языковая модель вернула пустой ответ.", "LLM returned an empty reply.")
        return text

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        """Reply text in pieces, as the server sends them (server-sent events)."""
        metrics.LLM_REQUESTS.labels("stream").inc()
        started: float | None = time.perf_counter()
        try:
            with self._client.stream("POST", "/chat/completions", json=self._payload(messages, True)) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    delta = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    if delta:
                        if started is not None:
                            metrics.LLM_TTFT.observe(time.perf_counter() - started)
                            started = None
                        yield delta
        except (httpx.HTTPError, KeyError, IndexError, ValueError, TypeError) as exc:
            metrics.LLM_ERRORS.labels("stream").inc()
            raise LLMUnavailable("Языковая модель недоступна.", f"LLM stream failed: {exc!r}") from exc

    def close(self) -> None:
        self._client.close()
