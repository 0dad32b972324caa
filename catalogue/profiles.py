"""Trust profiles: a trust's context and requirements, turned into search restrictions and explanations.

``restrictions`` makes the register show only products that meet every
requirement; ``explain`` says, for one product, which requirements it meets or
fails and why, in the words a headteacher would use.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from catalogue import audit, vocab
from catalogue.models import TrustProfile
from catalogue.search import SearchParams

# Each hard requirement as a restriction on an indexed field: (field, allowed values).
REQUIREMENT_FILTERS = {
    "no_red_lines": ("red_lines", ("none",)),
    "data_in_uk_eea": ("storage_region", ("uk", "eea")),
    "never_trains_on_pupil_data": ("training", ("never",)),
    "dpia_available": ("dpia", ("current",)),
}


@dataclass(frozen=True)
class Finding:
    requirement: str
    met: bool
    reason: str


def create(session: Session, settings: dict[str, Any], *, actor: audit.Actor) -> TrustProfile:
    profile = TrustProfile(token=secrets.token_urlsafe(12), name=settings["name"], settings=settings)
    session.add(profile)
    session.flush()
    audit.record(session, actor=actor, action="profile.created", entity=profile, detail={"name": profile.name})
    return profile


def by_token(session: Session, token: str) -> TrustProfile | None:
    return session.exec(select(TrustProfile).where(TrustProfile.token == token)).first()


def restrict(params: SearchParams, settings: dict[str, Any]) -> SearchParams:
    """``params`` narrowed to the products that meet every requirement of the profile."""
    constraints = list(params.constraints)
    if settings.get("phases"):
        constraints.append(("phase", tuple(settings["phases"]), "any"))
    if settings.get("users"):
        constraints.append(("intended_users", tuple(settings["users"]), "all"))
    if settings.get("pupil_interaction"):
        constraints.append(("pupil_interaction", tuple(settings["pupil_interaction"]), "any"))
    for requirement in settings.get("requirements", ()):
        field, allowed = REQUIREMENT_FILTERS[requirement]
        constraints.append((field, allowed, "any"))
    min_scores = dict(params.min_scores)
    for key, minimum in _minimums(settings).items():
        min_scores[key] = max(minimum, min_scores.get(key, 0))
    age_range = None
    if settings.get("age_min") is not None or settings.get("age_max") is not None:
        age_range = (settings.get("age_min") or 0, settings.get("age_max") if settings.get("age_max") is not None else 25)
    return SearchParams(
        q=params.q, facets=params.facets, min_scores=min_scores, sort=params.sort, page=params.page,
        per_page=params.per_page, constraints=tuple(constraints), age_range=age_range,
    )


def _minimums(settings: dict[str, Any]) -> dict[str, int]:
    minimums = dict(settings.get("min_scores") or {})
    if settings.get("min_overall") is not None:
        minimums["overall"] = settings["min_overall"]
    return minimums


def explain(settings: dict[str, Any], card: dict[str, Any], evaluator_names: dict[str, str]) -> list[Finding]:
    """Each requirement of the profile, met or failed by this product, with the reason."""
    findings: list[Finding] = []
    if settings.get("phases"):
        shared = [p for p in settings["phases"] if p in card["phase"]]
        wanted = _labels(settings["phases"], vocab.PHASES)
        findings.append(Finding("Phases", bool(shared),
                                f"Serves {_labels(shared, vocab.PHASES)}." if shared else f"Does not serve {wanted}."))
    if settings.get("age_min") is not None or settings.get("age_max") is not None:
        low, high = settings.get("age_min") or 0, settings.get("age_max") if settings.get("age_max") is not None else 25
        overlap = card["age_min"] <= high and card["age_max"] >= low
        findings.append(Finding("Ages", overlap, f"For ages {card['age_min']}–{card['age_max']}; you serve {low}–{high}."))
    if settings.get("users"):
        missing = [u for u in settings["users"] if u not in card["intended_users"]]
        findings.append(Finding("Users", not missing, "Intended for all of your users." if not missing
                                else f"Not intended for {_labels(missing, vocab.INTENDED_USERS).lower()}."))
    if settings.get("pupil_interaction"):
        mode = card["pupil_interaction"][0]
        allowed = mode in settings["pupil_interaction"]
        findings.append(Finding("Pupil use", allowed, f"Pupils' use of the AI: {vocab.PUPIL_INTERACTION.label(mode).lower()}"
                                + ("." if allowed else f"; you allow {_labels(settings['pupil_interaction'], vocab.PUPIL_INTERACTION).lower()}.")))
    for key, minimum in _minimums(settings).items():
        score = card["overall"]["score"] if key == "overall" else card["evaluations"].get(key, {}).get("score")
        name = "Overall" if key == "overall" else evaluator_names.get(key, key)
        met = score is not None and score >= minimum
        findings.append(Finding(f"{name} score", met, f"{name}: {score if score is not None else 'not scored'}; you need {minimum}."))
    for requirement in settings.get("requirements", ()):
        field, allowed = REQUIREMENT_FILTERS[requirement]
        value = card[field][0] if card[field] else "unknown"
        label = vocab.PROFILE_REQUIREMENTS.label(requirement)
        findings.append(Finding(label, value in allowed, _requirement_reason(requirement, value, card)))
    return findings


def _requirement_reason(requirement: str, value: str, card: dict[str, Any]) -> str:
    if requirement == "no_red_lines":
        return "Crosses no red line." if value == "none" else "Crosses: " + "; ".join(card["overall"]["red_lines"]) + "."
    vocabulary = {"data_in_uk_eea": vocab.STORAGE_REGIONS, "never_trains_on_pupil_data": vocab.TRAINING_STATES,
                  "dpia_available": vocab.DPIA_STATES}[requirement]
    prefix = {"data_in_uk_eea": "Data stored: ", "never_trains_on_pupil_data": "", "dpia_available": ""}[requirement]
    return f"{prefix}{vocabulary.label(value)} (supplier's answer)."


def _labels(values: list[str], vocabulary: vocab.Vocabulary) -> str:
    return ", ".join(vocabulary.label(v) for v in values)
