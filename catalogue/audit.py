"""The append-only audit log: every change of state records who made it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from catalogue.models import AuditEntry, User, utcnow

# A signed-in user, or a label for a non-human actor ("cli", "seed").
Actor = User | str


def record(session: Session, *, actor: Actor, action: str, entity: SQLModel, detail: dict[str, Any] | None = None) -> None:
    """Add an audit entry in the caller's transaction, so it commits or rolls back with the change."""
    entity_id = str(getattr(entity, "slug", None) or entity.id)
    session.add(AuditEntry(**entry_values(actor=actor, action=action, entity_type=type(entity).__tablename__, entity_id=entity_id, detail=detail)))


def entry_values(*, actor: Actor, action: str, entity_type: str, entity_id: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The columns of one audit entry (the bulk import inserts many at once)."""
    return {
        "at": utcnow(),
        "actor_id": actor.id if isinstance(actor, User) else None,
        "actor": actor.email if isinstance(actor, User) else actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "detail": detail or {},
    }
