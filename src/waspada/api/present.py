"""An assessment as the API returns it and as the pages show it: the verdict, the red flags
with their evidence spans, the identifiers, and the text cut into segments for highlighting.

Offsets are Python string indices (code points) into the text as submitted, as
``Assessment`` gives them; the pages use the segments, so no offset arithmetic happens in a
browser. The text is never made into markup here: templates escape every segment.
"""

from __future__ import annotations

from typing import Any, Literal

from waspada.types import Assessment

Verdict = Literal["high_risk", "suspicious", "no_red_flags_found"]
_VERDICTS: dict[str, Verdict] = {"high": "high_risk", "medium": "suspicious",
                                 "low": "no_red_flags_found"}


def verdict(level: str) -> Verdict:
    return _VERDICTS.get(level, "no_red_flags_found")


def check_result(a: Assessment) -> dict[str, Any]:
    """The JSON of one checked text (``POST /api/v1/check``)."""
    return {
        "verdict": verdict(a.level),
        "risk": a.risk,
        "level": a.level,
        "category": a.category,
        "stance": a.stance,
        "language": a.language,
        "script": a.script,
        "red_flags": [{"id": h.id, "category": h.category, "weight": round(h.weight, 4),
                       "description": h.description,
                       "evidence": [s.to_dict() for s in h.evidence]} for h in a.indicators],
        "entities": [{"kind": e.kind, "value": e.value, "start": e.start, "end": e.end,
                      "text": e.text} for e in a.entities],
        "stance_evidence": [c.to_dict() for c in a.stance_evidence],
        "explanation": a.explanation,
        "incomplete": list(a.incomplete),
        "model_version": a.model_version,
    }


def segments(text: str, flags: list[dict[str, Any]], entities: list[dict[str, Any]]
             ) -> list[dict[str, Any]]:
    """``text`` cut into runs, each ``{"text", "mark": None | "flag" | "ident", "note"}``:
    red-flag evidence is marked "flag" (with the flag's description), identifiers "ident"
    (with their kind); where both cover a character the red flag wins. Spans outside the
    text are clipped."""
    n = len(text)
    mark: list[tuple[str, str] | None] = [None] * n
    for e in entities:
        for i in range(max(0, int(e["start"])), min(n, int(e["end"]))):
            mark[i] = ("ident", str(e["kind"]))
    for f in flags:
        for ev in f.get("evidence", []):
            for i in range(max(0, int(ev["start"])), min(n, int(ev["end"]))):
                mark[i] = ("flag", str(f.get("description") or f.get("id")))
    out: list[dict[str, Any]] = []
    start = 0
    for i in range(1, n + 1):
        if i == n or mark[i] != mark[start]:
            m = mark[start]
            out.append({"text": text[start:i], "mark": m[0] if m else None,
                        "note": m[1] if m else ""})
            start = i
    return out
