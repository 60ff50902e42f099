"""Write batches: the rows of one transaction, as Python column lists (``WriteBatch``) or as
ready-to-insert Arrow tables (``ArrowBatch``, what the scan workers build and ship as Arrow IPC
bytes). Their columns are those of ``tables`` (``DOCUMENTS`` and ``ASSESSMENTS`` for a
document, ``ENTITIES`` and ``DOC_ENTITIES`` for a mention, ``INDICATOR_HITS`` for a hit), keyed
by ``idx``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from waspada.store.tables import (
    ASSESSMENTS,
    DOC_ENTITIES,
    DOCUMENTS,
    ENTITIES,
    INDICATOR_HITS,
    Table,
)


@dataclass(slots=True)
class WriteBatch:
    """Columnar rows for one transaction. ``ent_doc`` / ``hit_doc`` index into the doc columns."""

    ids: list[str] = field(default_factory=list)
    external_ids: list[str | None] = field(default_factory=list)
    sources: list[str | None] = field(default_factory=list)
    urls: list[str | None] = field(default_factory=list)
    posted: list[Any] = field(default_factory=list)
    #: the time value as given when it could not be read (posted NULL); may be left empty
    posted_raw: list[str | None] = field(default_factory=list)
    #: the semantic stage's P(risky), None where it did not read the text; may be left empty
    semantic: list[float | None] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    model_versions: list[str] = field(default_factory=list)
    risks: list[int] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)
    probabilities: list[str | None] = field(default_factory=list)
    ent_doc: list[int] = field(default_factory=list)
    ent_kind: list[str] = field(default_factory=list)
    ent_value: list[str] = field(default_factory=list)
    ent_start: list[int] = field(default_factory=list)
    ent_end: list[int] = field(default_factory=list)
    ent_recognizer: list[str] = field(default_factory=list)
    ent_score: list[float] = field(default_factory=list)
    ent_attrs: list[str | None] = field(default_factory=list)
    hit_doc: list[int] = field(default_factory=list)
    hit_id: list[str] = field(default_factory=list)
    hit_category: list[str] = field(default_factory=list)
    hit_weight: list[float] = field(default_factory=list)
    hit_evidence: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def add_document(
        self,
        doc_id: str,
        *,
        external_id: str | None,
        source: str | None,
        url: str | None,
        posted: Any,
        language: str,
        script: str,
        text: str,
        model_version: str,
        risk: int,
        level: str,
        category: str,
        explanation: str,
        probabilities: str | None,
        posted_raw: str | None = None,
        semantic: float | None = None,
    ) -> int:
        """Append one document with its assessment; returns its index for entities and hits."""
        self.posted_raw.append(posted_raw)
        self.semantic.append(semantic)
        self.ids.append(doc_id)
        self.external_ids.append(external_id)
        self.sources.append(source)
        self.urls.append(url)
        self.posted.append(posted)
        self.languages.append(language)
        self.scripts.append(script)
        self.texts.append(text)
        self.model_versions.append(model_version)
        self.risks.append(risk)
        self.levels.append(level)
        self.categories.append(category)
        self.explanations.append(explanation)
        self.probabilities.append(probabilities)
        return len(self.ids) - 1

    def add_entity(
        self, doc: int, kind: str, value: str, start: int, end: int, recognizer: str,
        score: float, attrs: str | None,
    ) -> None:
        """Append one entity of the document at index ``doc`` (attrs: JSON text or None)."""
        self.ent_doc.append(doc)
        self.ent_kind.append(kind)
        self.ent_value.append(value)
        self.ent_start.append(start)
        self.ent_end.append(end)
        self.ent_recognizer.append(recognizer)
        self.ent_score.append(score)
        self.ent_attrs.append(attrs)

    def add_hit(self, doc: int, hit_id: str, category: str, weight: float, evidence: str) -> None:
        """Append one indicator hit of the document at index ``doc`` (evidence: JSON text)."""
        self.hit_doc.append(doc)
        self.hit_id.append(hit_id)
        self.hit_category.append(category)
        self.hit_weight.append(weight)
        self.hit_evidence.append(evidence)

    def extend(self, other: WriteBatch) -> None:
        off = len(self.ids)
        for name in self.__slots__:
            mine, theirs = getattr(self, name), getattr(other, name)
            if name in ("ent_doc", "hit_doc"):
                mine.extend(i + off for i in theirs)
            else:
                mine.extend(theirs)

    def to_arrow(self, base: int = 0) -> ArrowBatch:
        """The same rows as Arrow tables; document ``i`` gets the key ``base + i`` (``idx``)."""
        n = len(self.ids)
        docs = {"id": self.ids, "external_id": self.external_ids, "source": self.sources,
                "url": self.urls, "posted_at": self.posted,
                "posted_raw": self.posted_raw or [None] * n,
                "semantic": self.semantic or [None] * n, "language": self.languages,
                "script": self.scripts, "text": self.texts, "model_version": self.model_versions,
                "risk": self.risks, "level": self.levels, "category": self.categories,
                "explanation": self.explanations, "probabilities": self.probabilities}
        ents = {"kind": self.ent_kind, "value": self.ent_value, "start_pos": self.ent_start,
                "end_pos": self.ent_end, "recognizer": self.ent_recognizer,
                "score": self.ent_score,
                "attrs": self.ent_attrs or [None] * len(self.ent_doc)}
        hits = {"indicator_id": self.hit_id, "category": self.hit_category,
                "weight": self.hit_weight, "evidence": self.hit_evidence}
        return ArrowBatch(_table(DOC_SCHEMA, range(base, base + n), docs),
                          _table(ENT_SCHEMA, [base + i for i in self.ent_doc], ents),
                          _table(HIT_SCHEMA, [base + i for i in self.hit_doc], hits))


def _table(schema: pa.Schema, idx: Any, cols: dict[str, Any]) -> pa.Table:
    """An Arrow table of ``schema`` (``idx`` first, then ``cols`` by name)."""
    arrays = [pa.array(idx, pa.int64())]
    arrays += [pa.array(cols[f.name], f.type) for f in list(schema)[1:]]
    return pa.Table.from_arrays(arrays, schema=schema)


def _batch_schema(*tables: Table) -> pa.Schema:
    """``idx`` (the document's key within a batch), then the written columns of ``tables``."""
    return pa.schema([("idx", pa.int64())] + [(c.name, c.arrow) for t in tables
                                               for c in t.written])


#: a batch's documents (with their assessments), entity mentions and indicator hits
DOC_SCHEMA = _batch_schema(DOCUMENTS, ASSESSMENTS)
ENT_SCHEMA = _batch_schema(ENTITIES, DOC_ENTITIES)
HIT_SCHEMA = _batch_schema(INDICATOR_HITS)


@dataclass(slots=True)
class ArrowBatch:
    """Ready-to-insert Arrow tables (built by the scan workers). ``idx`` keys the documents
    (unique within a batch; the lowest ``idx`` of a repeated id wins) and links entity mentions
    and indicator hits to them. ``to_ipc``/``from_ipc``: one compact bytes object to ship
    between processes (Arrow IPC stream, no per-row pickling)."""

    docs: pa.Table
    ents: pa.Table
    hits: pa.Table

    def __len__(self) -> int:
        return int(self.docs.num_rows)

    def to_ipc(self) -> bytes:
        sink = pa.BufferOutputStream()
        for t in (self.docs, self.ents, self.hits):
            with pa.ipc.new_stream(sink, t.schema) as w:
                w.write_table(t)
        return bytes(sink.getvalue().to_pybytes())

    @classmethod
    def from_ipc(cls, data: bytes) -> ArrowBatch:
        src = pa.BufferReader(data)
        docs, ents, hits = (pa.ipc.open_stream(src).read_all() for _ in range(3))
        return cls(docs, ents, hits)

    @classmethod
    def concat(cls, parts: list[ArrowBatch]) -> ArrowBatch:
        if len(parts) == 1:
            return parts[0]
        return cls(pa.concat_tables([p.docs for p in parts]),
                   pa.concat_tables([p.ents for p in parts]),
                   pa.concat_tables([p.hits for p in parts]))
