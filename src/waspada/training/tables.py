"""The evaluation's tables that are counted, not fitted: the split of the data, the public-text
corpus out of fold (``corpus_tables``), and the targets the report is held to
(``check_targets``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from waspada.scoring.risk import MEDIUM_AT, RiskResult
from waspada.training.datasets import PUBLIC_TEXTS, Example, corpus_half
from waspada.training.prepared import Array, Prepared, listing

TARGET_WITHIN = {"en": 0.97, "id": 0.95, "vi": 0.90, "th": 0.94}
TARGET_LODO = 0.70
#: issue 11: warnings and news rated medium or high, overall and per language (with >= 20)
TARGET_WARNINGS = 0.05
TARGET_WARNINGS_LANG = 0.10
MIN_PER_LANG = 20
TARGET_LURES = 0.90
TARGET_JOB_ADS = 0.015
TARGET_PH_RECALL = 0.93
#: issue 13: the two-stage result (escalation "auto", the run-time rule)
TWO_STAGE = "two-stage auto"
TARGET_LODO_TWO_STAGE = 0.70
TARGET_PH_LODO_TWO_STAGE = 0.80
TARGET_JOB_ADS_TWO_STAGE = 0.03
#: within-set F1 of the report before issue 11's retraining (2026-12-01); no set may lose > 0.01
PREVIOUS_WITHIN_F1 = {
    "indonesian_sms_spam_wibisono": 0.946,
    "thai_sms_fraud_beebuzz_kmutt": 0.929,
    "thai_sms_scamguard": 0.944,
    "uci_sms_spam_collection": 0.960,
    "vietnamese_sms_smishing_ie403": 0.818,
}
JOB_ADS = "indonesian_job_postings_lokerid"
WARNING_TAGS = ("warning", "news")
LURE_TAGS = ("recruitment_lure", "scam")


def split_table(
    train: Sequence[Example], recall_test: Sequence[Example], fpr_test: Sequence[Example]
) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for e in train:
        row = out.setdefault(e.dataset, {"texts": 0, "risky": 0, "sources": 0})
        row["texts"] += 1
        row["risky"] += e.y
    for name in out:
        out[name]["sources"] = len({e.source for e in train if e.dataset == name and e.source})
    out["philippines_job_reports (recall test)"] = {"texts": len(recall_test)}
    out["indonesian_job_postings (FPR test, held-out companies)"] = {
        "texts": len(fpr_test),
        "sources": len({e.source for e in fpr_test}),
    }
    return out


def corpus_tables(
    P: Prepared, n_tr: int, results: Sequence[RiskResult], base: Array
) -> dict[str, Any]:
    """The public-text corpus out of fold: shares by language and label, stance, misses."""
    rows = [i for i in range(n_tr) if P.examples[i].dataset == PUBLIC_TEXTS]
    if not rows:
        return {}
    share: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    stance: dict[str, Counter[str]] = defaultdict(Counter)
    stance_lang: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    wrong: list[dict[str, Any]] = []
    halves: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for i in rows:
        e, r = P.examples[i], results[i]
        group = "lures+scams" if e.tag in LURE_TAGS else (
            "warnings+news" if e.tag in WARNING_TAGS else "benign"
        )
        cell = halves[corpus_half(e.source)].setdefault(group, {"n": 0, "medium_or_high": 0})
        cell["n"] += 1
        cell["medium_or_high"] += r.risk >= MEDIUM_AT
        for lang in (e.language, "all"):
            cell = share[lang].setdefault(
                e.tag, {"n": 0, "medium_or_high": 0, "high": 0, "baseline_flagged": 0}
            )
            cell["n"] += 1
            cell["medium_or_high"] += r.risk >= MEDIUM_AT
            cell["high"] += r.level == "high"
            cell["baseline_flagged"] += bool(base[i] >= 0.5)
        stance[e.tag][P.stance[i]] += 1
        stance_lang[e.language][e.tag][P.stance[i]] += 1
        risky_tag = e.tag in LURE_TAGS
        if (r.risk >= MEDIUM_AT) != risky_tag:
            wrong.append(listing(P, i, r))
    groups = {"warnings+news": WARNING_TAGS, "lures+scams": LURE_TAGS}
    for cells in share.values():
        for name, tags in groups.items():
            n = sum(cells[t]["n"] for t in tags if t in cells)
            k = sum(cells[t]["medium_or_high"] for t in tags if t in cells)
            cells[name] = {"n": n, "medium_or_high": k}
    return {
        "share": dict(share),
        "stance": {t: dict(c) for t, c in stance.items()},
        "stance_by_language": {
            lang: {t: dict(c) for t, c in per.items()} for lang, per in stance_lang.items()
        },
        "wrong": wrong,
        "by_half": dict(halves),
    }


def _target(name: str, value: float, met: bool) -> dict[str, Any]:
    return {"target": name, "value": round(value, 4), "met": bool(met)}


def check_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    lang_of = {
        "uci_sms_spam_collection": "en",
        "indonesian_sms_spam_wibisono": "id",
        "vietnamese_sms_smishing_ie403": "vi",
        "thai_sms_fraud_beebuzz_kmutt": "th",
        "thai_sms_scamguard": "th",
    }
    out: list[dict[str, Any]] = []
    for name, r in report["within"].items():
        v = r["ours"]["f1"]
        if name in lang_of:
            t = TARGET_WITHIN[lang_of[name]]
            out.append(_target(f"within {name} F1 >= {t}", v, v >= t))
        if name in PREVIOUS_WITHIN_F1:
            t = round(PREVIOUS_WITHIN_F1[name] - 0.01, 3)
            out.append(_target(f"within {name} F1 >= {t} (previous report - 0.01)", v, v >= t))
    for g, r in report["lodo"].items():
        if r["ours"]["n"] > r["ours"]["positives"]:
            v = r["ours"]["f1"]
            out.append(_target(f"LODO {g} F1 >= {TARGET_LODO}", v, v >= TARGET_LODO))
        else:
            v = r["ours"]["recall"]
            out.append(_target(f"LODO {g} recall >= {TARGET_LODO} (no benign texts)", v,
                               v >= TARGET_LODO))
    out += two_stage_targets(report)
    share = report.get("corpus", {}).get("share", {})
    if share:
        def rate(cell: dict[str, int]) -> float:
            return cell["medium_or_high"] / cell["n"] if cell["n"] else 0.0

        wn = share["all"]["warnings+news"]
        out.append(_target(f"corpus warnings+news medium or high <= {TARGET_WARNINGS}", rate(wn),
                           rate(wn) <= TARGET_WARNINGS))
        for lang in sorted(k for k in share if k != "all"):
            cell = share[lang]["warnings+news"]
            if cell["n"] >= MIN_PER_LANG:
                out.append(_target(
                    f"corpus {lang} warnings+news medium or high <= {TARGET_WARNINGS_LANG}",
                    rate(cell), rate(cell) <= TARGET_WARNINGS_LANG))
        lu = share["all"]["lures+scams"]
        out.append(_target(f"corpus lures+scams medium or high >= {TARGET_LURES}", rate(lu),
                           rate(lu) >= TARGET_LURES))
    held = report.get("held_out", {})
    key = "verdict: medium or high (shipped rules)"
    if "id_job_ads_fpr" in held:
        v = held["id_job_ads_fpr"][key]
        out.append(_target(f"Indonesian job ads (held-out companies) medium or high <= "
                           f"{TARGET_JOB_ADS}", v, v <= TARGET_JOB_ADS))
    if "ph_job_recall" in held:
        v = held["ph_job_recall"][key]
        out.append(_target(f"Philippine job-scam reports medium or high >= {TARGET_PH_RECALL}",
                           v, v >= TARGET_PH_RECALL))
    return out


def two_stage_targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue 13's targets for the two-stage result (escalation "auto"): LODO F1 (PH recall),
    within-set F1 against the baseline's, the held-out job ads' false-positive rate."""
    out: list[dict[str, Any]] = []
    for g, r in report["lodo"].items():
        m = r.get(TWO_STAGE)
        if m is None:
            continue
        if m["n"] > m["positives"]:
            out.append(_target(f"LODO {g} {TWO_STAGE} F1 >= {TARGET_LODO_TWO_STAGE}", m["f1"],
                               m["f1"] >= TARGET_LODO_TWO_STAGE))
        else:
            out.append(_target(f"LODO {g} {TWO_STAGE} recall >= {TARGET_PH_LODO_TWO_STAGE}",
                               m["recall"], m["recall"] >= TARGET_PH_LODO_TWO_STAGE))
    for name, r in report["within"].items():
        m = r.get(TWO_STAGE)
        if m is not None:
            base = r["baseline"]["f1"]
            out.append(_target(f"within {name} {TWO_STAGE} F1 >= baseline ({base:.3f})",
                               m["f1"], m["f1"] >= base))
    held = report.get("held_out", {}).get("id_job_ads_fpr", {})
    key = f"verdict {TWO_STAGE}: medium or high"
    if key in held:
        v = held[key]
        out.append(_target(f"Indonesian job ads (held-out companies) {TWO_STAGE} medium or high "
                           f"<= {TARGET_JOB_ADS_TWO_STAGE}", v, v <= TARGET_JOB_ADS_TWO_STAGE))
    return out
