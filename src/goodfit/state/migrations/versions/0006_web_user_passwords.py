"""Web app sign-in: an argon2 password hash per user (NULL: cannot sign in on the web).

Revision ID: 0006_web_user_passwords
Revises: 0005_bound_approvals
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_web_user_passwords"
down_revision = "0005_bound_approvals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
