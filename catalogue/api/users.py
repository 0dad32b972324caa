"""/api/v1/users: administrators create accounts (the API twin of `catalogue users create`)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from catalogue import accounts, db, permissions
from catalogue.api.auth import require_user
from catalogue.api.products import BEARER
from catalogue.schemas import UserRequestSchema, UserSchema

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Accounts (administrators).")


@blp.route("")
class Users(MethodView):
    @blp.arguments(UserRequestSchema)
    @blp.response(201, UserSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any]) -> Any:
        """Create an account (administrators). The organisation must exist already."""
        admin = require_user()
        if not permissions.can_manage_users(admin):
            abort(403, message="Only administrators manage accounts.")
        session = db.session()
        organisation = None
        if body["organisation"]:
            organisation = accounts.organisation_by_name(session, body["organisation"])
            if organisation is None:
                abort(422, message="No organisation has that name.", errors={"organisation": ["No organisation has that name."]})
        try:
            user = accounts.create_user(session, email=body["email"], role=body["role"], organisation=organisation,
                                        password=body["password"], actor=admin)
        except accounts.AccountError as exc:
            status = 409 if "already exists" in str(exc) else 422
            abort(status, message=str(exc), errors={"email" if status == 409 else "organisation": [str(exc)]})
        session.commit()
        return {"id": user.id, "email": user.email, "role": user.role,
                "organisation": organisation.name if organisation else None, "created_at": user.created_at}, 201
