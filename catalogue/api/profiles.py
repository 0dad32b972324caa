"""/api/v1/profiles: save a trust profile (its JSON export imports as it is) and read it back."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from catalogue import db, profiles, registry
from catalogue.api.auth import current_user
from catalogue.models import TrustProfile
from catalogue.schemas import SavedProfileSchema, TrustProfileSchema

blp = Blueprint("profiles", __name__, url_prefix="/api/v1/profiles", description="Trust profiles: a trust's context and requirements.")


def _saved(profile: TrustProfile) -> dict[str, Any]:
    return {
        **profile.settings,
        "token": profile.token,
        "url": url_for("web.show_profile", token=profile.token, _external=True),
        "apply_url": url_for("web.register", profile=profile.token, _external=True),
        "json_url": url_for("web.export_profile", token=profile.token, _external=True),
    }


@blp.route("")
class ProfileCollection(MethodView):
    @blp.arguments(TrustProfileSchema)
    @blp.response(201, SavedProfileSchema)
    def post(self, settings: dict[str, Any]) -> Any:
        """Save a trust profile. Profiles are immutable: to change one, save a new one.

        Anyone may save a profile; its token is unguessable, so it is shared
        only with those given its link. Use the token as `profile=` on
        `GET /api/v1/products` to apply it.
        """
        unknown = [key for key in settings["min_scores"] if key not in registry.current().evaluators]
        if unknown:
            abort(422, message="Some minimum scores name evaluators that are not installed.",
                  errors={f"min_scores.{key}": [f"No installed evaluator is called {key!r}."] for key in unknown})
        session = db.session()
        profile = profiles.create(session, settings, actor=current_user() or "api")
        session.commit()
        return _saved(profile), 201


@blp.route("/<token>")
class ProfileItem(MethodView):
    @blp.response(200, SavedProfileSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, token: str) -> dict[str, Any]:
        """A saved trust profile."""
        profile = profiles.by_token(db.session(), token)
        if profile is None:
            abort(404, message="No saved trust profile has this token.")
        return _saved(profile)
