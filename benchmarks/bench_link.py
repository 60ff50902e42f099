"""Linking speed: campaigns + networks over N documents, and datasketch's MinHashLSH side by side.

Documents are real texts from ../shared/data with realistic edits (new phone numbers and handles,
other amounts, emoji and spacing, sentence order, truncation), and identifiers handed out so that
documents form ground-truth networks with hub identifiers (see ``benchmarks/lab/synth.py``).

TIMED: ``link_documents`` over all N documents: masking and normalising every text, shingling,
MinHash, LSH banding, verification, union-find, networks (allow-list, hub cap), stable ids and
summaries. NOT timed: building the documents. Identifiers are given with the documents (as the
store gives them after `waspada scan`); assess() is not run here.

    .venv/bin/python benchmarks/bench_link.py --n 100000          # quick
    .venv/bin/python benchmarks/bench_link.py --n 1000000 --sample 50000

Writes ``benchmarks/results/bench_link.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections import Counter
from datetime import datetime, timedelta

import numpy as np

from lab import quality, synth
from results_io import Lines, write_results
from waspada.link import LinkConfig, LinkDoc, link_documents
from waspada.link.campaigns import components
from waspada.link.mask import mask_text, shingle_hashes
from waspada.link.minhash import BANDS, NUM_PERM

T0 = datetime(2025, 1, 1)


def build(n: int, seed: int) -> tuple[list[LinkDoc], list[int], list[int]]:
    rng = random.Random(seed)
    # real texts that are not already near-duplicates of each other (the data sets hold many
    # operator templates), so "same template" is a fair ground truth for campaigns
    texts = quality.distinct_templates(synth.load_texts(), 1 << 30, seed)
    sizes: list[int] = []
    while sum(sizes) < int(n * 0.7):
        sizes.append(rng.randint(2, 30))
    sizes[-1] -= sum(sizes) - int(n * 0.7)
    sizes = [s for s in sizes if s >= 2]
    idents, net_truth = synth.network_identifiers(sizes, n - sum(sizes), 300, rng)
    order = list(range(n))
    rng.shuffle(order)  # network members are spread over time and templates
    docs: list[LinkDoc] = []
    template: list[int] = []
    nets: list[int] = []
    for j, i in enumerate(order):
        k = rng.randrange(len(texts))
        name, text = texts[k]
        ids = idents[i]
        phone = next((v for kind, v in ids if kind == "phone" and v.startswith("+6281")), "")
        local = "0" + phone[3:] if phone else ""
        t = synth.variant(text, rng, synth.random_edits(rng), local)
        docs.append(
            LinkDoc(
                doc_id=f"d{j:08d}", external_id=str(j), text=t,
                posted_at=T0 + timedelta(seconds=30 * j), language="und", source=name,
                risk=rng.randint(0, 100), identifiers=ids,
            )
        )  # fmt: skip
        template.append(k)
        nets.append(net_truth[i])
    return docs, template, nets


def datasketch_side_by_side(docs: list[LinkDoc], threshold: float) -> dict[str, float]:
    """Ours vs datasketch MinHashLSH on the same shingles of a sample: time and agreement."""
    from datasketch import MinHash, MinHashLSH

    sample_cfg = LinkConfig(threshold=threshold)
    t = time.perf_counter()
    ours = link_documents(docs, config=sample_cfg, summaries=False).state.campaign
    t_ours = time.perf_counter() - t

    t = time.perf_counter()
    masked = [mask_text(d.text, d.identifiers) for d in docs]
    h, off = shingle_hashes(masked)
    h32 = (h >> np.uint64(32)).astype(np.int64)
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    mh: list[MinHash] = []
    for i in range(len(docs)):
        m = MinHash(num_perm=NUM_PERM, hashfunc=int)
        seg = h32[off[i] : off[i + 1]]
        if len(seg):
            m.update_batch(seg.tolist())
        mh.append(m)
        lsh.insert(i, m, check_duplication=False)
    edges = []
    for i, m in enumerate(mh):
        if off[i] == off[i + 1]:
            continue
        for j in lsh.query(m):
            if j > i and off[j] != off[j + 1] and m.jaccard(mh[j]) >= threshold:
                edges.append((i, j))
    labels = components(len(docs), np.asarray(edges, dtype=np.int64).reshape(-1, 2))
    t_ds = time.perf_counter() - t
    size = Counter(labels.tolist())
    theirs = [int(x) if size[x] > 1 else -1 for x in labels.tolist()]
    names: dict[str, int] = {}
    mine = [-1 if c is None else names.setdefault(c, len(names)) for c in ours]
    p, r, pp, tp = synth.pairwise_scores(mine, theirs)
    return {"ours_s": t_ours, "datasketch_s": t_ds, "agree_precision": p, "agree_recall": r,
            "our_pairs": pp, "datasketch_pairs": tp}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="documents to link")
    ap.add_argument("--sample", type=int, default=20_000, help="documents for datasketch")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threshold", type=float, default=0.7)
    a = ap.parse_args()
    out = Lines()

    t = time.perf_counter()
    docs, template, nets = build(a.n, a.seed)
    t_build = time.perf_counter() - t
    chars = sum(len(d.text) for d in docs)
    out(f"built {len(docs):,} documents from {len(set(template)):,} distinct real templates "
        f"({chars / 1e6:.0f} M chars) in {t_build:.0f} s (not timed)")  # fmt: skip

    cfg = LinkConfig(threshold=a.threshold)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2

    def cpu() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    t, c0 = time.perf_counter(), cpu()
    res = link_documents(docs, config=cfg)
    t_link, c_link = time.perf_counter() - t, cpu() - c0
    rss_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    load = os.getloadavg()[0]
    names: dict[str, int] = {}
    camp = [-1 if c is None else names.setdefault(c, len(names)) for c in res.state.campaign]
    nnames: dict[str, int] = {}
    net = [-1 if c is None else nnames.setdefault(c, len(nnames)) for c in res.state.network]
    cp, cr, _, _ = synth.pairwise_scores(camp, template)
    np_, nr, _, _ = synth.pairwise_scores(net, nets)
    out(
        f"link_documents: {len(docs):,} docs in {t_link:.1f} s "
        f"({len(docs) / t_link:,.0f} docs/s, {chars / t_link / 1e6:.2f} M chars/s); "
        f"peak RSS {rss_gb:.2f} GB (whole process; {rss_before:.2f} GB after building the "
        f"documents, before linking); CPU {c_link:.0f} s (process + workers); "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    out(f"  {len(res.campaigns):,} campaigns, {len(res.networks):,} networks; pairwise vs "
        f"construction: campaigns P={cp:.4f} R={cr:.4f} (same real template), "
        f"networks P={np_:.4f} R={nr:.4f}")  # fmt: skip

    sample = docs[: a.sample]
    ds = datasketch_side_by_side(sample, a.threshold)
    out(
        f"side by side on the first {len(sample):,} documents (num_perm={NUM_PERM}, "
        f"ours {BANDS} bands; datasketch MinHashLSH threshold {a.threshold}):"
    )
    out(f"  ours (whole pipeline incl. networks, summaries off): {ds['ours_s']:.1f} s")
    out(f"  datasketch (MinHash + MinHashLSH + verify + union-find): {ds['datasketch_s']:.1f} s")
    out(f"  agreement of campaign pairs, ours vs datasketch: precision "
        f"{ds['agree_precision']:.4f}, recall {ds['agree_recall']:.4f} "
        f"({ds['our_pairs']:,} vs {ds['datasketch_pairs']:,} pairs)")  # fmt: skip
    figures = {
        "documents": len(docs), "seed": a.seed, "threshold": a.threshold,
        "link_s": round(t_link, 1), "docs_per_s": round(len(docs) / t_link),
        "peak_rss_gb": round(rss_gb, 2), "cpu_s": round(c_link), "load_avg_1m": round(load, 1),
        "campaigns": len(res.campaigns), "networks": len(res.networks),
        "campaign_precision": round(cp, 4), "campaign_recall": round(cr, 4),
        "network_precision": round(np_, 4), "network_recall": round(nr, 4),
        "datasketch_sample": len(sample),
        "datasketch": {k: round(v, 4) if isinstance(v, float) else v for k, v in ds.items()},
    }
    write_results("bench_link", figures, out.markdown(), title="waspada link: speed and memory")


if __name__ == "__main__":
    main()
