"""Schema versions, on every backend: an older store is migrated, a newer one refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from humsec.errors import StoreError, StoreUnreachableError, StoreVersionError
from humsec.project.store import SCHEMA_VERSION, content_hash, input_hash, open_store
from humsec.project.store.duckdb_backend import _duckdb_sql
from humsec.project.store.tables import encode_table

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _raw_sql(target: dict[str, Any], sql: str, params: dict[str, Any] | None = None) -> None:
    """Run SQL on the store's database behind the store's back (as another humsec would)."""
    if "schema" not in target:
        with duckdb.connect(str(target["url_or_path"])) as con:
            con.execute(_duckdb_sql(sql), params or {})
        return
    import sqlalchemy as sa

    url = str(target["url_or_path"]).replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f'SET search_path TO "{target["schema"]}"'))
        connection.execute(sa.text(sql), params or {})


def test_a_store_at_schema_1_is_migrated_and_its_runs_read(store_target: dict[str, Any]) -> None:
    frame = pd.DataFrame({"H": [0.4, None]}, index=pd.Index(["MZ01", "MZ02"], name="pcode"))
    with open_store(**store_target, migrate_to=1) as old:
        assert old.schema_version == 1
    # What a humsec of schema 1 wrote: a run, its input and its table, and no audit table.
    key = input_hash({"survey": "a" * 64}, {"k": 1}, "0.0.9", 1)
    blob = encode_table("t", frame)
    _raw_sql(
        store_target,
        "INSERT INTO runs VALUES ('r1', 1, 'deprivation', :h, :t, :t, :spec, 1, '0.0.9', NULL, :t)",
        {"h": key, "t": T0.replace(tzinfo=None), "spec": '{"k":1}'},
    )
    _raw_sql(store_target, "INSERT INTO run_inputs VALUES ('r1', 'survey', :s)", {"s": "a" * 64})
    _raw_sql(
        store_target,
        "INSERT INTO result_tables VALUES ('r1', 't', 0, 'parquet', :s, 2, 1, :d)",
        {"s": content_hash(blob), "d": blob},
    )
    with open_store(**store_target) as store:
        assert store.schema_version == SCHEMA_VERSION == 3
        run = store.run("r1")
        assert (run.analysis, run.input_hash, run.spec, run.seed) == (
            "deprivation",
            key,
            {"k": 1},
            1,
        )
        assert run.inputs == {"survey": "a" * 64} and run.started == T0
        assert store.find("deprivation", key, note_reuse=False) == run
        pd.testing.assert_frame_equal(store.tables("r1")["t"], frame)
        assert store.put_dataset("survey", b"x").version == 1  # the table version 2 added
        assert list(store.audit_log()["action"]) == ["dataset"]


def test_a_store_from_a_newer_humsec_is_refused(store_target: dict[str, Any]) -> None:
    with open_store(**store_target):
        pass
    _raw_sql(store_target, "UPDATE store_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreVersionError, match=r"schema version 99.*newer.*\(version 3\)") as e:
        open_store(**store_target)
    assert "upgrade humsec" in str(e.value)
    with pytest.raises(StoreVersionError, match="newer"):
        open_store(**store_target, read_only=True)


def test_a_store_without_a_schema_version_is_not_guessed_at(store_target: dict[str, Any]) -> None:
    with open_store(**store_target):
        pass
    _raw_sql(store_target, "DELETE FROM store_meta WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version"):
        open_store(**store_target)


def test_a_newer_alembic_revision_is_refused(postgres_url: str, fresh_schema: str) -> None:
    target = {"url_or_path": postgres_url, "schema": fresh_schema}
    with open_store(**target):
        pass
    _raw_sql(target, "UPDATE alembic_version SET version_num = '0042'")
    with pytest.raises(StoreVersionError, match="migration 0042"):
        open_store(**target)


def test_an_unreachable_postgres_names_the_url_without_its_password() -> None:
    with pytest.raises(StoreUnreachableError) as caught:
        open_store("postgresql://analyst:s3cret-pw@127.0.0.1:1/humsec")
    message = str(caught.value)
    assert "postgresql://analyst:***@127.0.0.1:1/humsec" in message
    assert "s3cret-pw" not in message
    assert "check that the server is running" in message


def test_a_duckdb_file_that_is_no_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(StoreError, match="not a humsec store"):
        open_store(path)
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database")
    with pytest.raises(StoreError, match="DuckDB cannot open the store"):
        open_store(text)


def test_an_old_store_opened_read_only_asks_to_be_migrated(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with open_store(path, migrate_to=1):
        pass
    with pytest.raises(StoreVersionError, match="read-only open cannot"):
        open_store(path, read_only=True)
    with pytest.raises(StoreError, match="no store to read"):
        open_store(tmp_path / "missing.duckdb", read_only=True)
