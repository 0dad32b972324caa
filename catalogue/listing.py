"""The register's one query function, behind GET /api/v1/products, the register page and the exports.

It validates nothing itself (``schemas.SearchArgsSchema`` has done that): it
turns the arguments into search parameters, applies a trust profile when one
is named, runs the search, and explains each product against the profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from catalogue import db, profiles, registry, search
from catalogue.models import TrustProfile


class UnknownProfile(LookupError):
    """The profile link does not match a saved profile."""


@dataclass
class Answer:
    params: search.SearchParams
    results: search.SearchResults
    facets: dict[str, list[dict[str, Any]]]
    profile: TrustProfile | None = None
    # Product slug -> the profile's requirements, met or failed, for the products shown.
    findings: dict[str, list[profiles.Finding]] = field(default_factory=dict)
    show_failing: bool = False


def query(args: Mapping[str, Any], *, per_page: int | None = None) -> Answer:
    config = current_app.config
    params = search.params_from(args, per_page_default=config["PER_PAGE_DEFAULT"], per_page_max=per_page or config["PER_PAGE_MAX"])
    profile = None
    if args.get("profile"):
        profile = profiles.by_token(db.session(), args["profile"])
        if profile is None:
            raise UnknownProfile(f"No saved trust profile has the link {args['profile']!r}. Check the link, or save the profile again.")
    show_failing = bool(args.get("show_failing"))
    if profile is not None and not show_failing:
        params = profiles.restrict(params, profile.settings)
    results = search.current().search(params)
    answer = Answer(params, results, search.facet_listing(results, params), profile, show_failing=show_failing)
    if profile is not None:
        names = {key: evaluator.name for key, evaluator in registry.current().evaluators.items()}
        answer.findings = {card["slug"]: profiles.explain(profile.settings, card, names) for card in results.items}
    return answer
