"""Per-address (or per-key) sliding-window rate limits: complaints, sign-ins, API keys.

With Redis (``AZS_CACHE_URL``) the window is shared by every replica, so a limit holds however many
API processes a load balancer spreads the requests over: one sorted set of request times per key,
trimmed and counted in one Lua script (atomic). While Redis does not answer, each process falls back to
its own in-memory window (the documented fallback: a limit then holds per replica), and says so in the
log once a minute. The window is a minute; ``per_minute=0`` turns a limit off. Client addresses come
from trusted proxies only (``AZS_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from typing import Any

from azs_assistant.errors import RateLimited

log = logging.getLogger(__name__)


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
                                  f"Too many requests; retry in {retry} s.",
                                  message_kk=f"Сіздің мекенжайыңыздан сұраныстар тым көп. {retry} с кейін қайталаңыз.",
                                  retry_after=retry)
            hits.append(now)


# KEYS[1] the key's sorted set; ARGV: now (s), window (s), limit, a unique member. Returns 0 when counted,
# else the seconds until the oldest request leaves the window.
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.floor(oldest[2] + ARGV[2] - ARGV[1]) + 1
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(ARGV[2]))
return 0
"""


class SharedRateLimiter(RateLimiter):
    """The same limit kept in Redis for every replica (``namespace`` tells installations apart)."""

    def __init__(self, url: str, namespace: str, per_minute: int, window_s: float = 60.0) -> None:
        super().__init__(per_minute, window_s)
        import redis

        self.namespace = namespace
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._redis.register_script(_SLIDING_WINDOW)
        self._warned = 0.0

    def check(self, key: str, per_minute: int | None = None) -> None:
        limit = self.per_minute if per_minute is None else per_minute
        if limit <= 0:
            return
        try:
            retry = int(self._script(keys=[f"azs:rl:{self.namespace}:{key}"],
                                     args=[time.time(), self.window_s, limit, secrets.token_hex(8)]))
        except Exception as exc:  # Redis away: this process's own window, until it answers again
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                log.warning("общий счётчик ограничений (Redis) недоступен, ограничение действует в этом "
                            "процессе: %s", exc)
            super().check(key, per_minute)
            return
        if retry:
            raise RateLimited(f"Слишком много обращений с вашего адреса. Повторите через {retry} с.",
                              f"Too many requests; retry in {retry} s.",
                              message_kk=f"Сіздің мекенжайыңыздан сұраныстар тым көп. {retry} с кейін қайталаңыз.",
                              retry_after=retry)


def make_limiter(redis_url: str | None, namespace: str, per_minute: int) -> RateLimiter:
    """Shared through Redis when there is one, else in this process."""
    return SharedRateLimiter(redis_url, namespace, per_minute) if redis_url else RateLimiter(per_minute)
