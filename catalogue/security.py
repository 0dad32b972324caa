"""Web security: sign-in sessions, CSRF protection on every form, rate limits, security headers.

The API authenticates with bearer tokens, never cookies, so CSRF checks apply
to the pages only. Rate limits key on the token (API) or the client address.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from catalogue import db
from catalogue.models import User

# No inline scripts or styles anywhere: pages work without JavaScript.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}

# Endpoints that accept uploads larger than MAX_CONTENT_LENGTH, and the setting holding each one's limit.
# The limit is raised before anything reads the body (the CSRF check reads forms first).
UPLOAD_LIMITS = {
    "imports.ImportCollection": "IMPORT_MAX_BYTES",
    "web.import_upload": "IMPORT_MAX_BYTES",
    "web.upload_document": "DOCUMENT_MAX_BYTES",
}
# Room for the multipart envelope and the other form fields around a file of the largest size.
MULTIPART_ALLOWANCE = 256 * 1024

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "web.login"
login_manager.login_message = "Sign in to continue."


def rate_key() -> str:
    """Limit each API token separately; anonymous requests by address."""
    header = request.headers.get("Authorization", "")
    return header[-24:] if header.lower().startswith("bearer ") else get_remote_address()


limiter = Limiter(key_func=rate_key, storage_uri="memory://", default_limits=[])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session().get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


def init_app(app: Flask) -> None:
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config["SECURE_COOKIES"]
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SECURE_COOKIES"]
    # CSRF is checked below for pages only; API clients send bearer tokens, not cookies.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)

    @app.before_request
    def _upload_limits() -> None:
        if request.endpoint in UPLOAD_LIMITS:
            request.max_content_length = app.config[UPLOAD_LIMITS[request.endpoint]] + MULTIPART_ALLOWANCE

    @app.before_request
    def _protect_forms() -> None:
        if app.config.get("WTF_CSRF_ENABLED", True) and not request.path.startswith("/api/"):
            csrf.protect()

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
