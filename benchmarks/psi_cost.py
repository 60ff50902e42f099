"""What private set intersection costs (waspada.exchange.psi, openmined-psi 2.0.6): the
server's setup per identifier it holds, a query per identifier asked (end to end over HTTP on
127.0.0.1), and the bytes each sends, next to SHA-256 of the same identifiers in this process
(the baseline the ratios are against).

    .venv/bin/python benchmarks/psi_cost.py [SERVER_SIZE] [QUERY_SIZE]

Defaults: a server of 20,000 identifiers, queries of 1,000. Writes
``benchmarks/results/psi_cost.json`` and ``.md``.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Callable
from typing import Any

from results_io import Lines, write_results
from waspada.exchange.psi import PsiServer, query


def ids(n: int, start: int = 0) -> list[str]:
    return [f"phone:+62812{i:07d}" for i in range(start, start + n)]


def best_of(reps: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    n_server = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    n_query = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    held, asked = ids(n_server), ids(n_query, start=n_server - n_query // 2)
    out = Lines()
    sha = best_of(5, lambda: [hashlib.sha256(x.encode()).digest() for x in held])
    sha_us = sha / n_server * 1e6
    out(f"baseline: SHA-256 of one identifier {sha_us:.2f} us")
    setups: dict[str, dict[str, Any]] = {}
    figures = {"server_identifiers": n_server, "query_identifiers": n_query,
               "sha256_us_per_identifier": round(sha_us, 3), "setups": setups}
    for max_query in (n_query, 10 * n_query):
        t0 = time.perf_counter()
        server = PsiServer(held, max_query=max_query).start()
        setup_s = time.perf_counter() - t0
        s = server.psi_set
        setup_bytes = len(s.answer("GET", "/psi/setup", "1", None)[2])
        q_s = best_of(3, lambda url=server.url: query(url, asked))
        shared = query(server.url, asked)
        server.close()
        assert shared == set(held) & set(asked)
        setup_us = setup_s / n_server * 1e6
        query_us = q_s / n_query * 1e6
        row = {"data_structure": s.data_structure, "fpr": s.fpr,
               "setup_s": round(setup_s, 3), "setup_us_per_identifier": round(setup_us, 1),
               "setup_bytes_per_identifier": round(setup_bytes / n_server, 2),
               "setup_vs_sha256": round(setup_us / sha_us, 1),
               "query_s": round(q_s, 3), "query_us_per_identifier": round(query_us, 1),
               "query_vs_sha256": round(query_us / sha_us, 1), "shared": len(shared)}
        setups[str(max_query)] = row
        out(f"max_query {max_query:>6}: {s.data_structure}, fpr {s.fpr:g}; setup "
            f"{setup_s:.2f} s ({setup_us:.0f} us = {setup_us / sha_us:.0f}x SHA-256 an "
            f"identifier, {setup_bytes / n_server:.1f} bytes an identifier); query of "
            f"{n_query}: {q_s:.2f} s ({query_us:.0f} us = {query_us / sha_us:.0f}x SHA-256 an "
            f"identifier), {len(shared)} shared")
    write_results("psi_cost", figures, out.markdown(),
                  title="Private set intersection: setup and query cost")


if __name__ == "__main__":
    main()
