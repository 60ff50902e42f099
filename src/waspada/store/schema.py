"""The intel store's schema, as an ordered list of migrations.

``MIGRATIONS`` is append-only: a released migration is never edited, a change is a new entry with
the next version number. ``migrate(con)`` applies, in order and each in its own transaction, every
migration whose version is above the one recorded in ``schema_version`` (one row per applied
migration), so a database written by any earlier release opens at the latest version.

Adding tables (e.g. campaigns / networks link tables)::

    MIGRATIONS.append(Migration(2, "link tables", ("CREATE TABLE campaigns (...)", ...)))

Key design (see docs/scan-and-store.md):
- ``documents.id`` is the public content-hash id: sha256 (hex) of the text with whitespace runs
  collapsed to one space and the ends stripped. The same text from two inputs is one document:
  the single writer (``Store.write``) inserts through an anti-join on ``id`` (no index since
  version 4).
- ``documents.doc_key`` is a compact integer surrogate used by every child table.
- ``entities`` holds one row per (kind, normalised value); ``doc_entities`` links documents to
  entities, one row per mention, with the mention's span and kind-specific attrs (JSON).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    "CREATE SEQUENCE doc_key_seq START 1",
    "CREATE SEQUENCE entity_id_seq START 1",
    """CREATE TABLE documents (
        doc_key BIGINT PRIMARY KEY DEFAULT nextval('doc_key_seq'),
        id VARCHAR NOT NULL UNIQUE,
        external_id VARCHAR,
        source VARCHAR,
        url VARCHAR,
        posted_at TIMESTAMP,
        ingested_at TIMESTAMP NOT NULL,
        language VARCHAR,
        script VARCHAR,
        text VARCHAR NOT NULL
    )""",
    """CREATE TABLE assessments (
        doc_key BIGINT PRIMARY KEY,
        model_version VARCHAR NOT NULL,
        risk SMALLINT NOT NULL,
        level VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        explanation VARCHAR,
        probabilities JSON
    )""",
    """CREATE TABLE entities (
        entity_id BIGINT PRIMARY KEY DEFAULT nextval('entity_id_seq'),
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        UNIQUE (kind, value)
    )""",
    """CREATE TABLE doc_entities (
        doc_key BIGINT NOT NULL,
        entity_id BIGINT NOT NULL,
        start_pos INTEGER,
        end_pos INTEGER,
        recognizer VARCHAR,
        score REAL,
        attrs JSON
    )""",
    """CREATE TABLE indicator_hits (
        doc_key BIGINT NOT NULL,
        indicator_id VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        weight REAL NOT NULL,
        evidence JSON
    )""",
    """CREATE TABLE quarantine (
        qid VARCHAR PRIMARY KEY,
        input VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        line BIGINT,
        reason VARCHAR NOT NULL,
        excerpt VARCHAR,
        quarantined_at TIMESTAMP NOT NULL
    )""",
)

_V2 = (
    """CREATE TABLE scans (
        scan_id VARCHAR PRIMARY KEY,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        inputs VARCHAR,
        status VARCHAR NOT NULL,
        records_read BIGINT,
        new_documents BIGINT,
        already_stored BIGINT,
        quarantined BIGINT
    )""",
)

_V3_GROUP_COLUMNS = """
        size INTEGER NOT NULL,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP,
        languages JSON,
        countries JSON,
        sources JSON,
        max_risk SMALLINT,
        mean_risk REAL,
        top_identifiers JSON,
        updated_at TIMESTAMP NOT NULL"""

# campaigns and networks (waspada.link): groups, memberships, merges, and the state that makes
# linking incremental (each linked document's MinHash signature).
_V3 = (
    f"CREATE TABLE campaigns (campaign_id VARCHAR PRIMARY KEY, {_V3_GROUP_COLUMNS})",
    "CREATE TABLE campaign_members (doc_key BIGINT PRIMARY KEY, campaign_id VARCHAR NOT NULL)",
    f"CREATE TABLE networks (network_id VARCHAR PRIMARY KEY, {_V3_GROUP_COLUMNS})",
    "CREATE TABLE network_members (doc_key BIGINT PRIMARY KEY, network_id VARCHAR NOT NULL)",
    """CREATE TABLE link_merges (
        kind VARCHAR NOT NULL,
        absorbed_id VARCHAR NOT NULL,
        kept_id VARCHAR NOT NULL,
        merged_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE link_signatures (
        doc_key BIGINT PRIMARY KEY,
        num_perm SMALLINT NOT NULL,
        seed INTEGER NOT NULL,
        signature BLOB NOT NULL
    )""",
    """CREATE TABLE link_runs (
        run_at TIMESTAMP NOT NULL,
        new_documents BIGINT NOT NULL,
        total_documents BIGINT NOT NULL,
        threshold REAL NOT NULL,
        max_df INTEGER NOT NULL,
        campaigns BIGINT NOT NULL,
        networks BIGINT NOT NULL
    )""",
)

# documents without the UNIQUE index on ``id``. A content-hash id is stored once because the
# single writer inserts a batch's documents through an anti-join on ``id`` in the same
# transaction (``Store.write``); the index only repeated that check, and its upkeep was the
# largest cost of a write (about 6 us a document) and, at a million documents, about a third of
# the database file. DuckDB cannot drop a constraint, so the table is rebuilt (rows and doc_key
# values kept).
_V4 = (
    """CREATE TABLE documents_v4 (
        doc_key BIGINT PRIMARY KEY DEFAULT nextval('doc_key_seq'),
        id VARCHAR NOT NULL,
        external_id VARCHAR,
        source VARCHAR,
        url VARCHAR,
        posted_at TIMESTAMP,
        ingested_at TIMESTAMP NOT NULL,
        language VARCHAR,
        script VARCHAR,
        text VARCHAR NOT NULL
    )""",
    "INSERT INTO documents_v4 SELECT doc_key, id, external_id, source, url, posted_at, "
    "ingested_at, language, script, text FROM documents ORDER BY doc_key",
    "DROP TABLE documents",
    "ALTER TABLE documents_v4 RENAME TO documents",
)

# a time value that could not be read is kept as given (``posted_raw``; ``posted_at`` is NULL
# then), and a scan's log counts the records that repeated an earlier one of the same input
_V5 = (
    "ALTER TABLE documents ADD COLUMN posted_raw VARCHAR",
    "ALTER TABLE scans ADD COLUMN duplicates BIGINT",
)

# the semantic stage (docs/semantic.md): ``documents.semantic`` is its P(risky) for a text it
# read, NULL for one it did not (and for every document stored before this version, when there
# was no semantic stage); ``scans.semantic`` the mode a scan ran with (auto, all, off)
_V6 = (
    "ALTER TABLE documents ADD COLUMN semantic DOUBLE",
    "ALTER TABLE scans ADD COLUMN semantic VARCHAR",
)

# the Traffic Light Protocol level of each document (waspada.tlp): what an export, a page or an
# API answer may let out. Documents stored before this version, and any scan that does not set
# one, are AMBER.
_V7 = ("ALTER TABLE documents ADD COLUMN tlp VARCHAR DEFAULT 'amber'",)

# data received from partner agencies (waspada.exchange): one row per imported file (its
# provenance, and what could not be mapped), one row per identifier it carried, with the TLP
# level it came with (RED when it came with none: fail closed), its canonical text (or its
# pseudonym, with the key id and epoch), and the categories, red flags and groups it was sent with
_V8 = (
    """CREATE TABLE partner_imports (
        import_id VARCHAR PRIMARY KEY,
        source_file VARCHAR NOT NULL,
        format VARCHAR NOT NULL,
        producer VARCHAR,
        producer_ref VARCHAR,
        received_at TIMESTAMP NOT NULL,
        objects BIGINT NOT NULL,
        identifiers BIGINT NOT NULL,
        unmapped JSON
    )""",
    """CREATE TABLE partner_identifiers (
        import_id VARCHAR NOT NULL,
        object_id VARCHAR,
        kind VARCHAR NOT NULL,
        value VARCHAR NOT NULL,
        canonical VARCHAR,
        key_id VARCHAR,
        epoch INTEGER,
        tlp VARCHAR NOT NULL,
        categories JSON,
        flags JSON,
        groups JSON
    )""",
)

# accounts of the web service (waspada.api, docs/web.md): users (argon2 password hash, role,
# highest TLP level) and their API keys (a SHA-256 of the secret part; shown once, never stored)
_V9 = (
    """CREATE TABLE users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        max_tlp VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL
    )""",
    """CREATE TABLE api_keys (
        key_id VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        key_hash VARCHAR NOT NULL,
        label VARCHAR,
        created_at TIMESTAMP NOT NULL,
        revoked_at TIMESTAMP
    )""",
)

#: every migration, in order; append only (see module docstring)
MIGRATIONS: list[Migration] = [
    Migration(1, "documents, assessments, entities, indicator hits, quarantine", _V1),
    Migration(2, "scan run log", _V2),
    Migration(3, "campaigns, networks and link state", _V3),
    Migration(4, "documents: id kept unique by the writer's anti-join, not by an index", _V4),
    Migration(5, "documents.posted_raw (an unreadable time as given), scans.duplicates", _V5),
    Migration(6, "documents.semantic (the semantic stage's P, NULL: not read), scans.semantic",
              _V6),
    Migration(7, "documents.tlp (the TLP 2.0 level; AMBER unless set)", _V7),
    Migration(8, "partner_imports and partner_identifiers (data received from partners)", _V8),
    Migration(9, "users and API keys of the web service", _V9),
]


def latest_version(migrations: list[Migration] | None = None) -> int:
    ms = MIGRATIONS if migrations is None else migrations
    return max((m.version for m in ms), default=0)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied version, 0 for a new (or pre-versioning) database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(
    con: duckdb.DuckDBPyConnection,
    *,
    target: int | None = None,
    migrations: list[Migration] | None = None,
) -> int:
    """Apply pending migrations up to ``target`` (default: latest); return the version reached."""
    ms = sorted(MIGRATIONS if migrations is None else migrations, key=lambda m: m.version)
    versions = [m.version for m in ms]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions: {versions}")
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    have = current_version(con)
    goal = latest_version(ms) if target is None else target
    for m in ms:
        if m.version <= have or m.version > goal:
            continue
        con.begin()
        try:
            for stmt in m.statements:
                con.execute(stmt)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, now()::TIMESTAMP)", [m.version, m.name]
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        have = m.version
    return have
