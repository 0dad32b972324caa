"""Loading the demo data in ``seed/``: through the same schemas and logic as the API.

Loading is idempotent: organisations are matched by name, products by supplier
and name, and an unchanged entry adds no version, so seeding twice changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import ValidationError
from sqlmodel import Session

from catalogue import accounts, products
from catalogue.schemas import flatten_errors

ACTOR = "seed"


class SeedError(ValueError):
    """A seed file is unreadable or holds an invalid entry; the message names the file, entry and field."""


@dataclass
class SeedReport:
    organisations_created: int = 0
    products_created: int = 0
    products_updated: int = 0
    products_unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.organisations_created} organisations created; products: {self.products_created} created, "
            f"{self.products_updated} updated, {self.products_unchanged} unchanged."
        )


def read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(f"{path}: cannot read it as JSON ({exc}).") from exc
    if not isinstance(data, list):
        raise SeedError(f"{path}: expected a JSON list of objects.")
    return data


def load(
    session: Session,
    directory: Path,
    *,
    progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda items: items,
) -> SeedReport:
    """Load ``suppliers.json`` and ``products.json`` from ``directory``; the caller commits."""
    report = SeedReport()
    organisations = read_json(directory / "suppliers.json")
    entries = read_json(directory / "products.json")
    # Associations first, so members can refer to them.
    for record in sorted(organisations, key=lambda r: r.get("kind") != "association"):
        _load_organisation(session, record, report)
    for record in progress(entries):
        _load_product(session, record, report)
    return report


def _load_organisation(session: Session, record: dict[str, Any], report: SeedReport) -> None:
    if accounts.organisation_by_name(session, record["name"]) is not None:
        return
    member_of = None
    if record.get("member_of"):
        member_of = accounts.organisation_by_name(session, record["member_of"])
        if member_of is None:
            raise SeedError(f"suppliers.json: {record['name']} is a member of unknown association {record['member_of']!r}.")
    accounts.create_organisation(
        session,
        name=record["name"],
        kind=record["kind"],
        website=record.get("website"),
        description=record.get("description", ""),
        member_of=member_of,
        is_demo=True,
        actor=ACTOR,
    )
    report.organisations_created += 1


def _load_product(session: Session, record: dict[str, Any], report: SeedReport) -> None:
    try:
        entry = products.validate_entry(record)
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in flatten_errors(exc.messages).items())
        raise SeedError(f"products.json: {record.get('name', '?')!r} is invalid — {problems}") from exc
    supplier = accounts.organisation_by_name(session, entry["supplier"] or "")
    if supplier is None:
        raise SeedError(f"products.json: {entry['name']!r} names unknown supplier {entry['supplier']!r}.")
    product = products.find_by_name(session, supplier, entry["name"])
    if product is None:
        product = products.create_product(session, actor=ACTOR, supplier=supplier, entry=entry)
        report.products_created += 1
        version = product.latest_version
    else:
        version, is_new = products.add_version(session, actor=ACTOR, product=product, entry=entry)
        if not is_new:
            report.products_unchanged += 1
            return
        report.products_updated += 1
    # Demo entries skip moderation: they are published as they load.
    products.publish(session, actor=ACTOR, product=product, version=version)
