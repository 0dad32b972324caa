"""Trust assurance: authorisations, change alerts, evaluators' verification of evidence, comparison.

An authorisation records what the trust saw (version, scores, red lines, AI
features). When a later version is published, every active authorisation is
compared with it; a change in the AI features, a lower score or a new red line
raises an alert that stays until the trust acknowledges it or re-authorises.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from catalogue import audit, changelog, evaluation, permissions, registry, vocab
from catalogue.models import Alert, Authorisation, Evaluation, Product, ProductVersion, User, Verification, utcnow
from catalogue.problems import ProductProblem


# Supplier answers whose change alters a trust's DPIA: where data goes, training, the DPIA itself.
WATCHED_ANSWERS = {
    "dp_storage_region": "Where data is stored",
    "dp_transfer_mechanism": "How data leaves the UK",
    "dp_trains_on_pupil_data": "Training AI on pupils' data",
    "dp_dpia": "The supplier's DPIA",
    "age_ai_provider": "The AI provider",
}


def snapshot_seen(session: Session, version: ProductVersion) -> dict[str, Any]:
    """What a trust sees of a version: the basis for later change alerts."""
    rows = evaluation.latest_evaluations(session, version)
    installed = registry.current()
    overall = evaluation.overall_quality(installed, evaluation.snapshot_of(version), rows)
    return {
        "version": version.number,
        "ai_features": version.ai_features,
        "overall": overall.score,
        "scores": {row.evaluator_id: row.score for row in rows if row.evaluator_id in installed.evaluators},
        "red_lines": sorted(overall.red_lines),
        # Facts a trust's DPIA and policy rest on: a change to any of them needs a look.
        "pupil_interaction": version.pupil_interaction,
        "facts": {key: version.answers.get(key) for key in WATCHED_ANSWERS},
    }


def authorise(session: Session, *, user: User, product: Product, purposes: list[str], users: list[str],
              dpia_status: str, notes: str = "") -> Authorisation:
    if user.role != "trust" or user.organisation_id is None:
        raise ProductProblem(403, "Only a trust's account can authorise tools for that trust.")
    version = product.published_version
    if version is None or product.withdrawn_at is not None:
        raise ProductProblem(409, "Only a published product can be authorised.")
    # Re-authorising replaces the trust's earlier authorisation and settles its alerts.
    for earlier in active_authorisations(session, trust_id=user.organisation_id, product_id=product.id):
        earlier.revoked_at = utcnow()
        session.add(earlier)
        for alert in open_alerts_for(session, earlier):
            alert.acknowledged_at, alert.acknowledged_by_id = utcnow(), user.id
            session.add(alert)
    record = Authorisation(
        trust_id=user.organisation_id, product_id=product.id, purposes=purposes, users=users, dpia_status=dpia_status,
        notes=notes, version_number=version.number, seen=snapshot_seen(session, version), authorised_by_id=user.id,
    )
    session.add(record)
    session.flush()
    audit.record(session, actor=user, action="authorisation.granted", entity=record,
                 detail={"product": product.slug, "version": version.number, "purposes": purposes, "users": users})
    return record


def revoke(session: Session, *, user: User, record: Authorisation) -> None:
    record.revoked_at = utcnow()
    session.add(record)
    audit.record(session, actor=user, action="authorisation.revoked", entity=record, detail={"product_id": record.product_id})


def active_authorisations(session: Session, *, trust_id: int, product_id: int | None = None) -> list[Authorisation]:
    statement = select(Authorisation).where(Authorisation.trust_id == trust_id, Authorisation.revoked_at.is_(None))
    if product_id is not None:
        statement = statement.where(Authorisation.product_id == product_id)
    return list(session.exec(statement.order_by(Authorisation.authorised_at)))


def open_alerts_for(session: Session, record: Authorisation) -> list[Alert]:
    statement = select(Alert).where(Alert.authorisation_id == record.id, Alert.acknowledged_at.is_(None))
    return list(session.exec(statement))


def open_alerts(session: Session, *, trust_id: int) -> list[tuple[Alert, Authorisation]]:
    statement = (
        select(Alert, Authorisation)
        .join(Authorisation, Authorisation.id == Alert.authorisation_id)
        .where(Authorisation.trust_id == trust_id, Alert.acknowledged_at.is_(None))
        .order_by(Alert.created_at.desc())
    )
    return list(session.exec(statement))


def changes_between(seen: dict[str, Any], now: dict[str, Any]) -> list[dict[str, Any]]:
    """What matters to a trust between what it authorised and the new version."""
    changes: list[dict[str, Any]] = []
    if seen["ai_features"] != now["ai_features"]:
        changes.append({"kind": "ai_features", "label": "What the AI does changed", "before": seen["ai_features"], "after": now["ai_features"]})
    if seen["overall"] is not None and now["overall"] is not None and now["overall"] < seen["overall"]:
        changes.append({"kind": "score", "label": "Overall score fell", "before": seen["overall"], "after": now["overall"]})
    for evaluator_id, before in seen["scores"].items():
        after = now["scores"].get(evaluator_id)
        if before is not None and after is not None and after < before:
            name = registry.current().evaluators[evaluator_id].name if evaluator_id in registry.current().evaluators else evaluator_id
            changes.append({"kind": "score", "label": f"{name} score fell", "before": before, "after": after})
    if seen.get("pupil_interaction", now["pupil_interaction"]) != now["pupil_interaction"]:
        changes.append({"kind": "pupil_use", "label": "How pupils use the AI changed",
                        "before": vocab.PUPIL_INTERACTION.label(seen["pupil_interaction"]), "after": vocab.PUPIL_INTERACTION.label(now["pupil_interaction"])})
    for key, label in WATCHED_ANSWERS.items():
        before, after = seen.get("facts", {}).get(key), now["facts"].get(key)
        if "facts" in seen and before != after:
            changes.append({"kind": "data_protection", "label": f"{label} changed", "before": before or "not stated", "after": after or "not stated"})
    new_lines = sorted(set(now["red_lines"]) - set(seen["red_lines"]))
    if new_lines:
        changes.append({"kind": "red_line", "label": "A red line is now crossed", "before": "; ".join(seen["red_lines"]) or "none",
                        "after": "; ".join(now["red_lines"])})
    return changes


def raise_alerts(session: Session, product: Product, version: ProductVersion) -> list[Alert]:
    """Compare each active authorisation with a newly published version; alert where it matters."""
    # No flush for this lookup: authorisations are never pending in the session, and
    # flushing a product just created cost bulk imports ~17% (bench/).
    with session.no_autoflush:
        records = list(session.exec(select(Authorisation).where(Authorisation.product_id == product.id, Authorisation.revoked_at.is_(None))))
    if not records:
        return []
    session.flush()  # the new version's evaluations must be visible to the comparison
    now = snapshot_seen(session, version)
    alerts = []
    for record in records:
        changes = changes_between(record.seen, now)
        if changes and record.version_number != version.number:
            alert = Alert(authorisation_id=record.id, from_version=record.version_number, to_version=version.number, changes=changes)
            session.add(alert)
            alerts.append(alert)
    return alerts


def acknowledge(session: Session, *, user: User, alert: Alert) -> None:
    alert.acknowledged_at, alert.acknowledged_by_id = utcnow(), user.id
    session.add(alert)
    audit.record(session, actor=user, action="alert.acknowledged", entity=alert, detail={"authorisation_id": alert.authorisation_id})


def verify(session: Session, *, user: User, version: ProductVersion, evaluator_id: str, criterion_id: str,
           note: str, evidence_url: str) -> Verification:
    """An evaluator confirms the evidence for one criterion; its result shows as verified from now on."""
    if not permissions.can_verify_evidence(user):
        raise ProductProblem(403, "Only evaluators verify evidence.")
    latest = {row.evaluator_id: row for row in evaluation.latest_evaluations(session, version)}
    row: Evaluation | None = latest.get(evaluator_id)
    if row is None or row.status != "complete":
        raise ProductProblem(422, "This evaluator has no completed evaluation of the version.", {"evaluator": [f"No evaluation by {evaluator_id!r}."]})
    if criterion_id not in {c["id"] for c in row.criteria}:
        raise ProductProblem(422, "Unknown criterion for this evaluator.", {"criterion": [f"{evaluator_id} has no criterion {criterion_id!r}."]})
    existing = session.exec(select(Verification).where(Verification.version_id == version.id, Verification.evaluator_id == evaluator_id,
                                                       Verification.criterion_id == criterion_id)).first()
    record = existing or Verification(version_id=version.id, evaluator_id=evaluator_id, criterion_id=criterion_id, note="", evidence_url="")
    record.note, record.evidence_url, record.verified_by_id = note, evidence_url, user.id
    session.add(record)
    row.criteria = [c | {"assurance": "verified"} if c["id"] == criterion_id else c for c in row.criteria]
    session.add(row)
    audit.record(session, actor=user, action="criterion.verified", entity=version.product,
                 detail={"version": version.number, "evaluator": evaluator_id, "criterion": criterion_id, "evidence": evidence_url})
    changelog.record(session, version.product)
    return record


def purposes_label(purposes: list[str]) -> str:
    return ", ".join(vocab.AUTHORISED_PURPOSES.label(p) for p in purposes)
