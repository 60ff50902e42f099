"""Reads for the web service, each limited to what a reader's TLP clearance lets them see.

Every query here takes ``levels``, the TLP levels a reader may see (``waspada.tlp.at_or_below``
of their maximum), and joins ``documents`` under the one condition ``VISIBLE``: a document
marked above the reader's clearance is never counted, listed, searched or linked to, and
neither is anything reached only through it (an identifier's documents, a count). Campaigns
and networks are read by ``visible_groups`` with the same condition over their members.
A document without a level (none should exist: the column defaults to AMBER) counts as AMBER.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from waspada.store import queries
from waspada.store.db import Store

#: the condition on ``documents d`` that every read here applies; its one parameter is the list
#: of levels the reader may see
VISIBLE = "coalesce(d.tlp, 'amber') IN (SELECT unnest(?::VARCHAR[]))"
_ITEM = ("SELECT d.id, a.risk, a.level, a.category, d.language, d.source, d.posted_at, "
         "coalesce(d.tlp, 'amber'), d.text, "
         "(SELECT count(*) FROM doc_entities de WHERE de.doc_key = d.doc_key) "
         "FROM documents d LEFT JOIN assessments a USING (doc_key) ")
_ORDER = "ORDER BY a.risk DESC NULLS LAST, d.posted_at DESC NULLS LAST, d.doc_key"


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime | date) else v


def _item(r: Sequence[Any]) -> dict[str, Any]:
    return {"id": r[0], "risk": r[1], "level": r[2], "category": r[3], "language": r[4],
            "source": r[5], "posted_at": _iso(r[6]), "tlp": r[7],
            "preview": queries._preview(r[8]), "entities": r[9]}


def documents_page(store: Store, levels: Sequence[str], *, min_risk: int | None = None,
                   level: str | None = None, category: str | None = None,
                   language: str | None = None, since: date | None = None, limit: int = 50,
                   offset: int = 0) -> dict[str, Any]:
    """One page of the visible documents, riskiest first, with the total that match."""
    where: list[str] = [VISIBLE]
    params: list[Any] = [list(levels)]
    # the conditions joined into the WHERE clause are constant strings; the values are bound
    if min_risk is not None:
        where.append("a.risk >= ?")
        params.append(min_risk)
    if level:
        where.append("a.level = ?")
        params.append(level)
    if category:
        where.append("a.category = ?")
        params.append(category)
    if language:
        where.append("d.language = ?")
        params.append(language)
    if since:
        where.append("d.posted_at >= ?")
        params.append(datetime.combine(since, datetime.min.time()))
    cond = " AND ".join(where)
    total = store.query("SELECT count(*) FROM documents d LEFT JOIN assessments a "
                        f"USING (doc_key) WHERE {cond}", params)[0][0]
    rows = store.query(f"{_ITEM} WHERE {cond} {_ORDER} LIMIT ? OFFSET ?",
                       [*params, limit, offset])
    nxt = offset + len(rows)
    return {"total": int(total), "limit": limit, "offset": offset,
            "next_offset": nxt if nxt < total else None, "items": [_item(r) for r in rows]}


def resolve_visible(store: Store, levels: Sequence[str], doc_id: str) -> str | None:
    """The full id of the one visible document whose id starts with ``doc_id`` (at least 6 hex
    characters), else None: an invisible document is as absent as one never stored."""
    key = doc_id.strip().lower()
    if len(key) < 6 or key.strip("0123456789abcdef"):
        return None
    rows = store.query(f"SELECT d.id FROM documents d WHERE starts_with(d.id, ?) AND {VISIBLE} "
                       "LIMIT 2", [key, list(levels)])
    return str(rows[0][0]) if len(rows) == 1 else None


def document(store: Store, levels: Sequence[str], doc_id: str) -> dict[str, Any] | None:
    """A visible document with its assessment, entities (each with the number of VISIBLE
    documents that carry it), indicator evidence, and its campaign and network; else None."""
    full = resolve_visible(store, levels, doc_id)
    if full is None:
        return None
    rec = queries.show(store, full)
    counts = dict(((k, v), int(n)) for k, v, n in store.query(
        "SELECT x.kind, x.value, count(DISTINCT d.doc_key) FROM doc_entities me "
        "JOIN documents m USING (doc_key) JOIN entities x ON x.entity_id = me.entity_id "
        "JOIN doc_entities de ON de.entity_id = x.entity_id "
        f"JOIN documents d ON d.doc_key = de.doc_key WHERE m.id = ? AND {VISIBLE} "
        "GROUP BY ALL", [full, list(levels)]))
    for e in rec["entities"]:
        e["documents"] = counts.get((e["kind"], e["value"]), 1)
    groups = store.query(
        "SELECT cm.campaign_id, nm.network_id FROM documents d "
        "LEFT JOIN campaign_members cm USING (doc_key) LEFT JOIN network_members nm "
        "USING (doc_key) WHERE d.id = ?", [full])
    rec["campaign"], rec["network"] = groups[0] if groups else (None, None)
    rec["tlp"] = rec.get("tlp") or "amber"
    return rec


def entities(store: Store, levels: Sequence[str], kind: str | None = None,
             value: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Identifiers carried by visible documents (``value``: a part of the value), most
    documents first, each with its visible document count."""
    where: list[str] = [VISIBLE]
    params: list[Any] = [list(levels)]
    if kind:
        where.append("x.kind = ?")
        params.append(kind)
    if value:
        where.append("contains(lower(x.value), lower(?))")
        params.append(value)
    base = ("FROM entities x JOIN doc_entities de USING (entity_id) JOIN documents d "
            f"USING (doc_key) WHERE {' AND '.join(where)}")
    total = store.query(f"SELECT count(DISTINCT x.entity_id) {base}", params)[0][0]
    rows = store.query(f"SELECT x.kind, x.value, count(DISTINCT d.doc_key) AS n {base} "
                       "GROUP BY x.kind, x.value ORDER BY n DESC, x.kind, x.value "
                       "LIMIT ? OFFSET ?", [*params, limit, offset])
    nxt = offset + len(rows)
    return {"total": int(total), "limit": limit, "offset": offset,
            "next_offset": nxt if nxt < total else None,
            "items": [{"kind": k, "value": v, "documents": int(n)} for k, v, n in rows]}


def entity(store: Store, levels: Sequence[str], kind: str, value: str) -> dict[str, Any] | None:
    """One identifier with every visible document that carries it, and the campaigns and
    networks those documents belong to; None when no visible document carries it."""
    rows = store.query(
        f"{_ITEM} WHERE d.doc_key IN (SELECT de.doc_key FROM doc_entities de JOIN entities x "
        f"USING (entity_id) WHERE x.kind = ? AND x.value = ?) AND {VISIBLE} {_ORDER}",
        [kind, value, list(levels)])
    if not rows:
        return None
    ids = [r[0] for r in rows]
    groups = store.query(
        "SELECT DISTINCT 'campaign', cm.campaign_id FROM documents d JOIN campaign_members cm "
        "USING (doc_key) WHERE d.id IN (SELECT unnest(?::VARCHAR[])) UNION ALL "
        "SELECT DISTINCT 'network', nm.network_id FROM documents d JOIN network_members nm "
        "USING (doc_key) WHERE d.id IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1, 2", [ids, ids])
    return {"kind": kind, "value": value, "documents": [_item(r) for r in rows],
            "campaigns": [g for k, g in groups if k == "campaign"],
            "networks": [g for k, g in groups if k == "network"]}


def search(store: Store, levels: Sequence[str], q: str, limit: int = 50) -> dict[str, Any]:
    """Visible documents whose text or one of whose identifiers contains ``q`` (any case),
    and the identifiers (in visible documents) whose value contains it."""
    rows = store.query(
        f"{_ITEM} WHERE {VISIBLE} AND (contains(lower(d.text), lower(?)) OR d.doc_key IN "
        "(SELECT de.doc_key FROM doc_entities de JOIN entities x USING (entity_id) "
        f"WHERE contains(lower(x.value), lower(?)))) {_ORDER} LIMIT ?",
        [list(levels), q, q, limit])
    return {"query": q, "documents": [_item(r) for r in rows],
            "entities": entities(store, levels, value=q, limit=limit)["items"]}


def _counts(store: Store, select: str, levels: Sequence[str]) -> dict[str, int]:
    return {str(k): int(v) for k, v in store.query(select, [list(levels)])}


def stats(store: Store, levels: Sequence[str]) -> dict[str, Any]:
    """Counts over the visible documents: totals, per category, level, language, country (of
    phone numbers), day, risk band (0-9 ... 90-100), and the most carried identifiers."""
    docs = ("FROM documents d LEFT JOIN assessments a USING (doc_key) "
            f"WHERE {VISIBLE} GROUP BY 1 ORDER BY")
    one = store.query(
        f"SELECT count(*), count(DISTINCT cm.campaign_id), count(DISTINCT nm.network_id) "
        "FROM documents d LEFT JOIN campaign_members cm USING (doc_key) "
        f"LEFT JOIN network_members nm USING (doc_key) WHERE {VISIBLE}", [list(levels)])[0]
    ents = ("FROM entities x JOIN doc_entities de USING (entity_id) JOIN documents d "
            f"USING (doc_key) WHERE {VISIBLE}")
    n_ents = store.query(f"SELECT count(DISTINCT x.entity_id) {ents}", [list(levels)])[0][0]
    top = store.query(f"SELECT x.kind, x.value, count(DISTINCT d.doc_key) AS n {ents} "
                      "GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 10", [list(levels)])
    bands = _counts(store, "SELECT least(a.risk // 10, 9) * 10, count(*) FROM documents d "
                           f"JOIN assessments a USING (doc_key) WHERE {VISIBLE} GROUP BY 1 "
                           "ORDER BY 1", levels)
    return {
        "documents": int(one[0]), "campaigns": int(one[1]), "networks": int(one[2]),
        "entities": int(n_ents),
        "by_category": _counts(store, f"SELECT coalesce(a.category, 'unknown'), count(*) {docs} "
                                      "2 DESC, 1", levels),
        "by_level": _counts(store, f"SELECT coalesce(a.level, 'unknown'), count(*) {docs} "
                                   "2 DESC, 1", levels),
        "by_language": _counts(store, f"SELECT coalesce(d.language, 'und'), count(*) {docs} "
                                      "2 DESC, 1", levels),
        "by_day": _counts(store, "SELECT coalesce(strftime(d.posted_at, '%Y-%m-%d'), "
                                 f"'unknown'), count(*) {docs} 1", levels),
        "by_country": _counts(store, "SELECT json_extract_string(de.attrs, '$.country'), "
                                     f"count(DISTINCT d.doc_key) {ents} AND "
                                     "json_extract_string(de.attrs, '$.country') IS NOT NULL "
                                     "GROUP BY 1 ORDER BY 2 DESC, 1", levels),
        "by_risk_band": {f"{int(k)}-{int(k) + (10 if int(k) == 90 else 9)}": v
                         for k, v in bands.items()},
        "top_identifiers": [{"kind": k, "value": v, "documents": int(n)} for k, v, n in top],
    }


def export_rows(store: Store, levels: Sequence[str], page: int = 1000
                ) -> Iterator[dict[str, Any]]:
    """Every visible document with its assessment and identifiers, in key order."""
    last = 0
    while True:
        rows = store.query(
            "SELECT d.doc_key, d.id, d.source, d.url, d.posted_at, d.language, "
            "coalesce(d.tlp, 'amber'), a.risk, a.level, a.category, d.text, "
            "(SELECT list(DISTINCT [x.kind, x.value]) FROM doc_entities de JOIN entities x "
            "USING (entity_id) WHERE de.doc_key = d.doc_key) FROM documents d "
            f"LEFT JOIN assessments a USING (doc_key) WHERE d.doc_key > ? AND {VISIBLE} "
            "ORDER BY d.doc_key LIMIT ?", [last, list(levels), page])
        if not rows:
            return
        for r in rows:
            yield {"id": r[1], "source": r[2], "url": r[3], "posted_at": _iso(r[4]),
                   "language": r[5], "tlp": r[6], "risk": r[7], "level": r[8],
                   "category": r[9], "text": r[10],
                   "identifiers": [{"kind": k, "value": v} for k, v in (r[11] or [])]}
        last = rows[-1][0]


def mark_tlp(store: Store, doc_ids: Sequence[str], level: str) -> int:
    """Set the TLP level of the documents with these ids (ONE statement); return how many."""
    rows = store.query("UPDATE documents SET tlp = ? WHERE id IN (SELECT unnest(?::VARCHAR[])) "
                       "RETURNING 1", [level, list(doc_ids)])
    return len(rows)
