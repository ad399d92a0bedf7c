"""The one place that runs PostgreSQL's ``pg_dump`` and ``pg_restore`` (Debian package postgresql-client,
whose major version must be at least the server's). The password goes in the child's environment, never
on its command line, where ``ps`` would show it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy.engine import make_url

from azs_assistant.errors import BackupFailed, ConfigError

TIMEOUT_S = 6 * 3600  # a dump of a large database takes long; a hung one must still end



def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ConfigError(f"Не найдена программа {name}: установите пакет postgresql-client "
                          "(apt-get install postgresql-client) той же или более новой версии, что сервер.",
                          f"{name} not found: install postgresql-client.")
    return found


def connection(url: str) -> tuple[dict[str, str], str | None]:
    """libpq environment for a SQLAlchemy URL, and the schema its ``search_path`` option names (if any)."""
    parsed = make_url(url)
    env = {k: v for k, v in {"PGHOST": parsed.host, "PGPORT": str(parsed.port or ""), "PGUSER": parsed.username,
                             "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}.items() if v}
    schema = None
    for option in str(parsed.query.get("options", "")).split():
        option = unquote(option)
        if option.startswith("-csearch_path="):
            schema = option.split("=", 1)[1].split(",")[0].strip() or None
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if key in parsed.query:
            env[f"PG{key.upper()}"] = str(parsed.query[key])
    return env, schema


def _run(args: list[str], url: str, what: str) -> None:
    env, _ = connection(url)
    try:
        done = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise BackupFailed(f"{what}: превышено время ожидания.", f"{what}: timed out.") from exc
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-3:]
        raise BackupFailed(f"{what} завершился с ошибкой: {' '.join(detail)}", f"{what} failed: {' '.join(detail)}")


def dump(url: str, target: Path) -> None:
    """A consistent snapshot (one transaction) in pg_dump's custom format."""
    _, schema = connection(url)
    args = [_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
    _run(args + ([f"--schema={schema}"] if schema else []), url, "pg_dump")


def restore(url: str, source: Path, *, clean: bool) -> None:
    """Load a dump in one transaction (all or nothing); ``clean`` drops the objects it replaces first."""
    args = [_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
            f"--dbname={connection(url)[0].get('PGDATABASE', '')}"]
    _run(args + (["--clean", "--if-exists"] if clean else []) + [str(source)], url, "pg_restore")
