from __future__ import annotations

from alembic import context

from socketspace.migrations import include_name
from socketspace.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `socketspace migrate`; it passes the connection.")

if (
    connection.dialect.name == "sqlite"
    and connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
):
    # A table copied in batch mode would take every row that refers to it along when the old
    # one is dropped (see socketspace.migrations.foreign_keys_off).
    raise RuntimeError(
        "On SQLite, migrate through socketspace.migrations.upgrade() or downgrade(), which "
        "turn foreign keys off first."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
