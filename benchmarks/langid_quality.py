"""Language identification: Waspada's detector against CLD2 (pycld2), per data set and language.

    .venv/bin/python benchmarks/langid_quality.py

Ground truth: the language each labelled data set is declared in (``training/dataset_specs.py``)
and the ``lang`` field of every text of the public-text corpus (``data/public_texts.jsonl``: id,
ms, en, tl, vi, th, km, lo, my, zh). A text counts as right when the detector's ISO 639-1 code
equals the truth (CLD2's ``zh-Hant`` counts as ``zh``; its "unknown" as ``und``). The Philippine
sets are declared Filipino (``tl`` here) but are written in Tagalog, English and a mix of both,
so their figure is a lower bound for any detector. Also the CPU time per text of each detector on
the same texts, in one process. Writes ``benchmarks/results/langid_quality.json`` and ``.md``
(issue 13, item 4). Texts are never printed.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

import pycld2

from results_io import Lines, write_results
from waspada.text import language
from waspada.training.datasets import PUBLIC_TEXTS, load_all, load_corpus


def ours(text: str) -> str:
    return language.detect(text)[0]


def cld2(text: str) -> str:
    try:
        _, _, found = pycld2.detect(text)
    except pycld2.error:  # invalid UTF-8 (lone surrogates): CLD2 refuses the text
        return "und"
    code = found[0][1]
    if code == "un":
        return "und"
    return "zh" if code.startswith("zh") else code.split("-")[0]


DETECTORS: dict[str, Callable[[str], str]] = {"waspada": ours, "cld2": cld2}


def main() -> None:
    rows: list[tuple[str, str, str]] = []  # (source, true language, text)
    for ex in load_all():
        if ex.dataset != PUBLIC_TEXTS:  # Filipino ("fil", no ISO 639-1 code) is "tl" here
            rows.append((ex.dataset, "tl" if ex.language == "fil" else ex.language, ex.text))
    rows += [("public_texts", ex.language, ex.text) for ex in load_corpus()]

    right: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    total: Counter[tuple[str, str]] = Counter()
    confused: dict[str, Counter[str]] = defaultdict(Counter)  # detector -> "true>said" counts
    seconds = dict.fromkeys(DETECTORS, 0.0)
    for source, truth, text in rows:
        total[(source, truth)] += 1
        for name, fn in DETECTORS.items():
            t0 = time.process_time()
            said = fn(text)
            seconds[name] += time.process_time() - t0
            if said == truth:
                right[(source, truth)][name] += 1
            else:
                confused[name][f"{truth}>{said}"] += 1

    out = Lines()
    out("| source | language | texts | waspada | CLD2 |")
    out("|---|---|---|---|---|")
    figures: dict[str, object] = {}
    for key in sorted(total):
        n = total[key]
        a, b = right[key]["waspada"] / n, right[key]["cld2"] / n
        out(f"| {key[0]} | {key[1]} | {n} | {a:.3f} | {b:.3f} |")
        figures[f"{key[0]}/{key[1]}"] = {"texts": n, "waspada": round(a, 4), "cld2": round(b, 4)}
    n_all = sum(total.values())
    for name in DETECTORS:
        acc = sum(c[name] for c in right.values()) / n_all
        us = seconds[name] / n_all * 1e6
        out(f"\n{name}: accuracy over all {n_all} texts {acc:.3f}, {us:.1f} µs CPU per text; "
            "most frequent confusions (true>said): "
            + ", ".join(f"{k} {v}" for k, v in confused[name].most_common(6)))
        figures[f"all/{name}"] = {"accuracy": round(acc, 4), "us_per_text": round(us, 1),
                                  "confusions": dict(confused[name].most_common(12))}
    write_results("langid_quality", figures, "\n".join(out.lines) + "\n",
                  title="Language identification: Waspada's detector and CLD2")


if __name__ == "__main__":
    main()
