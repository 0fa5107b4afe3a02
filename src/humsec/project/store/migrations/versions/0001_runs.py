"""Schema version 1: store_meta, runs, run_inputs, result_tables.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.String, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("analysis", sa.String, nullable=False),
        sa.Column("input_hash", sa.String, nullable=False),
        sa.Column("started", sa.DateTime, nullable=False),
        sa.Column("ended", sa.DateTime, nullable=False),
        sa.Column("spec_json", sa.Text, nullable=False),
        sa.Column("seed", sa.BigInteger),
        sa.Column("humsec_version", sa.String, nullable=False),
        sa.Column("reused_from", sa.String),
        sa.Column("recorded", sa.DateTime, nullable=False),
    )
    op.create_index("runs_by_inputs", "runs", ["analysis", "input_hash"])
    op.create_table(
        "run_inputs",
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("sha256", sa.String, nullable=False),
    )
    op.create_table(
        "result_tables",
        sa.Column("run_id", sa.String, primary_key=True),
        sa.Column("name", sa.String, primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("format", sa.String, nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("n_rows", sa.BigInteger, nullable=False),
        sa.Column("n_cols", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.execute("INSERT INTO store_meta (key, value) VALUES ('schema_version', '1')")


def downgrade() -> None:
    for table in ["result_tables", "run_inputs", "runs", "store_meta"]:
        op.drop_table(table)
