"""The one column specification of every table: name, DuckDB type, Arrow type, in table order.

The writer's Arrow schemas (``batch.py``), its INSERT column lists (``writes.py``), the link
tables' rows (``links.py``), the reads and the export (``queries.py``) all derive their column
lists from here; ``tests/store/test_store_schema.py`` checks that a migrated database has
exactly these columns, in this order, with these types (and ``tests/golden/schema.txt`` pins
the layout). The migrations in ``schema.py`` stay as released (append-only): a migration is
history, so a change here is a new migration there, and the test above fails until both agree.

Every table and column name that the store formats into SQL comes from these constants, never
from a caller's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Column:
    """One column: ``sql`` is the type DuckDB reports for it (information_schema); ``arrow``
    the type it has in a write batch, None when the store fills it itself (a key, a time)."""

    name: str
    sql: str
    arrow: pa.DataType | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def written(self) -> tuple[Column, ...]:
        """The columns a write batch carries (those with an Arrow type)."""
        return tuple(c for c in self.columns if c.arrow is not None)

    def column_list(self, alias: str = "", cols: tuple[Column, ...] | None = None) -> str:
        """``a.x, a.y, ...`` for SQL (names from this specification only)."""
        pre = f"{alias}." if alias else ""
        return ", ".join(pre + c.name for c in (self.columns if cols is None else cols))

    def arrow_schema(self) -> pa.Schema:
        """Every column, with the Arrow type of the DuckDB type (rows for a whole table)."""
        return pa.schema([(c.name, c.arrow if c.arrow is not None else _ARROW[c.sql])
                          for c in self.columns])


_S, _TS = pa.string(), pa.timestamp("us")
#: the Arrow type of each DuckDB type used here (for rows the store fills itself)
_ARROW = {"BIGINT": pa.int64(), "INTEGER": pa.int32(), "SMALLINT": pa.int16(),
          "FLOAT": pa.float32(), "DOUBLE": pa.float64(), "VARCHAR": _S, "JSON": _S,
          "TIMESTAMP": _TS, "BLOB": pa.binary()}  # fmt: skip

DOCUMENTS = Table("documents", (
    Column("doc_key", "BIGINT"), Column("id", "VARCHAR", _S),
    Column("external_id", "VARCHAR", _S), Column("source", "VARCHAR", _S),
    Column("url", "VARCHAR", _S), Column("posted_at", "TIMESTAMP", _TS),
    Column("ingested_at", "TIMESTAMP"), Column("language", "VARCHAR", _S),
    Column("script", "VARCHAR", _S), Column("text", "VARCHAR", _S),
    Column("posted_raw", "VARCHAR", _S),
    # the semantic stage's P(risky); NULL when the stage did not read the text
    Column("semantic", "DOUBLE", pa.float64()),
    # the TLP 2.0 level (waspada.tlp); the store fills the default, AMBER
    Column("tlp", "VARCHAR"),
))
ASSESSMENTS = Table("assessments", (
    Column("doc_key", "BIGINT"), Column("model_version", "VARCHAR", _S),
    Column("risk", "SMALLINT", pa.int16()), Column("level", "VARCHAR", _S),
    Column("category", "VARCHAR", _S), Column("explanation", "VARCHAR", _S),
    Column("probabilities", "JSON", _S),
))
ENTITIES = Table("entities", (
    Column("entity_id", "BIGINT"), Column("kind", "VARCHAR", _S), Column("value", "VARCHAR", _S),
))
DOC_ENTITIES = Table("doc_entities", (
    Column("doc_key", "BIGINT"), Column("entity_id", "BIGINT"),
    Column("start_pos", "INTEGER", pa.int32()), Column("end_pos", "INTEGER", pa.int32()),
    Column("recognizer", "VARCHAR", _S), Column("score", "FLOAT", pa.float32()),
    Column("attrs", "JSON", _S),
))
INDICATOR_HITS = Table("indicator_hits", (
    Column("doc_key", "BIGINT"), Column("indicator_id", "VARCHAR", _S),
    Column("category", "VARCHAR", _S), Column("weight", "FLOAT", pa.float32()),
    Column("evidence", "JSON", _S),
))
QUARANTINE = Table("quarantine", (
    Column("qid", "VARCHAR", _S), Column("input", "VARCHAR", _S), Column("unit", "VARCHAR", _S),
    Column("line", "BIGINT", pa.int64()), Column("reason", "VARCHAR", _S),
    Column("excerpt", "VARCHAR", _S), Column("quarantined_at", "TIMESTAMP"),
))
SCANS = Table("scans", (
    Column("scan_id", "VARCHAR"), Column("started_at", "TIMESTAMP"),
    Column("finished_at", "TIMESTAMP"), Column("inputs", "VARCHAR"), Column("status", "VARCHAR"),
    Column("records_read", "BIGINT"), Column("new_documents", "BIGINT"),
    Column("already_stored", "BIGINT"), Column("quarantined", "BIGINT"),
    Column("duplicates", "BIGINT"), Column("semantic", "VARCHAR"),
))
SCHEMA_VERSION = Table("schema_version", (
    Column("version", "INTEGER"), Column("name", "VARCHAR"), Column("applied_at", "TIMESTAMP"),
))

_GROUP = (
    Column("size", "INTEGER"), Column("first_seen", "TIMESTAMP"), Column("last_seen", "TIMESTAMP"),
    Column("languages", "JSON"), Column("countries", "JSON"), Column("sources", "JSON"),
    Column("max_risk", "SMALLINT"), Column("mean_risk", "FLOAT"),
    Column("top_identifiers", "JSON"), Column("updated_at", "TIMESTAMP"),
)
CAMPAIGNS = Table("campaigns", (Column("campaign_id", "VARCHAR"), *_GROUP))
NETWORKS = Table("networks", (Column("network_id", "VARCHAR"), *_GROUP))
CAMPAIGN_MEMBERS = Table("campaign_members", (
    Column("doc_key", "BIGINT"), Column("campaign_id", "VARCHAR")))
NETWORK_MEMBERS = Table("network_members", (
    Column("doc_key", "BIGINT"), Column("network_id", "VARCHAR")))
LINK_MERGES = Table("link_merges", (
    Column("kind", "VARCHAR"), Column("absorbed_id", "VARCHAR"), Column("kept_id", "VARCHAR"),
    Column("merged_at", "TIMESTAMP"),
))
LINK_SIGNATURES = Table("link_signatures", (
    Column("doc_key", "BIGINT"), Column("num_perm", "SMALLINT"), Column("seed", "INTEGER"),
    Column("signature", "BLOB"),
))
LINK_RUNS = Table("link_runs", (
    Column("run_at", "TIMESTAMP"), Column("new_documents", "BIGINT"),
    Column("total_documents", "BIGINT"), Column("threshold", "FLOAT"),
    Column("max_df", "INTEGER"), Column("campaigns", "BIGINT"), Column("networks", "BIGINT"),
))

PARTNER_IMPORTS = Table("partner_imports", (
    Column("import_id", "VARCHAR"), Column("source_file", "VARCHAR"), Column("format", "VARCHAR"),
    Column("producer", "VARCHAR"), Column("producer_ref", "VARCHAR"),
    Column("received_at", "TIMESTAMP"), Column("objects", "BIGINT"),
    Column("identifiers", "BIGINT"), Column("unmapped", "JSON"),
))
PARTNER_IDENTIFIERS = Table("partner_identifiers", (
    Column("import_id", "VARCHAR"), Column("object_id", "VARCHAR"), Column("kind", "VARCHAR"),
    Column("value", "VARCHAR"), Column("canonical", "VARCHAR"), Column("key_id", "VARCHAR"),
    Column("epoch", "INTEGER"), Column("tlp", "VARCHAR"), Column("categories", "JSON"),
    Column("flags", "JSON"), Column("groups", "JSON"),
))
# accounts of the web service (waspada.api): users with an argon2 hash of their password, a
# role and the highest TLP level they may see; API keys stored as a SHA-256 of the secret part
USERS = Table("users", (
    Column("username", "VARCHAR"), Column("password_hash", "VARCHAR"), Column("role", "VARCHAR"),
    Column("max_tlp", "VARCHAR"), Column("created_at", "TIMESTAMP"),
))
API_KEYS = Table("api_keys", (
    Column("key_id", "VARCHAR"), Column("username", "VARCHAR"), Column("key_hash", "VARCHAR"),
    Column("label", "VARCHAR"), Column("created_at", "TIMESTAMP"),
    Column("revoked_at", "TIMESTAMP"),
))

#: every table of the latest schema
TABLES: tuple[Table, ...] = (
    API_KEYS, ASSESSMENTS, CAMPAIGN_MEMBERS, CAMPAIGNS, DOC_ENTITIES, DOCUMENTS, ENTITIES,
    INDICATOR_HITS, LINK_MERGES, LINK_RUNS, LINK_SIGNATURES, NETWORK_MEMBERS, NETWORKS,
    PARTNER_IDENTIFIERS, PARTNER_IMPORTS, QUARANTINE, SCANS, SCHEMA_VERSION, USERS,
)
#: the tables ``waspada link`` writes
LINK_TABLES: tuple[Table, ...] = (CAMPAIGNS, CAMPAIGN_MEMBERS, NETWORKS, NETWORK_MEMBERS,
                                  LINK_MERGES, LINK_SIGNATURES, LINK_RUNS)
