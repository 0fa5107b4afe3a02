"""Alembic environment of the PostgreSQL store, run programmatically by the store.

The store passes an open connection (``config.attributes["connection"]``) and the target
PostgreSQL schema (``config.attributes["schema"]``); nothing is read from an alembic.ini, so
the migrations work from an installed package. The version table lives in the store's schema.
"""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes["connection"]
schema = config.attributes.get("schema")

context.configure(
    connection=connection,
    version_table_schema=schema,
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
