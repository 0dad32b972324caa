"""Every setting the register reads, declared once with its default and help text.

Values come from, in order of precedence: the ``overrides`` passed to
``create_app`` (tests), ``CATALOGUE_*`` environment variables (read with
Flask's ``from_prefixed_env``, so ``CATALOGUE_MAX_CONTENT_LENGTH=2000000`` is
parsed as JSON into an int), then these defaults. ``catalogue settings`` and
the README's configuration table are generated from this list.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ENV_PREFIX = "CATALOGUE"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    # Defaults that depend on the instance folder are computed at start-up.
    default_factory: Callable[[Path], Any] | None = None

    @property
    def env_var(self) -> str:
        return f"{ENV_PREFIX}_{self.name}"

    def default_for(self, instance_path: Path) -> Any:
        if self.default_factory is not None:
            return self.default_factory(instance_path)
        return self.default


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db. "
        "Default: a SQLite file `catalogue.sqlite3` in the instance folder.",
        default_factory=lambda instance: f"sqlite:///{instance / 'catalogue.sqlite3'}",
    ),
    Setting(
        "INDEX_DIR",
        None,
        "Directory of the on-disk whoosh search index. Default: `search-index` in the instance folder.",
        default_factory=lambda instance: str(instance / "search-index"),
    ),
    Setting(
        "INDEX_WRITER_MEMORY_MB",
        2048,
        "Postings each worker process that writes a search index segment (in a full reindex or a bulk import's catch-up) "
        "holds in memory, in MB; beyond it they are sorted on disk, which takes about 1.5 times as long. A worker uses "
        "about 1.3 times this, and there is one per core (at most 4): a full reindex of 100,000 products on 2 cores "
        "needs about 1,500 each.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Key that signs session cookies and CSRF tokens. Set it in production; "
        "by default a random key is made at start-up, so sessions end when the process restarts.",
        default_factory=lambda instance: secrets.token_hex(32),
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        1_048_576,
        "Largest request body accepted, in bytes; larger requests are refused with HTTP 413.",
    ),
    Setting(
        "IMPORT_MAX_BYTES",
        20 * 1024 * 1024,
        "Largest bulk import file (POST /api/v1/imports) accepted, in bytes; larger uploads are refused with HTTP 413.",
    ),
    Setting(
        "DOCUMENT_MAX_BYTES",
        10 * 1024 * 1024,
        "Largest DPIA or data processing agreement a supplier may attach, in bytes.",
    ),
    Setting(
        "PER_PAGE_DEFAULT",
        20,
        "Products per page when a listing does not ask for `per_page`.",
    ),
    Setting(
        "PER_PAGE_MAX",
        100,
        "Largest `per_page` a listing accepts.",
    ),
    Setting(
        "EVALUATION_TIMEOUT",
        5.0,
        "Seconds one evaluator may take to judge one product version before its evaluation is recorded as failed.",
    ),
    Setting(
        "BLOCKED_PLUGINS",
        [],
        'Installed plugins to leave switched off, as a JSON list of entry-point names, e.g. ["age_suitability"].',
    ),
    Setting(
        "SECURE_COOKIES",
        True,
        "Send the sign-in cookie over HTTPS only. Leave on in production; `catalogue demo` turns it off for http://127.0.0.1.",
    ),
    Setting(
        "LOGIN_RATE_LIMIT",
        "10 per minute",
        "Sign-in attempts allowed per client address (Flask-Limiter syntax); more are refused with HTTP 429.",
    ),
    Setting(
        "WRITE_RATE_LIMIT",
        "300 per minute",
        "API writes (POST, PATCH, PUT, DELETE) allowed per token or client address; more are refused with HTTP 429.",
    ),
    Setting(
        "DEMO_BANNER",
        True,
        "Show the banner saying the data are illustrative. Turn it off for a register with real entries.",
    ),
)


def defaults(instance_path: Path) -> dict[str, Any]:
    """The default value of every setting, before environment and overrides apply."""
    return {setting.name: setting.default_for(instance_path) for setting in SETTINGS}


def as_markdown() -> str:
    """The settings as the README's configuration table (``catalogue settings --markdown``)."""
    rows = ["| Environment variable | Default | Meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        default = "see meaning" if setting.default_factory else f"`{setting.default!r}`".replace("True", "true")
        rows.append(f"| `{setting.env_var}` | {default} | {setting.help} |")
    return "\n".join(rows)
