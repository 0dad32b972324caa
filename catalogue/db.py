"""Database engine, per-request sessions and schema migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from catalogue.models import AuditEntry

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# JSON columns (answers, criteria, signals, audit details) through orjson: the
# standard library's encoder was the largest single cost of storing a bulk import.
JSON_CODEC: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(OrmSession, "before_flush")
def _keep_audit_log_append_only(session: OrmSession, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AppendOnlyError("The audit log is append-only: entries cannot be changed or deleted.")


def make_engine(url: str) -> Engine:
    # orjson decodes the JSON columns (answers, evaluation results) faster than the
    # standard library: 1.4x on the cards of a full reindex.
    if url.startswith("sqlite"):
        # check_same_thread: Flask may serve a request on another thread than the
        # one that opened the pooled connection.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **JSON_CODEC)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # SQLite ignores foreign keys unless asked, per connection.
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL lets readers carry on while one process writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, **JSON_CODEC)


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app.extensions["catalogue.engine"] = make_engine(url)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["catalogue.engine"]


def session() -> Session:
    """The session of the current request or CLI command, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        if exc is not None:
            db_session.rollback()
        db_session.close()


def alembic_config(bound_engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = bound_engine
    return config


def upgrade(bound_engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``, keeping existing data."""
    command.upgrade(alembic_config(bound_engine), revision)


def has_schema(bound_engine: Engine) -> bool:
    return inspect(bound_engine).has_table("alembic_version")
