"""The domain model: the database is the register's system of record.

Product entries are versioned: a supplier's change never overwrites a row, it
adds a ``ProductVersion``. Classifications and evaluations point at the version
they judged, so a score always says what it was a score *of*. The audit log is
append-only (see ``catalogue.db``, which refuses updates and deletes of it).
"""

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, TypeDecorator, UniqueConstraint, text
from sqlmodel import Field, Relationship, SQLModel

# Named constraints let Alembic alter them later (SQLite batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp that always comes back timezone-aware, in UTC.

    SQLite keeps no time zone, so without this it hands back naive datetimes,
    which the API would serialise without an offset (not a valid date-time).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(timezone.utc) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value is not None else None


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _empty_list() -> list[Any]:
    return []


def _empty_dict() -> dict[str, Any]:
    return {}


def _json(default: type) -> Any:
    # Plain functions, not the builtins: pydantic inspects a default factory's
    # signature on every construction, and for a builtin that means parsing its
    # text signature (measured at ~3 ms per product stored).
    factory = _empty_list if default is list else _empty_dict
    return Field(default_factory=factory, sa_column=Column(JSON, nullable=False))


class Organisation(SQLModel, table=True):
    """A supplier, a supplier association, a trust or an evaluation body."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120, unique=True)
    slug: str = Field(max_length=140, unique=True)
    kind: str = Field(max_length=20)
    website: str | None = Field(default=None, max_length=300)
    description: str = Field(default="", max_length=2000)
    # A supplier that belongs to an association: the association may submit for it.
    member_of_id: int | None = Field(default=None, foreign_key="organisation.id")
    is_demo: bool = Field(default=False)
    created_at: datetime = _timestamp()


class User(SQLModel, table=True):
    # "user" is reserved in PostgreSQL.
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=20)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    password_hash: str | None = Field(default=None, max_length=300)
    is_active: bool = Field(default=True)
    created_at: datetime = _timestamp()

    organisation: Organisation | None = Relationship()

    # What Flask-Login asks of a signed-in user (is_active is the column above).
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class ApiToken(SQLModel, table=True):
    """A bearer token. Only its SHA-256 digest is stored; the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("account.id", ondelete="CASCADE"), nullable=False))
    token_hash: str = Field(max_length=64, unique=True)
    # The first characters, so a user can tell their tokens apart in a list.
    prefix: str = Field(max_length=16)
    label: str = Field(default="", max_length=120)
    created_at: datetime = _timestamp()
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    user: User = Relationship()


class Product(SQLModel, table=True):
    """A product's identity; its content lives in its versions."""

    __table_args__ = (UniqueConstraint("supplier_id", "external_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=140, unique=True)
    supplier_id: int = Field(foreign_key="organisation.id", index=True)
    # A reference the supplier or its association uses for this product, so a
    # re-submitted bulk file updates the same entry instead of duplicating it.
    # Indexed on its own: an import looks a batch's references up before it knows their suppliers.
    external_ref: str | None = Field(default=None, max_length=120, index=True)
    latest_version_number: int = Field(default=0)
    # The version the public register shows; a newer submitted version waits for review.
    published_version_number: int | None = Field(default=None, index=True)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()

    supplier: Organisation = Relationship()
    versions: list["ProductVersion"] = Relationship(
        back_populates="product", sa_relationship_kwargs={"order_by": "ProductVersion.number"}
    )

    @property
    def status(self) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if self.published_version_number is not None:
            return "published"
        return self.latest_version.status

    @property
    def latest_version(self) -> "ProductVersion":
        return self.versions[-1]

    @property
    def published_version(self) -> "ProductVersion | None":
        return self.version(self.published_version_number)

    def version(self, number: int | None) -> "ProductVersion | None":
        return next((v for v in self.versions if v.number == number), None)


class ProductVersion(SQLModel, table=True):
    """One immutable snapshot of a product entry, as a supplier submitted it."""

    __tablename__ = "product_version"
    __table_args__ = (
        UniqueConstraint("product_id", "number"),
        # Names are unique per supplier regardless of case, and checked as lower(name):
        # without this, every batch of an import scanned every version.
        Index("ix_product_version_name_lower", text("lower(name)")),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    number: int
    status: str = Field(default="submitted", max_length=20)
    # Reviewer's reason for a rejection, shown to the supplier.
    review_note: str = Field(default="", max_length=2000)
    # SHA-256 of the canonical entry: an unchanged re-submission adds no version.
    content_hash: str = Field(max_length=64)
    created_at: datetime = _timestamp()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")

    name: str = Field(max_length=120)
    website: str = Field(max_length=300)
    summary: str = Field(max_length=280)
    description: str
    ai_features: str
    ai_models: list[str] = _json(list)
    intended_users: list[str] = _json(list)
    pupil_interaction: str = Field(max_length=20)
    phases: list[str] = _json(list)
    key_stages: list[str] = _json(list)
    age_min: int
    age_max: int
    subjects: list[str] = _json(list)
    pricing: str = Field(max_length=20)
    answers: dict[str, Any] = _json(dict)

    product: Product = Relationship(back_populates="versions")


class Classification(SQLModel, table=True):
    """Workflow vs teaching & learning, for one version, with the signals that decided it."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="product_version.id", index=True)
    category: str = Field(max_length=20)
    use_cases: list[str] = _json(list)
    confidence: float
    signals: list[dict[str, Any]] = _json(list)
    source: str = Field(default="auto", max_length=20)  # "auto" or "reviewer"
    reason: str = Field(default="", max_length=2000)
    # Set when the classification is uncertain, or a reviewer's override no
    # longer matches changed AI features: a reviewer should look at it.
    needs_review: bool = Field(default=False, index=True)
    created_at: datetime = _timestamp()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")


class Evaluation(SQLModel, table=True):
    """One evaluator's judgement of one product version."""

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="product_version.id", index=True)
    evaluator_id: str = Field(max_length=64, index=True)
    evaluator_version: str = Field(max_length=40)
    status: str = Field(default="complete", max_length=20)  # "complete" or "failed"
    score: int | None = None
    band: str | None = Field(default=None, max_length=20)
    red_lines: list[str] = _json(list)
    criteria: list[dict[str, Any]] = _json(list)
    error: str = Field(default="", max_length=4000)
    created_at: datetime = _timestamp()


class AuditEntry(SQLModel, table=True):
    """Who changed what, when. Append-only: rows are never updated or deleted."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _timestamp()
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    # Human-readable actor, kept even if the account is later removed ("cli", "seed", an email).
    actor: str = Field(max_length=254)
    action: str = Field(max_length=64, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=140)
    detail: dict[str, Any] = _json(dict)


class ChangeLogEntry(SQLModel, table=True):
    """An ordered record that a product's public view may have changed.

    Written in the same transaction as the change itself, so the log never
    misses a committed change. Every search-index replica applies the log in
    ``id`` order and remembers how far it got: that is how several app
    instances stay current, and how a crashed writer's work is redone exactly.
    """

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    at: datetime = _timestamp()


class TrustProfile(SQLModel, table=True):
    """A trust's context and requirements, saved once and applied to the register.

    Profiles are immutable: editing one saves a new profile with a new link, so
    a link shared with a headteacher always shows what was shared.
    """

    __tablename__ = "trust_profile"

    id: int | None = Field(default=None, primary_key=True)
    # Unguessable, so a profile is shared only with those given its link.
    token: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    settings: dict[str, Any] = _json(dict)
    created_at: datetime = _timestamp()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")


class Draft(SQLModel, table=True):
    """A product entry a supplier is still writing: saved as typed, checked only when submitted."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    # Set when the draft edits an existing product rather than creating one.
    product_id: int | None = Field(default=None, foreign_key="product.id")
    data: dict[str, Any] = _json(dict)
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
    updated_at: datetime = _timestamp()


class Authorisation(SQLModel, table=True):
    """A trust allows a product for named purposes and users, recording what it saw when it decided."""

    id: int | None = Field(default=None, primary_key=True)
    trust_id: int = Field(foreign_key="organisation.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    purposes: list[str] = _json(list)
    users: list[str] = _json(list)
    dpia_status: str = Field(default="not_started", max_length=20)
    notes: str = Field(default="", max_length=2000)
    # What the trust saw: the published version, its scores, red lines and AI features.
    version_number: int
    seen: dict[str, Any] = _json(dict)
    authorised_at: datetime = _timestamp()
    authorised_by_id: int | None = Field(default=None, foreign_key="account.id")
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Alert(SQLModel, table=True):
    """A change to an authorised product that the trust should look at, until acknowledged."""

    id: int | None = Field(default=None, primary_key=True)
    authorisation_id: int = Field(foreign_key="authorisation.id", index=True)
    from_version: int
    to_version: int
    changes: list[dict[str, Any]] = _json(list)
    created_at: datetime = _timestamp()
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by_id: int | None = Field(default=None, foreign_key="account.id")


class Verification(SQLModel, table=True):
    """An evaluator's check of the evidence behind one criterion for one product version."""

    __table_args__ = (UniqueConstraint("version_id", "evaluator_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="product_version.id", index=True)
    evaluator_id: str = Field(max_length=64)
    criterion_id: str = Field(max_length=40)
    note: str = Field(max_length=2000)
    evidence_url: str = Field(max_length=300)
    verified_by_id: int | None = Field(default=None, foreign_key="account.id")
    created_at: datetime = _timestamp()


class SupplierDocument(SQLModel, table=True):
    """A supplier's own DPIA or data processing agreement for a product (the latest of each kind counts)."""

    __tablename__ = "supplier_document"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    kind: str = Field(max_length=10)  # "dpia" or "dpa"
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = _timestamp()
    uploaded_by_id: int | None = Field(default=None, foreign_key="account.id")


class TrustDpia(SQLModel, table=True):
    """A trust's own DPIA for a product: its context added to the starter, saved as numbered versions."""

    __tablename__ = "trust_dpia"
    __table_args__ = (UniqueConstraint("trust_id", "product_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    trust_id: int = Field(foreign_key="organisation.id", index=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    number: int
    product_version: int
    context: dict[str, Any] = _json(dict)
    created_at: datetime = _timestamp()
    created_by_id: int | None = Field(default=None, foreign_key="account.id")
