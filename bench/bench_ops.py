"""Operations figures for docs/deploy.md: what metrics cost per request and per scrape (the API's
exposition, and a worker's `--metrics-port` endpoint over loopback HTTP), and how long an encrypted backup,
its verification and a restore take for a database with tickets, on this machine.

    PYTHONPATH=src python bench/bench_ops.py [--tickets 300] [--mb 64]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from pathlib import Path


def recording_cost(n: int = 20000) -> float:
    """Microseconds to count one HTTP request (counter + histogram), as the middleware does."""
    from azs_assistant import metrics

    start = time.perf_counter()
    for i in range(n):
        route = f"/api/v1/route{i % 20}"
        metrics.HTTP_REQUESTS.labels("GET", route, "200").inc()
        metrics.HTTP_DURATION.labels("GET", route).observe(0.02)
    return (time.perf_counter() - start) / n * 1e6


def worker_scrape(n: int = 200) -> tuple[float, float, int]:
    """A worker's endpoint (`azs worker --metrics-port`) scraped over loopback with the bearer token, its
    job and OCR series filled as after a day of work: (median ms, p95 ms, bytes)."""
    import httpx

    from azs_assistant import metrics

    for kind in ("documents.upload", "tickets.notify", "summaries.make", "incidents.sync"):
        for outcome in ("done", "retry", "dead", "lost"):
            metrics.JOB_RUNS.labels(kind, outcome).inc()
        metrics.JOB_DURATION.labels(kind).observe(1.0)
    for stage in ("page", "denoise", "scale", "flatten", "deskew", "lines", "tesseract", "merge", "correct"):
        metrics.OCR_STAGE.labels(stage).observe(0.1)
    server = metrics.serve("127.0.0.1", 0, "bench-token")
    times = []
    try:
        with httpx.Client() as client:
            for _ in range(n):
                start = time.perf_counter()
                body = client.get(f"http://127.0.0.1:{server.server_port}/metrics",
                                  headers={"Authorization": "Bearer bench-token"}).content
                times.append((time.perf_counter() - start) * 1000)
    finally:
        server.shutdown()
    return statistics.median(times), sorted(times)[int(0.95 * n)], len(body)


def encryption_speed(mb: int) -> float:
    from azs_assistant.backup.crypto import encrypt

    data = os.urandom(mb * 1024 * 1024)
    start = time.perf_counter()
    encrypt(io.BytesIO(data), io.BytesIO(), "passphrase")
    return mb / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--mb", type=int, default=64, help="random data encrypted for the throughput figure")
    args = parser.parse_args()
    from azs_assistant import metrics
    from azs_assistant.backup import Backups
    from azs_assistant.services import Services
    from azs_assistant.settings import Settings

    print(f"metrics: {recording_cost():.1f} µs to count one request")
    print(f"backup encryption: {encryption_speed(args.mb):.0f} MB/s (AES-256-GCM, one core)")
    median, p95, size = worker_scrape()
    print(f"worker /metrics over loopback: median {median:.1f} ms, p95 {p95:.1f} ms, {size} bytes")
    os.environ["AZS_BENCH_BACKUP_KEY"] = "bench passphrase"
    with tempfile.TemporaryDirectory() as tmp:
        data, store = Path(tmp) / "data", Path(tmp) / "store"
        settings = Settings(data_dir=data, embeddings="none", backup_key="env:AZS_BENCH_BACKUP_KEY")
        svc = Services(settings)
        for i in range(args.tickets):
            svc.tickets.create(f"Колонка {i % 8 + 1} не работает, чек не выдали", station=f"АЗС-{i % 50 + 1:03d}")
        metrics.register_state(svc.metric_sources())
        scrapes = []
        for _ in range(20):
            start = time.perf_counter()
            body = metrics.exposition()
            scrapes.append((time.perf_counter() - start) * 1000)
        print(f"scrape with {args.tickets} tickets: median {statistics.median(scrapes):.1f} ms, "
              f"{len(body)} bytes")
        svc.close()
        size = (data / "azs.db").stat().st_size
        start = time.perf_counter()
        backup_id = Backups(settings).create(str(store)).id
        print(f"backup create: {time.perf_counter() - start:.2f} s for a {size / 1e6:.1f} MB database")
        start = time.perf_counter()
        Backups(settings).verify(backup_id, str(store))
        print(f"backup verify (decrypt and check every file): {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        Backups(settings).restore(backup_id, str(store), force=True)
        print(f"backup restore: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
