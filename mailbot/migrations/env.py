"""Alembic environment: the engine comes from mailbot (config.attributes), never from a global."""

from __future__ import annotations

from alembic import context

from mailbot.store.tables import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through `mailbot db upgrade`, which passes the connection")
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; use `mailbot db upgrade`")
run_migrations_online()
