"""/api/v1/tokens: a user's own API tokens — list, create, revoke. Tokens are stored hashed."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlmodel import select

from catalogue import accounts, audit, db
from catalogue.api.auth import require_user
from catalogue.api.products import BEARER
from catalogue.models import ApiToken, utcnow
from catalogue.schemas import NewTokenSchema, TokenListSchema, TokenRequestSchema, TokenSchema

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="Your API tokens.")


@blp.route("")
class TokenCollection(MethodView):
    @blp.response(200, TokenListSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.doc(security=BEARER)
    def get(self) -> dict[str, Any]:
        """List your tokens (their first characters only; a token is never shown twice)."""
        user = require_user()
        rows = db.session().exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
        return {"items": rows}

    @blp.arguments(TokenRequestSchema)
    @blp.response(201, NewTokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any]) -> Any:
        """Create another token for yourself; the response is the only time it is shown."""
        user = require_user()
        session = db.session()
        token = accounts.issue_token(session, user, actor=user, label=body["label"])
        session.commit()
        record = session.exec(select(ApiToken).where(ApiToken.token_hash == accounts.hash_token(token))).one()
        return {"token": token, "id": record.id, "prefix": record.prefix, "label": record.label, "created_at": record.created_at}, 201


@blp.route("/<int(max=2147483647):token_id>")
class TokenItem(MethodView):
    @blp.response(200, TokenSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def delete(self, token_id: int) -> Any:
        """Revoke one of your tokens. It stops working at once; the record is kept for the audit log."""
        user = require_user()
        session = db.session()
        record = session.get(ApiToken, token_id)
        if record is None or record.user_id != user.id:
            abort(404, message="You have no token with this id.")
        if record.revoked_at is None:
            record.revoked_at = utcnow()
            session.add(record)
            audit.record(session, actor=user, action="token.revoked", entity=record, detail={"prefix": record.prefix})
            session.commit()
        return record
