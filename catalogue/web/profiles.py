"""Trust profile pages: create (or copy), view, share, export and import as JSON, apply to the register."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from catalogue import db, profiles, registry
from catalogue.schemas import TrustProfileSchema, flatten_errors
from catalogue.web import bp

INTEGER_FIELDS = ("age_min", "age_max", "min_overall")
LIST_FIELDS = ("phases", "users", "pupil_interaction", "requirements")


def settings_from_form(form: MultiDict) -> dict[str, Any]:
    """The form's fields as the profile schema expects them (numbers as numbers, empty as absent)."""
    data: dict[str, Any] = {"name": form.get("name", "")}
    for name in LIST_FIELDS:
        data[name] = form.getlist(name)
    for name in INTEGER_FIELDS:
        data[name] = _number(form.get(name, ""))
    data["min_scores"] = {
        key.removeprefix("min_score."): _number(value) for key, value in form.items() if key.startswith("min_score.") and value.strip()
    }
    return data


def _number(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text  # a non-number is left for the schema to report


def _form(settings: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    return render_template("profile_form.html", settings=settings, errors=errors, evaluators=registry.current().evaluators), status


@bp.get("/profiles/new")
def new_profile() -> Any:
    settings: dict[str, Any] = {}
    if request.args.get("from"):
        original = profiles.by_token(db.session(), request.args["from"])
        if original is None:
            abort(404)
        settings = dict(original.settings, name=f"{original.name} (copy)")
    return _form(settings, {})


@bp.post("/profiles")
def create_profile() -> Any:
    return _save(settings_from_form(request.form))


@bp.post("/profiles/import")
def import_profile() -> Any:
    upload = request.files.get("profile_file")
    if upload is None or not upload.filename:
        return _form({}, {"profile_file": ["Choose a profile JSON file to import."]}, 400)
    try:
        data = json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _form({}, {"profile_file": ["This file is not a profile exported from the register (it is not JSON)."]}, 400)
    if not isinstance(data, dict):
        return _form({}, {"profile_file": ["This file is not a profile exported from the register."]}, 400)
    data.pop("token", None)
    return _save(data)


def _save(data: dict[str, Any]) -> Any:
    installed = registry.current().evaluators
    errors: dict[str, list[str]] = {}
    try:
        settings = TrustProfileSchema().load(data)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
        settings = data
    for key in (settings.get("min_scores") or {}) if isinstance(settings.get("min_scores"), dict) else ():
        if key not in installed:
            errors[f"min_scores.{key}"] = [f"No installed evaluator is called {key!r}."]
    if errors:
        return _form(data if isinstance(data, dict) else {}, errors, 422)
    session = db.session()
    profile = profiles.create(session, settings, actor="web")
    session.commit()
    return redirect(url_for("web.show_profile", token=profile.token), code=303)


@bp.get("/profiles/<token>")
def show_profile(token: str) -> Any:
    profile = profiles.by_token(db.session(), token)
    if profile is None:
        abort(404)
    return render_template("profile.html", profile=profile, evaluators=registry.current().evaluators)


@bp.get("/profiles/<token>.json")
def export_profile(token: str) -> Response:
    profile = profiles.by_token(db.session(), token)
    if profile is None:
        abort(404)
    body = json.dumps(TrustProfileSchema().dump(profile.settings), ensure_ascii=False, indent=2)
    filename = f"trust-profile-{token}.json"
    return Response(body, mimetype="application/json", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
