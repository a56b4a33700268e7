"""Alembic's environment for the store: the connection is the one :func:`localize.schema.upgrade` opened,
inside its write transaction (which holds the store's write lock)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
