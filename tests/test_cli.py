"""The `catalogue` command: setup, seeding, users and tokens, with clear errors."""

from __future__ import annotations

from sqlmodel import func, select

from catalogue.models import ApiToken, Product, User


def test_init_db_is_safe_to_repeat(runner):
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert "Database ready" in result.output


def test_seed_loads_the_demo_and_reports_counts(runner, session):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "products:" in result.output
    again = runner.invoke(args=["seed"])
    assert "0 created, 0 updated" in again.output
    assert session.exec(select(func.count()).select_from(Product)).one() >= 60


def test_tokens_create_prints_a_working_token_last(runner, client, entry):
    result = runner.invoke(args=["tokens", "create", "--role", "supplier", "--org", "Acme Learning", "--create-org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("cat_")
    response = client.post("/api/v1/products", json=entry, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_tokens_are_stored_hashed(runner, session):
    result = runner.invoke(args=["tokens", "create", "--role", "reviewer"])
    token = result.output.strip().splitlines()[-1]
    stored = session.exec(select(ApiToken)).one()
    assert token not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_token_errors_say_what_to_do(runner):
    unknown_role = runner.invoke(args=["tokens", "create", "--role", "wizard"])
    assert unknown_role.exit_code == 2 and "supplier" in unknown_role.output
    missing_org = runner.invoke(args=["tokens", "create", "--role", "supplier"])
    assert missing_org.exit_code == 1 and "--org" in missing_org.output
    typo = runner.invoke(args=["tokens", "create", "--role", "supplier", "--org", "Acmee"])
    assert typo.exit_code == 1 and "--create-org" in typo.output
    no_user = runner.invoke(args=["tokens", "create", "--role", "admin", "--email", "nobody@example.org"])
    assert no_user.exit_code == 1 and "users create" in no_user.output


def test_users_create_hashes_the_password(runner, session):
    result = runner.invoke(
        args=["users", "create", "--email", "Reviewer@Example.org", "--role", "reviewer", "--password", "correct horse battery"]
    )
    assert result.exit_code == 0, result.output
    user = session.exec(select(User)).one()
    assert user.email == "reviewer@example.org"
    assert user.password_hash and "correct horse" not in user.password_hash


def test_users_create_refuses_bad_input(runner):
    short = runner.invoke(args=["users", "create", "--email", "a@b.org", "--role", "admin", "--password", "short"])
    assert short.exit_code == 1 and "12 characters" in short.output
    bad_email = runner.invoke(args=["users", "create", "--email", "not-an-email", "--role", "admin", "--password", "long enough password"])
    assert bad_email.exit_code == 1 and "not an email" in bad_email.output
    runner.invoke(args=["users", "create", "--email", "a@b.org", "--role", "admin", "--password", "long enough password"])
    duplicate = runner.invoke(args=["users", "create", "--email", "a@b.org", "--role", "admin", "--password", "long enough password"])
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output


def test_commands_before_init_db_say_to_run_it(tmp_path):
    from catalogue import create_app
    from catalogue.cli import main

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}, instance_path=str(tmp_path))
    result = app.test_cli_runner().invoke(main, ["seed"])
    assert result.exit_code == 1
    assert "catalogue init-db" in result.output


def test_settings_lists_every_environment_variable(runner):
    result = runner.invoke(args=["settings"])
    assert "CATALOGUE_DATABASE_URL" in result.output and "CATALOGUE_SECRET_KEY" in result.output
    assert "test" not in result.output.split("CATALOGUE_SECRET_KEY = ")[1].splitlines()[0]
