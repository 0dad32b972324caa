"""Users, organisations and API tokens.

Tokens are random 256-bit secrets, so a plain SHA-256 digest is a safe way to
store them (no slow hash needed, unlike passwords); the token itself is shown
once, when it is made.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata

from sqlmodel import Session, select
from werkzeug.security import generate_password_hash

from catalogue import audit, vocab
from catalogue.models import ApiToken, Organisation, User

TOKEN_PREFIX = "cat_"
# Roles whose accounts act for an organisation (a supplier, an association, a trust).
ORGANISATION_ROLES = frozenset({"supplier", "association", "trust"})


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why and what to do."""


def slugify(text: str, max_length: int = 120) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "item"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def organisation_by_name(session: Session, name: str) -> Organisation | None:
    return session.exec(select(Organisation).where(Organisation.name == name)).first()


def create_organisation(
    session: Session,
    *,
    name: str,
    kind: str,
    actor: audit.Actor,
    website: str | None = None,
    description: str = "",
    member_of: Organisation | None = None,
    is_demo: bool = False,
) -> Organisation:
    if kind not in vocab.ORGANISATION_KINDS:
        raise AccountError(f"Unknown organisation kind {kind!r}; choose one of {', '.join(vocab.ORGANISATION_KINDS.values)}.")
    if organisation_by_name(session, name) is not None:
        raise AccountError(f"An organisation named {name!r} already exists.")
    organisation = Organisation(
        name=name,
        slug=unique_slug(session, Organisation, slugify(name)),
        kind=kind,
        website=website,
        description=description,
        member_of_id=member_of.id if member_of else None,
        is_demo=is_demo,
    )
    session.add(organisation)
    session.flush()
    audit.record(session, actor=actor, action="organisation.created", entity=organisation, detail={"name": name, "kind": kind})
    return organisation


def unique_slug(session: Session, model: type, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… whichever is free for ``model``."""
    candidate, n = base, 1
    while session.exec(select(model.id).where(model.slug == candidate)).first() is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    actor: audit.Actor,
    organisation: Organisation | None = None,
    password: str | None = None,
    display_name: str = "",
) -> User:
    if role not in vocab.ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(vocab.ROLES.values)}.")
    if role in ORGANISATION_ROLES and organisation is None:
        raise AccountError(f"A {role} account belongs to an organisation: name it with --org.")
    email = email.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise AccountError(f"{email!r} is not an email address.")
    if user_by_email(session, email) is not None:
        raise AccountError(f"A user with email {email} already exists.")
    user = User(
        email=email,
        role=role,
        organisation_id=organisation.id if organisation else None,
        password_hash=generate_password_hash(password) if password else None,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.created", entity=user, detail={"email": email, "role": role})
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def api_account(session: Session, *, role: str, organisation: Organisation | None, actor: audit.Actor) -> User:
    """The account that a role's API tokens act as, for an organisation; made on first use."""
    owner = organisation.slug if organisation else "register"
    email = f"api.{role}.{owner}@tokens.invalid"
    return user_by_email(session, email) or create_user(
        session, email=email, role=role, organisation=organisation, actor=actor, display_name=f"API ({role})"
    )


def issue_token(session: Session, user: User, *, actor: audit.Actor, label: str = "") -> str:
    """Make a token for ``user`` and return it: the only time it is ever visible."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:12], label=label)
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, action="token.created", entity=record, detail={"user": user.email, "prefix": record.prefix})
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).first()
    if record is None or record.revoked_at is not None or not record.user.is_active:
        return None
    return record.user
