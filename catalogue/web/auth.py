"""Signing in and out of the register's pages (API clients use bearer tokens instead)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, url_for
from flask_login import login_user, logout_user
from werkzeug.security import check_password_hash

from catalogue import accounts, audit, db
from catalogue.security import limiter
from catalogue.web import bp

# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = "scrypt:32768:8:1$Ao6Yw0n5u5m4Qq0E$1d4b0a4f5c7f6fe6b3e0a1d0b7f1f2e3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3"


# Where each role starts its work after signing in.
HOME_PAGES = {"supplier": "web.supplier_dashboard", "association": "web.supplier_dashboard", "reviewer": "web.review_queue",
              "trust": "web.trust_dashboard"}


def _safe_next(target: str | None, role: str) -> str:
    # Only same-site paths: never redirect a signed-in user to another site.
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for(HOME_PAGES.get(role, "web.register"))


@bp.get("/login")
def login() -> Any:
    return render_template("login.html", email="", error=None, next=request.args.get("next", ""))


@bp.post("/login")
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
def login_submit() -> Any:
    email = request.form.get("email", "").strip().lower()
    password = request.form.get("password", "")
    session = db.session()
    user = accounts.user_by_email(session, email) if email else None
    valid = check_password_hash(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
    if user is None or not user.password_hash or not valid or not user.is_active:
        error = "The email address or password is not right. Check both and try again."
        return render_template("login.html", email=email, error=error, next=request.form.get("next", "")), 401
    login_user(user)
    audit.record(session, actor=user, action="user.signed_in", entity=user)
    session.commit()
    return redirect(_safe_next(request.form.get("next"), user.role), code=303)


@bp.post("/logout")
def logout() -> Any:
    logout_user()
    return redirect(url_for("web.register"), code=303)
