"""The store's schema migrations (Alembic): ``versions/`` holds one revision per change of the schema."""
