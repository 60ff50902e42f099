"""A fixed corpus for the Spark parity tests and benchmark, built from REAL texts.

Real texts of ``../shared/data`` (``synth.load_texts``), a share of them re-posted as edited
copies (``synth.variant``: new phone numbers and handles, amounts, emoji and spacing, sentence
order, truncation: the link-quality benchmark's edits), so that there are campaigns; small
groups of documents handed one shared contact (networks), one contact quoted in many documents
(a hub, above the hub cap the tests use) and an allow-listed hotline (must not link); exact
repeats (duplicates within the input), posting times (some missing, some unreadable), and a few
broken records (quarantine). Seeded and deterministic; written as JSON Lines files.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from lab import synth

#: the hub cap the parity tests link with: the hub contact is in more documents than this
HUB_CAP = 20
HUB_CONTACT = "Hubungi CS 0215000 1234"
HOTLINE = "Lapor polisi 110"
#: broken records planted in the first file (each quarantined with its reason)
BROKEN = ['{"text": "unterminated\n', '[1, 2, 3]\n', '{"text": ""}\n', '{"id": "no-text"}\n']


def build(n_docs: int, seed: int = 11, texts: list[tuple[str, str]] | None = None
          ) -> list[dict[str, Any]]:
    """About ``n_docs`` records (dicts with text, id, timestamp, source)."""
    rng = random.Random(seed)
    pool = texts if texts is not None else synth.load_texts()
    n_real = max(1, int(n_docs * 0.6))
    base = rng.sample(pool, min(n_real, len(pool)))
    recs: list[dict[str, Any]] = []
    for i, (ds, text) in enumerate(base):
        recs.append({"text": text, "source": ds})
        if rng.random() < 0.25:  # a template re-posted: 1 to 4 edited copies
            for _ in range(rng.randint(1, 4)):
                recs.append({"text": synth.variant(text, rng, synth.random_edits(rng)),
                             "source": ds})
        if i % 97 == 0:
            recs.append({"text": text, "source": ds})  # an exact repeat
    rng.shuffle(recs)
    # networks: groups of 2-5 documents sharing one contact
    k = 0
    while k < len(recs) // 20:
        phone = synth.local_phone(rng)[0]
        for r in rng.sample(recs, rng.randint(2, 5)):
            r["text"] += f"\nWA {phone}"
        k += 1
    for r in rng.sample(recs, min(len(recs), HUB_CAP + 5)):
        r["text"] += f"\n{HUB_CONTACT}"
    for r in rng.sample(recs, min(len(recs), 10)):
        r["text"] += f"\n{HOTLINE}"
    for i, r in enumerate(recs):
        r["id"] = f"rec-{i:06d}"
        roll = rng.random()
        if roll < 0.85:
            r["timestamp"] = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
        elif roll < 0.9:
            r["timestamp"] = "last tuesday"  # kept in posted_raw
    return recs


def write(recs: list[dict[str, Any]], folder: Path, n_files: int = 3) -> list[Path]:
    """The records as ``n_files`` JSON Lines files (broken records in the first)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"part-{i:03d}.jsonl" for i in range(n_files)]
    per = -(-len(recs) // n_files)
    for i, p in enumerate(paths):
        lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in recs[i * per:(i + 1) * per]]
        if i == 0:
            lines[1:1] = BROKEN
        p.write_text("".join(lines), encoding="utf-8")
    return paths
