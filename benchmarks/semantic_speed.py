"""Speed of the semantic stage (issue 13): the check path's latency and a scan's throughput.

    .venv/bin/python benchmarks/semantic_speed.py [--runs 60] [--per-set 300]
        [--semantic-model PATH]

Everything runs on ONE core (``os.sched_setaffinity(0, {0})``, ``OMP_NUM_THREADS=1``, the
encoder's own thread count 1), in this process, with the packaged analyzer (the packaged
semantic model, or ``--semantic-model``).

(a) ``waspada check`` latency: ``Analyzer.assess(text, semantic="all")``, the call ``check``
makes, on ``--runs`` different Indonesian job ads (real, from the labelled data) cut to about
1 kB at a word boundary, each text once (the embedding cache never hits), p50 / p95 / max;
beside it the fast stage alone (``semantic="off"``) on the same texts. Target: p95 <= 250 ms.

(b) Scan throughput, ``--semantic auto`` against ``off``, measured as the scan's worker runs it
(``Analyzer.first_stage`` per text, then ``Analyzer.assess_drafts`` per chunk of 2,000), in the
same process on the same texts, a fresh analyzer (empty cache) per run: for each SMS data set
and the Indonesian job ads, ``--per-set`` texts drawn with a fixed seed. Reported: texts/s of
each, the ratio auto/off (target >= 0.5), the share escalated (on the whole set, from the fast
stage alone), and the escalation share at which auto would reach 0.5x off given the measured
cost of one escalated text. Texts are never printed. Writes
``benchmarks/results/semantic_speed.json`` and ``.md``.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy and the encoder load

import argparse
import random
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from results_io import Lines, write_results
from waspada.analyzer import Analyzer
from waspada.config import PACKAGED, AnalyzerConfig, ModelChoice, SemanticMode
from waspada.ingest.readers import CHUNK_RECORDS
from waspada.training.datasets import Example, load_all

JOB_ADS = "indonesian_job_postings_lokerid"
SMS_SETS = ("uci_sms_spam_collection", "indonesian_sms_spam_wibisono",
            "vietnamese_sms_smishing_ie403", "thai_sms_fraud_beebuzz_kmutt", "thai_sms_scamguard",
            "philippines_scam_sms_reports")
TEXT_BYTES = 1000
TARGET_P95_MS = 250.0
TARGET_RATIO = 0.5
SEED = 13


def one_kb(text: str) -> str | None:
    """``text`` cut to about ``TEXT_BYTES`` UTF-8 bytes at a word boundary; None if shorter."""
    if len(text.encode("utf-8")) < TEXT_BYTES:
        return None
    cut = text.encode("utf-8")[:TEXT_BYTES].decode("utf-8", "ignore")
    m = re.search(r"\s\S*$", cut)
    return cut[: m.start()] if m else cut


def analyzer(semantic_model: ModelChoice) -> Analyzer:
    a = Analyzer(AnalyzerConfig(semantic_model=semantic_model))
    if a.semantic is None:
        raise SystemExit("no semantic stage: the packaged semantic model is missing")
    a.assess("warm up: the encoder loads here, outside every timing", semantic="all")
    return a


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs), q))


def latency(ads: list[Example], runs: int, semantic_model: ModelChoice) -> dict[str, Any]:
    texts = [t for t in (one_kb(ex.text) for ex in ads) if t is not None]
    random.Random(SEED).shuffle(texts)
    texts = texts[:runs]
    if len(texts) < runs:
        raise SystemExit(f"only {len(texts)} job ads of at least {TEXT_BYTES} bytes")
    a = analyzer(semantic_model)
    res: dict[str, Any] = {"texts": len(texts),
                           "mean_bytes": round(sum(len(t.encode()) for t in texts) / len(texts))}
    modes: tuple[SemanticMode, ...] = ("off", "all")
    for mode in modes:
        ms: list[float] = []
        for t in texts:
            t0 = time.perf_counter()
            a.assess(t, semantic=mode)
            ms.append((time.perf_counter() - t0) * 1000)
        res[mode] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
                     "max_ms": round(max(ms), 1)}
    return res


def run_scan(a: Analyzer, texts: list[str], mode: SemanticMode) -> tuple[float, int]:
    """Seconds (process CPU) of the worker's two steps over ``texts``; how many escalated."""
    escalated = 0
    t0 = time.process_time()
    for k in range(0, len(texts), CHUNK_RECORDS):
        drafts = [a.first_stage(t) for t in texts[k:k + CHUNK_RECORDS]]
        done = a.assess_drafts(drafts, semantic=mode)
        escalated += sum(r.semantic is not None for r in done)
    return time.process_time() - t0, escalated


def throughput(examples: list[Example], name: str, per_set: int,
               semantic_model: ModelChoice) -> dict[str, Any]:
    texts = [ex.text for ex in examples]
    probe = Analyzer(AnalyzerConfig(semantic_model=semantic_model))
    share = sum(probe.escalates(probe.first_stage(t), "auto") for t in texts) / len(texts)
    sample = random.Random(SEED).sample(texts, min(per_set, len(texts)))
    off_s, _ = run_scan(analyzer(semantic_model), sample, "off")
    auto_s, esc = run_scan(analyzer(semantic_model), sample, "auto")
    n = len(sample)
    per_escalated = (auto_s - off_s) / esc if esc else float("nan")
    # auto / off = t_off / (t_off + s * n * t_sem) >= 0.5  <=>  s <= t_off / (n * t_sem)
    needed = off_s / (n * per_escalated) if esc else float("nan")
    return {"set": name, "texts_in_set": len(texts), "sample": n,
            "escalated_share_set": round(share, 4), "escalated_share_sample": round(esc / n, 4),
            "off_texts_per_s": round(n / off_s, 1), "auto_texts_per_s": round(n / auto_s, 1),
            "ratio_auto_off": round(off_s / auto_s, 3),
            "ms_per_escalated_text": round(per_escalated * 1000, 1),
            "share_needed_for_target": round(needed, 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=60)
    ap.add_argument("--per-set", type=int, default=300)
    ap.add_argument("--semantic-model", type=Path, default=None)
    args = ap.parse_args()
    os.sched_setaffinity(0, {0})
    sem: ModelChoice = args.semantic_model or PACKAGED
    out = Lines()
    examples = load_all(names=[*SMS_SETS, JOB_ADS], corpus=None)
    by_set: dict[str, list[Example]] = {}
    for ex in examples:
        by_set.setdefault(ex.dataset, []).append(ex)

    lat = latency(by_set[JOB_ADS], args.runs, sem)
    out(f"(a) check path, one core: {lat['texts']} different job ads of ~{lat['mean_bytes']} "
        "bytes, each once")
    out(f"{'':24}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for mode, label in (("off", "fast stage alone"), ("all", "with semantic stage")):
        r = lat[mode]
        out(f"{label:24}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}{r['max_ms']:>9.1f}")
    ok = lat["all"]["p95_ms"] <= TARGET_P95_MS
    out(f"target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if ok else 'NOT met'}")
    out()

    out(f"(b) scan throughput, one core, in process (first_stage per text, assess_drafts per "
        f"chunk of {CHUNK_RECORDS:,}), {args.per_set} texts per set, CPU time")
    out(f"{'set':34}{'esc set':>8}{'esc smp':>8}{'off/s':>8}{'auto/s':>8}{'ratio':>7}"
        f"{'ms/esc':>8}{'need':>7}")
    rows = []
    for name in [*SMS_SETS, JOB_ADS]:
        if name not in by_set:
            continue
        r = throughput(by_set[name], name, args.per_set, sem)
        rows.append(r)
        out(f"{name:34}{r['escalated_share_set']:>8.1%}{r['escalated_share_sample']:>8.1%}"
            f"{r['off_texts_per_s']:>8.1f}{r['auto_texts_per_s']:>8.1f}"
            f"{r['ratio_auto_off']:>7.3f}{r['ms_per_escalated_text']:>8.1f}"
            f"{r['share_needed_for_target']:>7.1%}")
    out(f"esc: share escalated under auto (whole set / the timed sample); ratio: auto texts/s "
        f"over off (target >= {TARGET_RATIO}); need: the escalation share at which auto would "
        "reach the target, at the measured cost per escalated text")
    write_results("semantic_speed", {"latency": lat, "throughput": rows,
                                     "targets": {"p95_ms": TARGET_P95_MS,
                                                 "ratio_auto_off": TARGET_RATIO}},
                  out.markdown(), title="Semantic stage: check latency and scan throughput")


if __name__ == "__main__":
    main()
