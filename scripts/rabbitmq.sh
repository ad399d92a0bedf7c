#!/usr/bin/env bash
# Make sure the RabbitMQ server the job-queue tests use is up (start it when installed but stopped).
# Prints the AMQP URL to use; prints nothing when no server is installed. The fault tests start their
# own private nodes on spare ports (tests/brokers.py) and never stop this one.
set -uo pipefail
ready() { (echo > /dev/tcp/127.0.0.1/5672) >/dev/null 2>&1; }
if ! command -v rabbitmq-server >/dev/null 2>&1; then
  echo "services: RabbitMQ not installed; broker tests will be skipped" >&2
  exit 0
fi
if ! ready; then
  echo "services: starting RabbitMQ" >&2
  if command -v rabbitmq-server >/dev/null 2>&1; then
    rabbitmq-server -detached >&2 2>&1 || true
  fi
  for _ in $(seq 1 120); do ready && break; sleep 0.5; done
fi
if ! ready; then
  echo "services: RabbitMQ is not running on 127.0.0.1:5672; broker tests will be skipped" >&2
  exit 0
fi
echo "amqp://guest:guest@127.0.0.1:5672/%2F"
