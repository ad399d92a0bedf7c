#!/usr/bin/env bash
# Make sure the PostgreSQL server the tests use is up (start it when installed but stopped) and
# that the test database exists. Prints the URL to use; prints nothing when no server is installed.
set -uo pipefail
DB="${AZS_TEST_PG_DB:-azs_test}"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! command -v pg_isready >/dev/null 2>&1; then
  echo "services: PostgreSQL client not installed; PostgreSQL tests will be skipped" >&2
  exit 0
fi
if ! ready && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    echo "services: starting PostgreSQL $version" >&2
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  done
  for _ in $(seq 1 20); do ready && break; sleep 0.5; done
fi
if ! ready; then
  echo "services: PostgreSQL is not running on 127.0.0.1:5432; PostgreSQL tests will be skipped" >&2
  exit 0
fi
as_pg=(psql -h 127.0.0.1 -U postgres -d postgres -tAq)
if ! "${as_pg[@]}" -c "select 1" >/dev/null 2>&1; then
  as_pg=(su postgres -c "psql -d postgres -tAq")
fi
if ! "${as_pg[@]}" -c "select 1 from pg_database where datname='$DB'" 2>/dev/null | grep -q 1; then
  "${as_pg[@]}" -c "create database $DB" >/dev/null 2>&1 || psql -h 127.0.0.1 -U postgres -c "create database $DB" >/dev/null
fi
echo "postgresql+psycopg://postgres@127.0.0.1:5432/$DB"
