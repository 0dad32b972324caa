"""Where the pages and demo data live, in a source checkout and in an installed wheel."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent


def resource_dir(name: str) -> Path:
    # A wheel bundles the top-level folders inside the package (see pyproject.toml);
    # a source checkout (or editable install) reads them where they are.
    bundled = PACKAGE_DIR / "_bundled" / name
    return bundled if bundled.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES_DIR = resource_dir("templates")
SEED_DIR = resource_dir("seed")
