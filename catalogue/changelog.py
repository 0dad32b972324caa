"""The ordered change log that search-index replicas follow.

Any change that can alter a product's public view appends an entry in the same
transaction. A replica applies entries in ``id`` order and stores the last id it
applied inside its own index, so replaying the log after a crash is exact and
many app instances can each keep their own index current.
"""

from __future__ import annotations

from sqlalchemy import func, insert, text
from sqlmodel import Session, select

from catalogue.models import ChangeLogEntry, Product, utcnow

# PostgreSQL hands out sequence values at insert time, not commit time, so a
# slow transaction could commit id 100 after a replica has applied 101. Taking
# this transaction-scoped lock before inserting makes ids follow commit order.
# (SQLite serialises writers already.)
_POSTGRES_LOCK_KEY = 7_203_118


def record(session: Session, product: Product) -> None:
    """Note that ``product``'s public view may have changed (call inside the changing transaction)."""
    _take_order_lock(session)
    session.add(ChangeLogEntry(product_id=product.id))


def record_many(session: Session, product_ids: list[int]) -> None:
    """``record`` for many products at once, in this order, with one INSERT."""
    if product_ids:
        _take_order_lock(session)
        now = utcnow()
        session.execute(insert(ChangeLogEntry.__table__), [{"product_id": product_id, "at": now} for product_id in product_ids])


def _take_order_lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_LOCK_KEY})


def pending(session: Session, after: int, limit: int = 5000) -> list[tuple[int, int]]:
    """(entry id, product id) pairs after ``after``, oldest first."""
    statement = select(ChangeLogEntry.id, ChangeLogEntry.product_id).where(ChangeLogEntry.id > after).order_by(ChangeLogEntry.id).limit(limit)
    return list(session.exec(statement).all())


def last_id(session: Session) -> int:
    return session.exec(select(func.coalesce(func.max(ChangeLogEntry.id), 0))).one()
