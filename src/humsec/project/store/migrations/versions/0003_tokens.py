"""Schema version 3: the service's access tokens (digests and roles) and their revocations.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tokens",
        sa.Column("token_id", sa.String, primary_key=True),
        sa.Column("digest", sa.String, nullable=False, unique=True),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("project", sa.String),
        sa.Column("label", sa.String),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("expires", sa.DateTime),
    )
    op.create_table(
        "token_revocations",
        sa.Column("token_id", sa.String, nullable=False),
        sa.Column("revoked_at", sa.DateTime, nullable=False),
        sa.Column("revoked_by", sa.String, nullable=False),
    )
    op.execute("UPDATE store_meta SET value = '3' WHERE key = 'schema_version'")


def downgrade() -> None:
    op.drop_table("token_revocations")
    op.drop_table("tokens")
    op.execute("UPDATE store_meta SET value = '2' WHERE key = 'schema_version'")
