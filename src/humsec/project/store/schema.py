"""The store's schema and its versions.

Schema version 1 (humsec 0.1, the project store): ``store_meta``, ``runs``, ``run_inputs``,
``result_tables``. Schema version 2 (the service): adds ``datasets`` (versioned content) and
``audit``. Schema version 3 (the service's accounts): ``tokens`` and ``token_revocations``
(:mod:`humsec.project.store.access`). ``store_meta`` holds ``schema_version`` and the humsec
version that last migrated the store. A store at an older version is migrated forward on
opening (one transaction per step); a store at a newer version is refused, never guessed at.

The DDL here is DuckDB's; PostgreSQL gets the same tables from the Alembic revisions in
``migrations/versions`` (BYTEA for blobs). Every query the store runs is written once, in the
SQL both dialects share (see :mod:`humsec.project.store.database`).
"""

from __future__ import annotations

SCHEMA_VERSION = 3

DUCKDB_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE store_meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL)""",
        """CREATE TABLE runs (
            run_id VARCHAR PRIMARY KEY,
            seq BIGINT NOT NULL UNIQUE,
            analysis VARCHAR NOT NULL,
            input_hash VARCHAR NOT NULL,
            started TIMESTAMP NOT NULL,
            ended TIMESTAMP NOT NULL,
            spec_json VARCHAR NOT NULL,
            seed BIGINT,
            humsec_version VARCHAR NOT NULL,
            reused_from VARCHAR,
            recorded TIMESTAMP NOT NULL)""",
        """CREATE TABLE run_inputs (
            run_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            PRIMARY KEY (run_id, name))""",
        """CREATE TABLE result_tables (
            run_id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            position INTEGER NOT NULL,
            format VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            n_rows BIGINT NOT NULL,
            n_cols BIGINT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (run_id, name))""",
        "CREATE INDEX runs_by_inputs ON runs (analysis, input_hash)",
    ],
    2: [
        """CREATE TABLE datasets (
            name VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            sha256 VARCHAR NOT NULL,
            size BIGINT NOT NULL,
            source VARCHAR,
            added TIMESTAMP NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (name, version))""",
        """CREATE TABLE audit (
            seq BIGINT PRIMARY KEY,
            happened TIMESTAMP NOT NULL,
            actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            detail_json VARCHAR NOT NULL)""",
    ],
    3: [
        """CREATE TABLE tokens (
            token_id VARCHAR PRIMARY KEY,
            digest VARCHAR NOT NULL UNIQUE,
            role VARCHAR NOT NULL,
            project VARCHAR,
            label VARCHAR,
            created TIMESTAMP NOT NULL,
            expires TIMESTAMP)""",
        """CREATE TABLE token_revocations (
            token_id VARCHAR NOT NULL,
            revoked_at TIMESTAMP NOT NULL,
            revoked_by VARCHAR NOT NULL)""",
    ],
}

assert max(DUCKDB_MIGRATIONS) == SCHEMA_VERSION
