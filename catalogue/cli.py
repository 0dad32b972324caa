"""The ``catalogue`` command, built on Flask's CLI (so ``catalogue run`` serves the app).

Every command calls the same logic layer as the API; none writes to the
database by hand. Errors are printed as one line that says what to do, with
exit status 1 (click uses 2 for a badly formed command line).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, run_command
from sqlalchemy import make_url
from tqdm import tqdm

from catalogue import accounts, db, seeding, settings, vocab
from catalogue.models import Organisation
from catalogue.resources import SEED_DIR

ACTOR = "cli"


def _create_app() -> Flask:
    from catalogue import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
@click.version_option(package_name="edtech-catalogue")
def main() -> None:
    """Manage the AI EdTech Quality Register.

    Settings come from CATALOGUE_* environment variables; `catalogue settings` lists them.
    """


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@main.command("init-db")
def init_db() -> None:
    """Create the database tables, or upgrade them to this release (keeps existing data)."""
    url = current_app.config["DATABASE_URL"]
    try:
        db.upgrade(db.engine())
    except Exception as exc:  # noqa: BLE001 - any driver error: say what to check
        _fail(f"Could not prepare the database at {_safe_url(url)}: {exc.__class__.__name__}: {exc}. Check CATALOGUE_DATABASE_URL.")
    click.echo(f"Database ready: {_safe_url(url)}")


def _require_schema() -> None:
    if not db.has_schema(db.engine()):
        _fail("The database has no tables yet: run `catalogue init-db` first.")


@main.command("seed")
@click.option(
    "--path",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SEED_DIR,
    show_default=True,
    help="Folder holding suppliers.json and products.json.",
)
def seed(directory: Path) -> None:
    """Load the fictional demo suppliers and products (safe to run again)."""
    _require_schema()
    session = db.session()

    def progress(items: list) -> tqdm:
        return tqdm(items, desc="Seeding products", unit="product", file=sys.stderr, disable=None)

    try:
        report = seeding.load(session, directory, progress=progress)
    except seeding.SeedError as exc:
        session.rollback()
        _fail(f"{exc} Nothing was loaded.")
    session.commit()
    click.echo(f"Seeded from {directory}: {report}")


@main.command("demo", with_appcontext=False)
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Prepare the database, load the demo data and serve the register on http://127.0.0.1:5000."""
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        ctx.invoke(init_db)
        ctx.invoke(seed, directory=SEED_DIR)
    click.echo("Serving the demo register on http://127.0.0.1:5000 — press Ctrl+C to stop.")
    ctx.invoke(run_command, host="127.0.0.1", port=5000, reload=False, debugger=False, with_threads=True)


@main.group("users")
def users() -> None:
    """Manage user accounts."""


ROLE_CHOICE = click.Choice(vocab.ROLES.values)


def _find_organisation(name: str | None, role: str, create: bool) -> Organisation | None:
    if name is None:
        return None
    session = db.session()
    organisation = accounts.organisation_by_name(session, name)
    if organisation is None:
        if not create:
            _fail(f"No organisation is named {name!r}. Check the spelling, or add --create-org to create it.")
        kind = role if role in vocab.ORGANISATION_KINDS else "supplier"
        organisation = accounts.create_organisation(session, name=name, kind=kind, actor=ACTOR)
        click.echo(f"Created {kind} organisation {name!r}.", err=True)
    return organisation


@users.command("create")
@click.option("--email", required=True, help="Login email address.")
@click.option("--role", required=True, type=ROLE_CHOICE, help="What the user may do.")
@click.option("--org", "org_name", help="The user's organisation (required for supplier, association and trust).")
@click.option("--create-org", is_flag=True, help="Create the organisation if it does not exist.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="Login password (prompted if left out).")
def users_create(email: str, role: str, org_name: str | None, create_org: bool, password: str) -> None:
    """Create a user who can sign in to the register."""
    _require_schema()
    if len(password) < 12:
        _fail("Choose a password of at least 12 characters.")
    try:
        organisation = _find_organisation(org_name, role, create_org)
        user = accounts.create_user(db.session(), email=email, role=role, organisation=organisation, password=password, actor=ACTOR)
    except accounts.AccountError as exc:
        _fail(str(exc))
    db.session().commit()
    click.echo(f"Created {role} user {user.email}.")


@main.group("tokens")
def tokens() -> None:
    """Manage API tokens."""


@tokens.command("create")
@click.option("--role", required=True, type=ROLE_CHOICE, help="Role of the account the token acts as.")
@click.option("--org", "org_name", help="Organisation the token acts for (required for supplier, association and trust).")
@click.option("--create-org", is_flag=True, help="Create the organisation if it does not exist.")
@click.option("--email", help="Attach the token to this existing user instead of the role's API account.")
@click.option("--label", default="", help="A note to tell tokens apart.")
def tokens_create(role: str, org_name: str | None, create_org: bool, email: str | None, label: str) -> None:
    """Create an API token and print it as the last line (it is shown only once)."""
    _require_schema()
    session = db.session()
    try:
        organisation = _find_organisation(org_name, role, create_org)
        if email is not None:
            user = accounts.user_by_email(session, email)
            if user is None:
                _fail(f"No user has the email {email}. Create one with `catalogue users create`.")
            if user.role != role or (organisation is not None and user.organisation_id != organisation.id):
                _fail(f"{email} is a {user.role} account of another organisation or role; --role and --org must match it.")
        else:
            user = accounts.api_account(session, role=role, organisation=organisation, actor=ACTOR)
        token = accounts.issue_token(session, user, label=label, actor=ACTOR)
    except accounts.AccountError as exc:
        _fail(str(exc))
    session.commit()
    click.echo(f"Token for {user.email} ({role}). Keep it secret; it cannot be shown again:", err=True)
    click.echo(token)


@main.command("settings")
@click.option("--markdown", is_flag=True, help="Print the README's configuration table instead.")
def show_settings(markdown: bool) -> None:
    """List every setting, its environment variable, current value and meaning."""
    if markdown:
        click.echo(settings.as_markdown())
        return
    for setting in settings.SETTINGS:
        value = current_app.config.get(setting.name)
        if setting.name == "SECRET_KEY":
            value = "(set)" if setting.env_var in os.environ else "(random per process)"
        elif setting.name == "DATABASE_URL":
            value = _safe_url(value)
        click.echo(f"{setting.env_var} = {value}\n    {setting.help}")
