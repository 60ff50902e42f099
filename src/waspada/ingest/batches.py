"""A worker's columns (documents with their assessments) as one ``WriteBatch``, and the search
for the record that Arrow cannot take when a chunk's columns do not convert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from waspada.ingest.fastjson import dumps_attrs, dumps_evidence, dumps_probabilities
from waspada.store.db import WriteBatch
from waspada.types import Assessment, Entity, IndicatorHit


def columns_batch(cols: list[list[Any]], results: list[Assessment]) -> WriteBatch:
    """``batch_of`` the columns of ``process_chunk`` (lines first, not stored)."""
    _, ids, ext_ids, sources, urls, posted, raw_times, texts = cols
    return batch_of(ids, ext_ids, sources, urls, posted, raw_times, texts, results)


def without(cols: list[list[Any]], drop: list[int]) -> list[list[Any]]:
    gone = set(drop)
    return [[v for i, v in enumerate(c) if i not in gone] for c in cols]


def unstorable(cols: list[list[Any]], results: list[Assessment],
                bad: Callable[[int, str, str], None]) -> list[int]:
    """Positions of the records that Arrow cannot take (each quarantined with the reason)."""
    out: list[int] = []
    for i, a in enumerate(results):
        try:
            columns_batch([[c[i]] for c in cols], [a]).to_arrow()
        except Exception as e:
            out.append(i)
            bad(cols[0][i], f"cannot store: {type(e).__name__}: {e}", cols[-1][i])
    return out


def batch_of(ids: list[str], external_ids: list[str | None], sources: list[str | None],
             urls: list[str | None], posted: list[datetime | None],
             posted_raw: list[str | None], texts: list[str],
             results: list[Assessment]) -> WriteBatch:
    """A write batch of documents and their assessments (the lists are taken, not copied)."""
    ent_doc: list[int] = []
    ents: list[Entity] = []
    hit_doc: list[int] = []
    hits: list[IndicatorHit] = []
    for i, a in enumerate(results):
        if a.entities:
            ents.extend(a.entities)
            ent_doc.extend([i] * len(a.entities))
        if a.indicators:
            hits.extend(a.indicators)
            hit_doc.extend([i] * len(a.indicators))
    return WriteBatch(
        ids=ids, external_ids=external_ids, sources=sources, urls=urls, posted=posted,
        posted_raw=posted_raw, texts=texts, semantic=[a.semantic for a in results],
        languages=[a.language for a in results], scripts=[a.script for a in results],
        model_versions=[a.model_version for a in results], risks=[a.risk for a in results],
        levels=[a.level for a in results], categories=[a.category for a in results],
        explanations=[a.explanation for a in results],
        probabilities=[dumps_probabilities(a.probabilities) for a in results],
        ent_doc=ent_doc, ent_kind=[e.kind for e in ents], ent_value=[e.value for e in ents],
        ent_start=[e.start for e in ents], ent_end=[e.end for e in ents],
        ent_recognizer=[e.recognizer for e in ents], ent_score=[e.score for e in ents],
        ent_attrs=[dumps_attrs(e.attrs) for e in ents],
        hit_doc=hit_doc, hit_id=[h.id for h in hits], hit_category=[h.category for h in hits],
        hit_weight=[h.weight for h in hits], hit_evidence=[dumps_evidence(h.evidence)
                                                           for h in hits])
