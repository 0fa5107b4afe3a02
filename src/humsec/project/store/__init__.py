"""The project store: every run, its provenance and its result tables, never overwritten.

Public API::

    from humsec.project.store import open_store, RunRecord, Store, input_hash

    with open_store("myproject/.humsec/store.duckdb") as store:
        key = input_hash({"survey": content_hash("survey.csv")}, spec, __version__, seed)
        run = store.find("deprivation", key) or store.record(analysis="deprivation", ...)
        store.tables(run.run_id), store.history(), store.compare(a, b)

Backends: an embedded DuckDB file (default) or PostgreSQL (``postgresql://…``). See
docs/store.md for what is kept, the schema, locking and migrations.
"""

from humsec.project.store.access import ACCESS_ROLES, Role, TokenRecord, TokenTable
from humsec.project.store.hashing import canonical_json, content_hash, input_hash
from humsec.project.store.opening import open_store
from humsec.project.store.record import DatasetVersion, RunRecord
from humsec.project.store.runstore import Store
from humsec.project.store.schema import SCHEMA_VERSION

__all__ = [
    "ACCESS_ROLES",
    "SCHEMA_VERSION",
    "DatasetVersion",
    "Role",
    "RunRecord",
    "Store",
    "TokenRecord",
    "TokenTable",
    "canonical_json",
    "content_hash",
    "input_hash",
    "open_store",
]
