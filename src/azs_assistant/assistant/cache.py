"""A cache of answers to identical questions over an unchanged knowledge base.

The key holds the normalised question, what the asker may read (roles and regions decide which
documents they see), the index and jargon generations (any ingestion or dictionary change makes a
new key), and the model and prompt version, under the installation's namespace (two databases on one
Redis share nothing). Redis when ``AZS_CACHE_URL`` is set, so every worker
shares it; otherwise a small in-process LRU. A Redis that stops answering is logged and bypassed:
the cache never fails a question.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections import OrderedDict
from typing import Any

log = logging.getLogger(__name__)
_SPACES = re.compile(r"\s+")


def normalise_question(question: str) -> str:
    return _SPACES.sub(" ", question.lower().replace("ё", "е")).strip().rstrip("?!. ")


class AnswerCache:
    def __init__(self, url: str | None = None, ttl_s: int = 3600, max_items: int = 1000, namespace: str = "") -> None:
        self.ttl_s, self.namespace = ttl_s, namespace
        self.max_items = max_items
        self._local: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self._redis: Any = None
        if url:
            import redis

            self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.hits = self.misses = 0

    @property
    def backend(self) -> str:
        return "redis" if self._redis is not None else "memory"

    def key(self, question: str, principal: Any, *parts: Any) -> str:
        """The question's key; ``namespace`` (the installation) first, since two installations' generations and
        roles can be equal while their documents differ."""
        who = "*" if principal is None else "|".join(
            [",".join(sorted(principal.roles)), ",".join(sorted(principal.regions))])
        raw = json.dumps([normalise_question(question), who, *[str(p) for p in parts]], ensure_ascii=False)
        return f"azs:answer:{self.namespace}:" + hashlib.sha256(raw.encode()).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        raw: str | bytes | None = None
        if self._redis is not None:
            try:
                raw = self._redis.get(key)
            except Exception as exc:  # noqa: BLE001 - any Redis failure: answer without the cache
                log.warning("answer cache (redis) unavailable: %s", exc)
        else:
            with self._lock:
                raw = self._local.get(key)
                if raw is not None:
                    self._local.move_to_end(key)
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(raw)  # type: ignore[no-any-return]

    def put(self, key: str, value: dict[str, Any]) -> None:
        raw = json.dumps(value, ensure_ascii=False, default=str)
        if self._redis is not None:
            try:
                self._redis.set(key, raw, ex=self.ttl_s)
            except Exception as exc:  # noqa: BLE001
                log.warning("answer cache (redis) unavailable: %s", exc)
            return
        with self._lock:
            self._local[key] = raw
            self._local.move_to_end(key)
            while len(self._local) > self.max_items:
                self._local.popitem(last=False)
