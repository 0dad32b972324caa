"""The application factory and its settings."""

from __future__ import annotations

from pathlib import Path

from catalogue import create_app, settings


def test_defaults_put_the_database_and_index_in_the_instance_folder(tmp_path, monkeypatch):
    for setting in settings.SETTINGS:
        monkeypatch.delenv(setting.env_var, raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"
    assert app.config["INDEX_DIR"] == str(tmp_path / "search-index")
    assert app.config["MAX_CONTENT_LENGTH"] == 1_048_576
    assert len(app.config["SECRET_KEY"]) == 64


def test_environment_variables_with_the_prefix_override_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite3'}")
    monkeypatch.setenv("CATALOGUE_MAX_CONTENT_LENGTH", "2000")
    monkeypatch.setenv("CATALOGUE_DEMO_BANNER", "false")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["DATABASE_URL"].endswith("other.sqlite3")
    assert app.config["MAX_CONTENT_LENGTH"] == 2000  # parsed as JSON, so a number
    assert app.config["DEMO_BANNER"] is False


def test_explicit_overrides_win_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_PER_PAGE_DEFAULT", "50")
    app = create_app({"PER_PAGE_DEFAULT": 7}, instance_path=str(tmp_path))
    assert app.config["PER_PAGE_DEFAULT"] == 7


def test_every_setting_has_help_text_and_a_default():
    names = [setting.name for setting in settings.SETTINGS]
    assert len(names) == len(set(names))
    for setting in settings.SETTINGS:
        assert setting.help.endswith("."), setting.name
        assert setting.default is not None or setting.default_factory is not None, setting.name


def test_each_app_has_its_own_engine(tmp_path):
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"}, instance_path=str(tmp_path / "a"))
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite3'}"}, instance_path=str(tmp_path / "b"))
    assert first.extensions["catalogue.engine"] is not second.extensions["catalogue.engine"]
    assert Path(tmp_path / "a").is_dir()


def test_the_readme_documents_every_setting():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert settings.as_markdown() in readme, "regenerate the table with `catalogue settings --markdown`"
