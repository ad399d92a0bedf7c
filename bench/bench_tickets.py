"""Complaint intake under load: the real server (``azs serve``) on loopback, a steady stream of
POST /api/v1/tickets at a fixed rate from an asyncio load generator, then a count of what was stored.
Also the classification time per ticket, in-process.

    python bench/bench_tickets.py [--rate 50] [--seconds 20]

The client is another system with an API key (as a mobile app would be); the per-address and per-key
rate limits are switched off for the run (AZS_TICKET_RATE_PER_MINUTE=0, --rate 0): all load comes
from one loopback address, and the limits are policies tested on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBLEMS = [
    "Заправил {n} литров, а в бак вошло меньше, колонка {d}", "Списали {m} тг два раза за одну заправку",
    "Кассир нагрубил и не дал чек", "Бонусы не начислились за заправку", "В туалете грязно, нет бумаги",
    "Колонка {d} не работает уже неделю", "После вашего бензина машина троит", "Спасибо заправщику за помощь",
    "Пахнет газом у колонки {d}!", "Залили дизель вместо бензина", "Во сколько закрывается АЗС?",
]


def text(i: int) -> str:
    rnd = random.Random(i)
    return rnd.choice(PROBLEMS).format(n=rnd.randint(10, 60), d=rnd.randint(1, 8), m=rnd.randint(2, 40) * 1000) + \
        f" (АЗС-{rnd.randint(1, 12):03d}, заявка {i})"


async def load(url: str, key: str, rate: float, seconds: float) -> tuple[list[float], list[int], float]:
    import httpx

    latencies: list[float] = []
    codes: list[int] = []
    total = int(rate * seconds)
    async with httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=200),
                                 headers={"X-API-Key": key}) as client:
        async def one(i: int) -> None:
            t = time.perf_counter()
            try:
                r = await client.post(f"{url}/api/v1/tickets", json={"text": text(i), "channel": "mobile_app",
                                                                     "contact": f"+7701{i:07d}"})
                codes.append(r.status_code)
            except Exception:
                codes.append(0)
            latencies.append(time.perf_counter() - t)

        start = time.perf_counter()
        tasks = []
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    return latencies, codes, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=50.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()

    # classification time, in-process
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        svc = Services(Settings(data_dir=Path(tmp), embeddings="none"))
        svc.tickets.classify("прогрев")
        times = []
        for i in range(300):
            t = time.perf_counter()
            svc.tickets.classify(text(i))
            times.append(time.perf_counter() - t)
        svc.close()
    times.sort()
    print(f"classify: median {statistics.median(times) * 1000:.1f} ms, p95 {times[int(len(times) * .95)] * 1000:.1f} ms"
          f" per ticket (target ≤ 50 ms)")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    azs = str(Path(sys.executable).with_name("azs"))
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "AZS_TICKET_RATE_PER_MINUTE": "0", "AZS_EMBEDDINGS": "none"}
        key = subprocess.run([azs, "--data-dir", tmp, "apikeys", "create", "mobile app", "--role", "operator,support",
                              "--station", "*", "--rate", "0"], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
        server = subprocess.Popen([azs, "--data-dir", tmp, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            import httpx

            for _ in range(120):
                try:
                    if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            httpx.post(f"{url}/api/v1/tickets/classify", json={"text": "прогрев"}, timeout=60,
                       headers={"X-API-Key": key})
            latencies, codes, elapsed = asyncio.run(load(url, key, args.rate, args.seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        import sqlite3

        with sqlite3.connect(Path(tmp) / "azs.db") as con:
            stored = con.execute("select count(*) from tickets").fetchone()[0]
    latencies.sort()
    ok = codes.count(201)
    print(f"intake: {len(codes)} requests at {args.rate:g}/s offered, {len(codes) / elapsed:.1f}/s achieved; "
          f"201: {ok}, other: {len(codes) - ok}; stored: {stored}")
    print(f"latency: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {latencies[int(len(latencies) * .95)] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")
    return 0 if ok == len(codes) == stored else 1


if __name__ == "__main__":
    sys.exit(main())
