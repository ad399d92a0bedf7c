#!/usr/bin/env bash
# Make sure the Redis server the answer-cache tests use is up (start it when installed but stopped).
# Prints the URL to use; prints nothing when no server is installed.
set -uo pipefail
ready() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! command -v redis-cli >/dev/null 2>&1; then
  echo "services: Redis not installed; Redis tests will be skipped" >&2
  exit 0
fi
if ! ready && command -v redis-server >/dev/null 2>&1; then
  echo "services: starting Redis" >&2
  mkdir -p /tmp/azs-redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /tmp/azs-redis \
    --logfile /tmp/azs-redis/redis.log >&2 || true
  for _ in $(seq 1 20); do ready && break; sleep 0.25; done
fi
if ! ready; then
  echo "services: Redis is not running on 127.0.0.1:6379; Redis tests will be skipped" >&2
  exit 0
fi
echo "redis://127.0.0.1:6379/15"
