"""Linking quality on labelled data built from real texts (see ``synth``); used by
``benchmarks/link_quality.py``, ``benchmarks/bench_link.py`` and, on a small sample, by the
tests' quality floor (tests/link/test_quality.py)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from lab import synth
from waspada.link.allowlist import Allowlist
from waspada.link.linker import LinkConfig, link_documents
from waspada.link.mask import mask_text, shingle_set
from waspada.link.types import LinkDoc

T0 = datetime(2025, 1, 1)


def distinct_templates(
    texts: Sequence[tuple[str, str]], n: int, seed: int, max_jaccard: float = 0.5
) -> list[tuple[str, str]]:
    """``n`` random real texts no two of which are near-duplicates already (exact Jaccard of
    masked shingles below ``max_jaccard``; candidates from datasketch's LSH, an independent
    implementation, at a low threshold so few near-duplicate originals slip through)."""
    from datasketch import MinHash, MinHashLSH

    rng = random.Random(seed)
    pool = list(texts)
    rng.shuffle(pool)
    lsh = MinHashLSH(threshold=max_jaccard * 0.6, num_perm=128)
    kept: list[tuple[str, str]] = []
    kept_sets: list[set[str]] = []
    for name, text in pool:
        sh = shingle_set(mask_text(text))
        if len(sh) < 10:
            continue
        m = MinHash(num_perm=128, seed=seed)
        m.update_batch([s.encode("utf-8") for s in sh])
        if any(
            len(sh & kept_sets[j]) / len(sh | kept_sets[j]) >= max_jaccard for j in lsh.query(m)
        ):
            continue
        lsh.insert(len(kept), m)
        kept.append((name, text))
        kept_sets.append(sh)
        if len(kept) == n:
            break
    return kept


def campaign_set(
    templates: Sequence[tuple[str, str]], variants: int, seed: int
) -> tuple[list[LinkDoc], list[int], list[list[str]]]:
    """Each template's original plus ``variants`` edited copies: docs, template label, edits."""
    rng = random.Random(seed)
    docs: list[LinkDoc] = []
    labels: list[int] = []
    edits: list[list[str]] = []
    for k, (name, text) in enumerate(templates):
        for v in range(variants + 1):
            ed = [] if v == 0 else synth.random_edits(rng)
            local, e164 = synth.local_phone(rng)
            t = synth.variant(text, rng, ed, local) if ed else text
            docs.append(
                LinkDoc(
                    doc_id=f"t{k}v{v}", external_id=f"{name}:{k}:{v}", text=t,
                    posted_at=T0 + timedelta(hours=len(docs)), language="und", source=name,
                    identifiers=[("phone", e164)],
                )
            )  # fmt: skip
            labels.append(k)
            edits.append(ed)
    return docs, labels, edits


def evaluate_campaigns(
    texts: Sequence[tuple[str, str]],
    n_templates: int = 2000,
    variants: int = 4,
    seed: int = 7,
    config: LinkConfig | None = None,
) -> dict[str, Any]:
    cfg = config or LinkConfig()
    templates = distinct_templates(texts, n_templates, seed)
    docs, labels, edits = campaign_set(templates, variants, seed)
    res = link_documents(docs, config=cfg, summaries=False)
    pred_ids = res.state.campaign
    names: dict[str, int] = {}
    pred = [-1 if c is None else names.setdefault(c, len(names)) for c in pred_ids]
    precision, recall, pred_pairs, true_pairs = synth.pairwise_scores(pred, labels)
    # per edit: is each variant in the same campaign as its original?
    per_edit: Counter[str] = Counter()
    per_edit_hit: Counter[str] = Counter()
    above = above_hit = 0
    per_set: Counter[str] = Counter()
    per_set_hit: Counter[str] = Counter()
    orig = 0
    for i, ed in enumerate(edits):
        if not ed:
            orig = i
            continue
        same = pred_ids[i] is not None and pred_ids[i] == pred_ids[orig]
        for e in ed:
            per_edit[e] += 1
            per_edit_hit[e] += same
        per_set[docs[i].source] += 1
        per_set_hit[docs[i].source] += same
        a, b = shingle_set(mask_text(docs[i].text)), shingle_set(mask_text(docs[orig].text))
        if a and b and len(a & b) / len(a | b) >= cfg.threshold:
            above += 1
            above_hit += same
    n_var = sum(1 for e in edits if e)
    return {
        "templates": len(templates),
        "documents": len(docs),
        "precision": precision,
        "recall": recall,
        "predicted_pairs": pred_pairs,
        "true_pairs": true_pairs,
        "unrelated_pairs": len(docs) * (len(docs) - 1) // 2 - true_pairs,
        "false_pairs": round(pred_pairs * (1 - precision)),
        "variant_pairs": n_var,
        "variant_pairs_above_threshold": above,
        "recall_above_threshold": above_hit / above if above else 1.0,
        "per_edit": {e: (per_edit_hit[e] / per_edit[e], per_edit[e]) for e in sorted(per_edit)},
        "per_dataset": {s: (per_set_hit[s] / per_set[s], per_set[s]) for s in sorted(per_set)},
    }


def evaluate_networks(
    n_networks: int = 400, n_singletons: int = 1000, seed: int = 7, max_df: int = 100
) -> dict[str, Any]:
    """Pairwise precision/recall of networks on constructed ground truth with hubs; and the
    same with the allow-list and hub cap switched off, to show what they prevent."""
    rng = random.Random(seed)
    sizes = [rng.randint(2, 15) for _ in range(n_networks)]
    idents, truth = synth.network_identifiers(sizes, n_singletons, 3 * max_df, rng)
    docs = [
        LinkDoc(doc_id=f"d{i}", posted_at=T0 + timedelta(minutes=i), identifiers=ids)
        for i, ids in enumerate(idents)
    ]
    out: dict[str, Any] = {"documents": len(docs), "networks": n_networks, "hub_docs": 3 * max_df}
    empty = Allowlist(frozenset(), frozenset(), (), frozenset(), frozenset())
    for name, cfg in (
        ("default", LinkConfig(max_df=max_df)),
        ("no_allowlist_no_cap", LinkConfig(max_df=1 << 30, allowlist=empty)),
    ):
        res = link_documents([replace(d) for d in docs], config=cfg, summaries=False)
        names: dict[str, int] = {}
        pred = [-1 if c is None else names.setdefault(c, len(names)) for c in res.state.network]
        p, r, _, _ = synth.pairwise_scores(pred, truth)
        largest = max(Counter(x for x in pred if x >= 0).values(), default=0)
        out[name] = {"precision": p, "recall": r, "predicted_networks": len(names),
                     "largest": largest}  # fmt: skip
    return out


def morph_chain(a: str, b: str, steps: int) -> list[str]:
    """``steps + 1`` texts turning ``a`` into ``b`` a word block at a time: each is a
    near-duplicate of the next, the first and the last are unrelated (A~B~C chaining)."""
    wa, wb = a.split(), b.split()
    return [
        " ".join(wb[: k * len(wb) // steps] + wa[k * len(wa) // steps :]) for k in range(steps + 1)
    ]


def chained_pairs(docs: Sequence[LinkDoc], campaign: Sequence[str | None], far: float = 0.5,
                  unrelated: float = 0.3) -> dict[str, int]:  # fmt: skip
    """Pairs of documents in one campaign, how many of them are not near-duplicates (exact
    Jaccard of masked shingles below ``far``) and how many are unrelated (below ``unrelated``):
    what chaining puts together."""
    members: dict[str, list[int]] = {}
    for i, c in enumerate(campaign):
        if c is not None:
            members.setdefault(c, []).append(i)
    sets: dict[int, set[str]] = {}
    pairs = bad = worse = 0
    bad_campaigns = 0
    for idx in members.values():
        for i in idx:
            if i not in sets:
                sets[i] = shingle_set(mask_text(docs[i].text, docs[i].identifiers))
        before = bad
        for x in range(len(idx)):
            a = sets[idx[x]]
            for y in range(x + 1, len(idx)):
                b = sets[idx[y]]
                pairs += 1
                inter, union = len(a & b), len(a | b)
                bad += inter < far * union
                worse += inter < unrelated * union
        bad_campaigns += bad > before
    return {"campaigns": len(members), "pairs": pairs, "far_pairs": bad, "unrelated_pairs": worse,
            "campaigns_with_far_pairs": bad_campaigns,
            "largest": max(map(len, members.values()), default=0)}  # fmt: skip


def evaluate_chaining(
    texts: Sequence[tuple[str, str]],
    n_chains: int = 200,
    steps: int = 10,
    seed: int = 7,
    config: LinkConfig | None = None,
) -> dict[str, Any]:
    """Campaigns on morph chains between unrelated real texts (``morph_chain``), and on all the
    real texts as they are (the data sets hold many operator templates and their variants)."""
    cfg = config or LinkConfig()
    picked = distinct_templates(texts, 2 * n_chains, seed)
    templates = [t for _, t in picked if len(t.split()) >= 20]
    docs: list[LinkDoc] = []
    for k in range(len(templates) // 2):
        for j, t in enumerate(morph_chain(templates[2 * k], templates[2 * k + 1], steps)):
            docs.append(LinkDoc(doc_id=f"m{k}s{j}", text=t,
                                posted_at=T0 + timedelta(hours=len(docs))))  # fmt: skip
    res = link_documents(docs, config=cfg, summaries=False)
    real = [
        LinkDoc(doc_id=f"r{i}", text=t, posted_at=T0 + timedelta(minutes=i), source=name)
        for i, (name, t) in enumerate(texts)
    ]
    res_real = link_documents(real, config=cfg, summaries=False)
    return {
        "chains": len(templates) // 2,
        "steps": steps,
        "chain_docs": len(docs),
        "chain": chained_pairs(docs, res.state.campaign),
        "real_docs": len(real),
        "real": chained_pairs(real, res_real.state.campaign),
    }
