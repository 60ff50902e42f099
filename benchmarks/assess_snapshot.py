"""Behaviour snapshot of assess(): prove an optimisation changed no result.

    .venv/bin/python benchmarks/assess_snapshot.py write  [--out PATH]
    .venv/bin/python benchmarks/assess_snapshot.py check  [--out PATH]

``write`` runs assess() over every text of every CSV with a ``text`` column under
/work/shared/data (``WASPADA_DATA`` overrides) and stores one SHA-256 digest per text of: risk,
level, category, language, script, the entities (kind, value, start, end, text, recogniser, score,
sorted attrs), the indicators (id, category, weight, description, evidence spans), the
explanation, the stance with its cues and the incomplete steps, the probabilities and top
features (exact float reprs) and the model's feature vector (indices and values, bytes).
``check`` recomputes them and prints how many texts changed (by data set and by field), never the
texts themselves. Exit status 1 when any changed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

DATA = Path(os.environ.get("WASPADA_DATA", "/work/shared/data"))
DEFAULT_OUT = Path("/tmp/waspada_assess_snapshot.json")


def texts() -> Iterator[tuple[str, str]]:
    """(data set/file, text) for every row of every CSV with a ``text`` column."""
    csv.field_size_limit(sys.maxsize)
    for path in sorted(DATA.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or "text" not in reader.fieldnames:
                continue
            for row in reader:
                yield f"{path.parent.name}/{path.name}", row["text"] or ""


def _h(obj: Any) -> str:
    blob = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=repr).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def digest(text: str) -> dict[str, str]:
    """One short digest per field of assess(text), plus the model's feature vector."""
    from waspada import default_analyzer
    from waspada.scoring import model as model_mod
    from waspada.scoring.features import vectorize

    analyzer = default_analyzer()
    a = analyzer.assess(text)
    out = {
        "verdict": _h([a.risk, a.level, a.category, a.language, a.script, a.model_version]),
        "entities": _h(
            [
                [e.kind, e.value, e.start, e.end, e.text, e.recognizer, repr(e.score),
                 sorted((k, repr(v)) for k, v in e.attrs.items())]
                for e in a.entities
            ]
        ),
        "indicators": _h(
            [
                [h.id, h.category, repr(h.weight), h.description,
                 [(s.start, s.end, s.text) for s in h.evidence]]
                for h in a.indicators
            ]
        ),
        "explanation": _h(a.explanation),
        "probabilities": _h(sorted((k, repr(v)) for k, v in a.probabilities.items())),
        "features": _h([[repr(v) for v in sorted(f.items())] for f in a.features]),
        "stance": _h([a.stance, [c.to_dict() for c in a.stance_evidence], list(a.incomplete)]),
    }
    model = analyzer.model
    if model is not None and model_mod.has_content(text):
        ctx, ents, hits = analyzer.analyse(text)
        vec = vectorize(ctx.text, ctx.lower, model.config, hits, ents)
        h = hashlib.sha256(vec.idx.astype("<i8").tobytes())
        h.update(vec.val.astype("<f4").tobytes())
        h.update(repr((vec.n_ngrams, vec.n_cps, vec.names)).encode("utf-8"))
        out["vector"] = h.hexdigest()[:16]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["write", "check"])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    rows = [(src, digest(t)) for src, t in texts()]
    if args.mode == "write":
        args.out.write_text(json.dumps(rows), encoding="utf-8")
        print(f"wrote {len(rows)} digests to {args.out}")
        return 0
    old = json.loads(args.out.read_text(encoding="utf-8"))
    if len(old) != len(rows):
        print(f"snapshot has {len(old)} texts, data now {len(rows)}")
        return 1
    changed: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    n = 0
    for (src, new), (_, ref) in zip(rows, old, strict=True):
        diff = [k for k in ref.keys() | new.keys() if ref.get(k) != new.get(k)]
        if diff:
            n += 1
            changed[src] += 1
            fields.update(diff)
    print(f"{n} of {len(rows)} texts changed")
    for src, c in sorted(changed.items()):
        print(f"  {src}: {c}")
    for f, c in sorted(fields.items()):
        print(f"  field {f}: {c}")
    return 1 if n else 0


if __name__ == "__main__":
    raise SystemExit(main())
