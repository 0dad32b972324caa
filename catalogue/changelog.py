"""The ordered change log that search-index replicas follow.

Any change that can alter a product's public view appends an entry in the same
transaction. A replica applies entries in ``id`` order and stores the last id it
applied inside its own index, so replaying the log after a crash is exact and
many app instances can each keep their own index current.
"""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import Session, select

from catalogue.models import ChangeLogEntry, Product

# PostgreSQL hands out sequence values at insert time, not commit time, so a
# slow transaction could commit id 100 after a replica has applied 101. Taking
# this transaction-scoped lock before inserting makes ids follow commit order.
# (SQLite serialises writers already.)
_POSTGRES_LOCK_KEY = 7_203_118


def record(session: Session, product: Product) -> None:
    """Note that ``product``'s public view may have changed (call inside the changing transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})
    session.add(ChangeLogEntry(product_id=product.id))


def pending(session: Session, after: int, limit: int = 5000) -> list[tuple[int, int]]:
    """(entry id, product id) pairs after ``after``, oldest first."""
    statement = select(ChangeLogEntry.id, ChangeLogEntry.product_id).where(ChangeLogEntry.id > after).order_by(ChangeLogEntry.id).limit(limit)
    return list(session.exec(statement).all())


def last_id(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(ChangeLogEntry.id), 0))).one()
