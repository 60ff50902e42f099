"""Load on the web API (issue 15): ``POST /api/v1/check`` with 1 kB texts from many concurrent
clients against a real server, beside the analyzer called directly in one process.

    .venv/bin/python benchmarks/bench_web.py [--seconds 60] [--clients 50]

The server is ``waspada serve`` in its own process (rate limit off, an empty store in a
temporary folder), on a free 127.0.0.1 port; the clients are ``--clients`` asyncio tasks with
one httpx connection pool in this process, each posting one text at a time for ``--seconds``.
Texts: 200 different ones of about 1,000 characters, built from the demo samples with a
sequence number (so no cache answers twice for the same text). Reported: requests, errors
(any answer but 200, or a failed request), requests/s, latency p50/p95/max; and the direct
baseline, ``default_analyzer().assess(text)`` on the same texts in this process (after the
server is stopped, so they do not share the CPU), texts/s; the ratio server/direct. Not run in
CI. Writes ``benchmarks/results/bench_web.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from results_io import Lines, write_results

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "demo_lures_synthetic.jsonl"


def texts(n: int = 200, size: int = 1000) -> list[str]:
    base = [json.loads(ln)["text"] for ln in SAMPLES.read_text(encoding="utf-8").splitlines()]
    out = []
    for i in range(n):
        parts, k = [f"[{i}]"], i
        while sum(len(p) + 1 for p in parts) < size:
            parts.append(base[k % len(base)])
            k += 7
        out.append(" ".join(parts)[:size])
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(url: str, corpus: list[str], clients: int, seconds: float
               ) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as c:
        async def client(n: int) -> None:
            nonlocal errors
            i = n
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = await c.post("/api/v1/check", json={"text": corpus[i % len(corpus)]})
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += 0 if ok else 1
                i += clients
        await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors


def pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(q * len(s)))] if s else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=50)
    args = ap.parse_args()
    corpus = texts()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("waspada")), "serve", "--db",
             f"{tmp}/w.duckdb", "--port", str(port), "--rate", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 180
            while True:  # wait until it answers (it loads and warms the analyzer first)
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.5)
            asyncio.run(load(url, corpus[:20], 5, 5))  # warm-up, not counted
            t0 = time.perf_counter()
            lat, errors = asyncio.run(load(url, corpus, args.clients, args.seconds))
            wall = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(timeout=60)
    from waspada.analyzer import default_analyzer

    analyzer = default_analyzer()
    analyzer.assess(corpus[0])
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < min(args.seconds, 30):
        analyzer.assess(corpus[(n + 1) % len(corpus)])
        n += 1
    direct = n / (time.perf_counter() - t0)
    rps = len(lat) / wall
    out = Lines()
    out(f"POST /api/v1/check, 1 kB texts, {args.clients} concurrent clients, {args.seconds:g} s")
    out(f"requests {len(lat):,}  errors {errors}  req/s {rps:.1f}")
    out(f"latency p50 {pct(lat, 0.5) * 1000:.0f} ms  p95 {pct(lat, 0.95) * 1000:.0f} ms  "
        f"max {max(lat) * 1000:.0f} ms")
    out(f"direct assess() in one process: {direct:.1f} texts/s")
    out(f"ratio server/direct: {rps / direct:.2f}")
    write_results("bench_web", {
        "clients": args.clients, "seconds": args.seconds, "requests": len(lat),
        "errors": errors, "req_per_s": round(rps, 2), "p50_ms": round(pct(lat, 0.5) * 1000, 1),
        "p95_ms": round(pct(lat, 0.95) * 1000, 1), "max_ms": round(max(lat) * 1000, 1),
        "direct_texts_per_s": round(direct, 2), "ratio": round(rps / direct, 3),
        "server_cpus": os.cpu_count()}, out.markdown(), title="Web API load (issue 15)")


if __name__ == "__main__":
    main()
