"""The two-stage parts of benchmarks/quality.md: the summary of the ablation, the corpus shares
per stage, the corpus leave-one-language-out, and the choices made inside the training data."""

from __future__ import annotations

from typing import Any

#: what the stage rows mean (under the verdict note)
STAGE_NOTE = [
    "**Stages** (issue 13): *fast only* is the character n-gram model and the indicators (the "
    "rows `ours`, `ours (model only)`, `verdict (shipped rules)`); *semantic only* the linear "
    "model on the sentence vectors (multilingual-e5-small, 4-bit, 64 tokens) in place of the "
    "fast model; *two-stage auto* the run-time rule (texts the fast stage did not clear — fast "
    "P >= 0.15, a red flag or counter-signal, a contact, link or sum — get the stacked P, the "
    "others keep the fast result); *two-stage all* the stacked P for every text. In every fold "
    "each stage is fitted on the fold's training texts only: the fast model with Platt on its "
    "inner out-of-fold scores, the semantic model with Platt on its inner out-of-fold scores, "
    "the stack on both inner out-of-fold P. Inner folds of the fast model: in the pooled and "
    "within-set CV the other four outer folds (the pooled ones grouped by source); in LODO and "
    "the corpus leave-one-language-out `meta.semantic.transfer_inner_folds` folds stratified by "
    "data set and class (fewer, to fit the run in its time budget); for the held-out tests the "
    "pooled folds. The semantic model's own inner folds: 5, stratified by data set and class "
    "(`training.semantic.oof_decision`).",
    "",
]


def _f(v: Any) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def _frac(cell: dict[str, int] | None) -> str:
    if not cell or not cell["n"]:
        return "-"
    return f"{cell['medium_or_high']}/{cell['n']} ({cell['medium_or_high'] / cell['n']:.2f})"


STAGES = ("ours", "semantic only", "two-stage auto", "two-stage all")


def summary_section(r: dict[str, Any]) -> list[str]:
    """One table of the headline figures, per stage."""
    if "corpus_lolo" not in r:
        return []
    out = [
        "",
        "## Two-stage ablation: summary",
        "",
        "F1 (recall for `ph`) at P >= 0.5 (fast: today's rows; held-out: verdict medium or "
        "high). Details in the sections below.",
        "",
        "| measure | baseline | fast only | semantic only | two-stage auto | two-stage all |",
        "|---|---|---|---|---|---|",
    ]
    for g, rr in r["lodo"].items():
        key = "f1" if rr["ours"]["n"] > rr["ours"]["positives"] else "recall"
        cells = [rr.get(s, {}).get(key) for s in ("baseline", *STAGES)]
        out.append(f"| LODO {g} {key} | " + " | ".join(_f(c) for c in cells) + " |")
    for name, rr in r["within"].items():
        cells = [rr.get(s, {}).get("f1") for s in ("baseline", *STAGES)]
        out.append(f"| within {name} F1 | " + " | ".join(_f(c) for c in cells) + " |")
    for label, rr in r.get("held_out", {}).items():
        cells = [rr.get("baseline"), rr.get("verdict: medium or high (shipped rules)")]
        cells += [rr.get(f"verdict {s}: medium or high") for s in STAGES[1:]]
        out.append(f"| held-out {label} | " + " | ".join(_f(c) for c in cells) + " |")
    return out


def stage_sections(r: dict[str, Any]) -> list[str]:
    out: list[str] = []
    stages = r.get("corpus_stages", {})
    if stages:
        names = list(stages["all"])
        out += [
            "",
            "## Public-text corpus per stage (pooled CV out of fold)",
            "",
            "Rated medium or high / n (share), per language: lures+scams (want high) and "
            "warnings+news (want low).",
            "",
            "| lang | " + " | ".join(f"lures+scams {n}" for n in names) + " | "
            + " | ".join(f"warnings+news {n}" for n in names) + " |",
            "|---|" + "---|" * (2 * len(names)),
        ]
        for lang, cells in stages.items():
            row = [_frac(cells[n].get("lures+scams")) for n in names]
            row += [_frac(cells[n].get("warnings+news")) for n in names]
            out.append(f"| {lang} | " + " | ".join(row) + " |")
    lolo = r.get("corpus_lolo", {})
    inner = r.get("meta", {}).get("semantic", {}).get("transfer_inner_folds", "-")
    if lolo:
        names = [k for k in lolo[next(iter(lolo))] if isinstance(lolo[next(iter(lolo))][k], dict)]
        out += [
            "",
            "## Corpus leave-one-language-out",
            "",
            "For each language of the corpus, every stage trained on all training texts except "
            "those in that language (its corpus texts and any labelled set in it; the Philippine "
            "sets count as `tl`), tested on that language's corpus texts: rated medium or high / "
            "n. The languages with no labelled set are left out together (`left out`: each is "
            "tested with none of them trained on). The folds of en, th, vi and tl are the LODO "
            f"folds. Inner folds of the fast model here and in LODO: {inner}.",
            "",
            "| lang | left out | trained on | escalated (auto) | "
            + " | ".join(f"lures+scams {n}" for n in names) + " | "
            + " | ".join(f"warnings+news {n}" for n in names) + " |",
            "|---|---|---|---|" + "---|" * (2 * len(names)),
        ]
        for lang, cells in lolo.items():
            row = [_frac(cells[n].get("lures+scams")) for n in names]
            row += [_frac(cells[n].get("warnings+news")) for n in names]
            out.append(f"| {lang} | {cells.get('left out', lang)} | {cells['trained on']} | "
                       f"{_f(cells['escalated (auto)'])} | "
                       + " | ".join(row) + " |")
    out += _escalated(r)
    out += _choices(r.get("choices", {}))
    return out


def _escalated(r: dict[str, Any]) -> list[str]:
    rows = [(k, v["escalated (auto)"]) for k, v in r.get("pooled", {}).items()
            if "escalated (auto)" in v]
    rows += [(f"LODO {g}", v["escalated (auto)"]) for g, v in r.get("lodo", {}).items()
             if "escalated (auto)" in v]
    rows += [(f"held-out {k}", v["escalated (auto)"]) for k, v in r.get("held_out", {}).items()
             if "escalated (auto)" in v]
    if not rows:
        return []
    out = ["", "## Share of texts the semantic stage reads under \"auto\"", "",
           "| texts | escalated |", "|---|---|"]
    out += [f"| {k} | {v:.3f} |" for k, v in rows]
    return out


def _choices(c: dict[str, Any]) -> list[str]:
    if not c:
        return []
    out = [
        "",
        "## Choices inside the training data (never a test fold or a held-out test)",
        "",
        "Every training text out of fold: the fast P of the pooled CV, the semantic P of "
        "5-fold CV with Platt scaling, the stack fitted on both (training/choices.py).",
        "",
        f"**Semantic C** (chosen: lowest class-balanced log-loss = {c['c']['chosen']}; used in "
        f"this report: {c['c']['used']}):",
        "",
        "| C | log-loss (balanced) | PR-AUC | semantic F1 per set | two-stage all F1 per set |",
        "|---|---|---|---|---|",
    ]
    for cv, cell in c["c"]["candidates"].items():
        sem = ", ".join(f"{k} {v:.3f}" for k, v in cell["semantic F1"].items())
        two = ", ".join(f"{k} {v:.3f}" for k, v in cell["two-stage all F1"].items())
        out.append(f"| {cv} | {cell['log_loss (balanced)']:.4f} | {cell['pr_auc']:.4f} | {sem} "
                   f"| {two} |")
    t = c["threshold"]
    out += [
        "",
        f"**Escalation threshold** (fast P from which \"auto\" escalates; red flags, "
        f"counter-signals, contacts, links and sums always escalate: "
        f"{t['escalated without P']:.3f} of the texts). Chosen: the highest threshold whose mean "
        f"F1 over the sets with both classes is within 0.002 of the best = {t['chosen']}.",
        "",
        "| threshold | escalated | mean F1 | two-stage auto F1 per set |",
        "|---|---|---|---|",
    ]
    for tv, cell in t["candidates"].items():
        per = ", ".join(f"{k} {v:.3f}" for k, v in cell["two-stage auto F1"].items())
        out.append(f"| {tv} | {cell['escalated']:.3f} | {cell['mean F1']:.4f} | {per} |")
    return out
