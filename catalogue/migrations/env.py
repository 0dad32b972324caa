"""Alembic environment: migrations run against the engine the app hands over.

Run them with ``catalogue init-db`` (or ``catalogue.db.upgrade``); new
revisions are written with ``catalogue db-revision -m "..."``.
"""

from alembic import context

import catalogue.models  # noqa: F401  (registers every table on the metadata)
from catalogue.models import metadata

config = context.config


def run_migrations() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            # SQLite cannot ALTER most things in place: copy-and-move tables instead.
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
