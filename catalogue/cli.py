"""The ``catalogue`` command, built on Flask's CLI (so ``catalogue run`` serves the app).

Every command calls the same logic layer as the API; none writes to the
database by hand. Errors are printed as one line that says what to do, with
exit status 1 (click uses 2 for a badly formed command line).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, run_command
from sqlalchemy import make_url
from sqlmodel import Session, select
from tqdm import tqdm

from catalogue import accounts, changelog, classification, db, evaluation, registry, search, seeding, settings, vocab
from catalogue import imports
from catalogue.models import Organisation
from catalogue.resources import SEED_DIR

ACTOR = "cli"
# The bulk commands (import, evaluate, classify, reindex) judge and index on every core.
PROCESSES = os.cpu_count() or 1


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


def _progress_bar(desc: str, unit: str, *, leave: bool = True) -> Callable[..., Iterable[Any]]:
    """The progress callback of every long-running command: a bar on stderr, drawn only when that is a terminal.

    Called as ``progress(items, total)``, or ``progress(items)`` when ``items`` has a length.
    ``leave=False`` clears the bar once done: for a step inside a command whose own summary follows.
    """
    def progress(items: Iterable[Any], total: int | None = None) -> Iterable[Any]:
        return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=leave)

    return progress


def _index_all_changes(session: Session) -> None:
    """Bring the index up to date after a command that changed many products, on every core, with a bar."""
    search.current().catch_up(session, wait=30, processes=PROCESSES, progress=_progress_bar("Indexing", "product", leave=False))


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

    try:
        report = seeding.load(session, directory, progress=_progress_bar("Seeding products", "product"))
    except seeding.SeedError as exc:
        session.rollback()
        _fail(f"{exc} Nothing was loaded.")
    session.commit()
    search.current().catch_up(session, wait=30)
    click.echo(f"Seeded from {directory}: {report}")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(imports.FORMATS),
    help="The file's format: csv, json (an array, or JSON Lines) or jsonl. Default: from the file name (.csv, .json, .jsonl, .ndjson).",
)
@click.option(
    "--as-org",
    "org_name",
    help="Import with the rights of this supplier or association, as its API token would. "
    "Default: as the register's operator, who may import for any supplier (each row names its supplier).",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Publish every product the file creates or changes at once, without review (the operator vouches for the file). "
    "Not with --as-org.",
)
def import_file(file: Path, fmt: str | None, org_name: str | None, publish: bool) -> None:
    """Import product entries from a CSV, JSON or JSON Lines file (format: docs/import-format.md).

    Each row is checked on its own; valid rows are stored even when others fail, and
    re-importing a file changes nothing. Rows are judged on every core. Exits with
    status 1 if any row failed.
    """
    _require_schema()
    if publish and org_name is not None:
        _fail("--publish is for the register's operator: suppliers and associations submit for review. Leave out --as-org or --publish.")
    fmt = fmt or imports.format_for(filename=file.name)
    if fmt is None:
        _fail(f"Cannot tell the format of {file.name} from its name: add --format csv, json or jsonl.")
    session = db.session()
    if org_name is None:
        user = imports.operator(ACTOR)
    else:
        organisation = accounts.organisation_by_name(session, org_name)
        if organisation is None or organisation.kind not in ("supplier", "association"):
            _fail(f"No supplier or association is named {org_name!r}. Check the spelling (names are case-sensitive).")
        user = accounts.api_account(session, role=organisation.kind, organisation=organisation, actor=ACTOR)

    with file.open("rb") as stream:
        try:
            report = imports.run(session, stream, fmt, user=user, progress=_progress_bar("Importing", "row"),
                                 index_progress=_progress_bar("Indexing", "product", leave=False), index_wait=30,
                                 publish=publish, processes=PROCESSES)
        except imports.ImportFileError as exc:
            session.rollback()
            _fail(f"{file.name}: {exc} Nothing was imported.")
    for row in report.rows:
        for error in row.errors:
            ref = f" ({row.external_ref})" if row.external_ref else ""
            click.echo(f"Row {row.row}{ref} {error.field}: {error.problem} — {error.fix}")
    click.echo(f"Imported {file.name}: {report}.")
    if report.failed:
        raise SystemExit(1)


@main.command("demo", with_appcontext=False)
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Prepare the database, load the demo data and serve the register on http://127.0.0.1:5000."""
    # The demo is served over plain HTTP on 127.0.0.1, where a secure-only cookie would never be sent.
    os.environ.setdefault("CATALOGUE_SECURE_COOKIES", "false")
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        ctx.invoke(init_db)
        ctx.invoke(seed, directory=SEED_DIR)
    click.echo("Serving the demo register on http://127.0.0.1:5000 — press Ctrl+C to stop.")
    click.echo("To sign in as a supplier, reviewer or trust, create an account in another terminal, e.g. "
               "`.venv/bin/catalogue users create --email you@example.org --role reviewer` (see the README's 'Who does what').")
    ctx.invoke(run_command, host="127.0.0.1", port=5000, reload=False, debugger=False, with_threads=True)


@main.command("evaluate")
@click.option("--all", "everything", is_flag=True, help="Re-run every evaluator on every current product version.")
@click.option("--stale", is_flag=True, help="Run only evaluations that are missing or made by another evaluator version.")
def evaluate(everything: bool, stale: bool) -> None:
    """Re-run evaluators after installing, upgrading or removing one."""
    if everything == stale:
        _fail("Choose what to evaluate: --stale (missing or outdated evaluations) or --all (everything).")
    _require_schema()
    from catalogue.models import ProductVersion

    session = db.session()
    installed = registry.current()
    work = evaluation.pending_work(session, installed, everything=everything)
    counts = {"complete": 0, "failed": 0}
    for done, item in enumerate(_progress_bar("Evaluating", "version")(work, len(work)), start=1):
        version = session.get(ProductVersion, item.version_id)
        rows = evaluation.evaluate_version(
            session, version, registry=installed, runner=evaluation.current_runner(), evaluator_ids=item.evaluator_ids
        )
        for row in rows:
            counts[row.status] += 1
        changelog.record(session, version.product)
        if done % 200 == 0:  # commit in batches: progress survives an interruption
            session.commit()
            session.expunge_all()
    session.commit()
    _index_all_changes(session)
    click.echo(
        f"Evaluated {len(work)} product versions: {counts['complete']} evaluations complete, {counts['failed']} failed."
    )
    removed = evaluation.removed_evaluators(session, installed)
    if removed:
        click.echo(f"Evaluations by removed evaluators ({', '.join(removed)}) are kept as history and no longer count.")


@main.command("classify")
@click.option("--all", "everything", is_flag=True, help="Re-classify every product's current versions.")
@click.option("--flagged", is_flag=True, help="List classifications waiting for a reviewer instead.")
def classify(everything: bool, flagged: bool) -> None:
    """Re-run workflow vs teaching & learning classification, or list those flagged for review."""
    if everything == flagged:
        _fail("Choose --all (re-classify everything) or --flagged (list those waiting for review).")
    _require_schema()
    session = db.session()
    if flagged:
        rows = classification.flagged(session)
        for product, version, row in rows:
            click.echo(f"{row.confidence:.2f}  {product.slug} (version {version.number}): {classification.explain(row.category, row.signals)}")
        click.echo(f"{len(rows)} classifications wait for review.")
        return
    from catalogue.models import Product

    installed = registry.current()
    outcome = {"changed": 0, "unchanged": 0, "kept_overrides": 0}
    products_ = session.exec(select(Product)).all()
    for done, product in enumerate(_progress_bar("Classifying", "product")(products_, len(products_)), start=1):
        for number in sorted({product.latest_version_number, product.published_version_number} - {None}):
            outcome[classification.reclassify(session, product.version(number), registry=installed)] += 1
        if done % 200 == 0:
            session.commit()
    session.commit()
    _index_all_changes(session)
    click.echo(
        f"Classified {outcome['changed'] + outcome['unchanged']} product versions: {outcome['changed']} changed category, "
        f"{outcome['unchanged']} unchanged; {outcome['kept_overrides']} reviewer overrides kept."
    )


@main.command("reindex")
@click.option("--check", "check_only", is_flag=True, help="Compare the index with the database product by product and repair what differs.")
@click.option("--dry-run", is_flag=True, help="With --check: report differences without repairing them.")
@click.option("--catch-up", is_flag=True, help="Apply pending change-log entries to this instance's index, then exit.")
@click.option("--follow", is_flag=True, help="Keep this instance's index current from the change log until stopped.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between change-log polls with --follow.")
def reindex(check_only: bool, dry_run: bool, catch_up: bool, follow: bool, interval: float) -> None:
    """Rebuild the search index from the database (or check it, or follow the change log)."""
    if sum((check_only, catch_up, follow)) > 1:
        _fail("Choose one of --check, --catch-up and --follow (or none, to rebuild).")
    if dry_run and not check_only:
        _fail("--dry-run only goes with --check.")
    _require_schema()
    session = db.session()
    service = search.current()

    progress = _progress_bar("Checking" if check_only else "Indexing", "product", leave=not follow)
    if check_only:
        report = service.check(session, repair=not dry_run, progress=progress)
        if report.ok:
            click.echo("The search index matches the database.")
        elif dry_run:
            click.echo(f"The search index differs from the database: {report}. Run `catalogue reindex --check` to repair it.")
            raise SystemExit(1)
        else:
            click.echo(f"Repaired the search index: {report}.")
        return
    if catch_up or follow:
        while True:
            applied = service.catch_up(session, wait=30, processes=PROCESSES, progress=progress)
            session.rollback()  # end the read transaction so the next poll sees new commits
            if applied or not follow:
                click.echo(f"Applied {applied} change-log entries; the log ends at entry {changelog.last_id(session)}.")
            if not follow:
                return
            time.sleep(interval)
    started = time.monotonic()
    count = service.rebuild(session, progress=progress)
    click.echo(f"Indexed {count} published products in {time.monotonic() - started:.1f} s.")


@main.command("plugins")
def list_plugins() -> None:
    """List installed plugins, their versions, where they come from and what they provide."""
    installed = registry.current()
    provided: dict[str, list[str]] = {}
    for evaluator_id, plugin_name in installed.evaluator_plugins.items():
        evaluator = installed.evaluators[evaluator_id]
        provided.setdefault(plugin_name, []).append(f"{evaluator.name} {evaluator.version}")
    for plugin in installed.plugins:
        version = f" {plugin.version}" if plugin.version else ""
        click.echo(f"{plugin.name}{version}  from {plugin.source} ({plugin.module})")
        click.echo(f"    hooks: {', '.join(plugin.hooks) or 'none'}")
        if plugin.name in provided:
            click.echo(f"    evaluators: {', '.join(provided[plugin.name])}")
    for broken in installed.broken:
        click.echo(f"{broken.name}  from {broken.source}: NOT LOADED — {broken.error}")


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
