"""Schema version 2: versioned datasets and the audit log (the service).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String),
        sa.Column("added", sa.DateTime, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("happened", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("detail_json", sa.Text, nullable=False),
    )
    op.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("audit")
    op.drop_table("datasets")
    op.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
