"""A per-address sliding-window rate limit for the public endpoints (one process, in memory).

Behind a reverse proxy every request comes from the proxy's address: put the limit there too, or
run one worker per proxy address. The window is a minute; ``per_minute=0`` turns the limit off.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from azs_assistant.errors import RateLimited


class RateLimiter:
    def __init__(self, per_minute: int, window_s: float = 60.0, max_keys: int = 100_000) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str, per_minute: int | None = None) -> None:
        """Count one request from ``key``; raise RateLimited (429) when over the limit (``per_minute``
        overrides the limiter's own, e.g. an API key's rate)."""
        limit = self.per_minute if per_minute is None else per_minute
        if limit <= 0:
            return
        now = time.monotonic()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:  # a flood of addresses must not eat memory
                    self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window_s}
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= limit:
                retry = int(hits[0] + self.window_s - now) + 1
                raise RateLimited(f"Слишком много обращений с вашего адреса. Повторите через {retry} с.",
                                  f"Too many requests; retry in {retry} s.", retry_after=retry)
            hits.append(now)
