"""Fixtures for the whole suite: the database under test and the browser.

``STANDBY_TEST_DATABASE=postgres`` runs the suite on a throwaway PostgreSQL cluster started here
with initdb/pg_ctl; otherwise SQLite. Browser tests drive Debian's Chromium through Playwright.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

# Pages are rendered with DEBUG off in tests too; the data dir must never be the developer's.
os.environ.setdefault("STANDBY_DATA_DIR", tempfile.mkdtemp(prefix="standby-test-"))
os.environ.pop("DATABASE_URL", None)

from standby.common.testing import (
    CHROMIUM_ARGS,
    TEST_PASSWORD,
    MissingToolError,
    find_chromium,
    in_ci,
    pg_cluster,
)

ON_POSTGRES = os.environ.get("STANDBY_TEST_DATABASE") == "postgres"


def _missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> Iterator[None]:
    """On the PostgreSQL run, point Django at a fresh cluster before the test database exists."""
    if not ON_POSTGRES:
        yield
        return
    from django.conf import settings
    from django.db import connections

    try:
        cluster_context = pg_cluster()
        cluster = cluster_context.__enter__()
    except MissingToolError as error:
        _missing(f"PostgreSQL tests skipped: {error}")
        return
    default = settings.DATABASES["default"]
    default.clear()
    default.update(cluster.database_settings())
    connections.settings = connections.configure_settings(settings.DATABASES)
    if "default" in connections:
        del connections["default"]
    try:
        yield
    finally:
        connections.close_all()
        cluster_context.__exit__(None, None, None)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        return find_chromium()
    except MissingToolError as error:
        _missing(f"browser tests skipped: {error}")
        raise


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the session (Debian's binary; Playwright downloads nothing)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
    # where a loop is running unless told it is safe, which it is in these tests.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs ~0.3 s a password; the tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db: None) -> Any:
    """Create a user with a role (password: ``TEST_PASSWORD``)."""
    from standby.accounts.models import User

    def make(role: str, username: str | None = None) -> User:
        user = User(username=username or f"{role}-user", role=role, email=f"{role}@example.org")
        user.set_password(TEST_PASSWORD)
        user.save()
        return user

    return make


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user("manager", "manager")


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1; Django's mail goes to it. ``.messages`` collects mail."""
    from standby.common.testing import smtp_server as run_smtp_server

    with run_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = server.host
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture(autouse=True)
def _flushable_audit_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a transactional test on SQLite, empty the append-only audit log.

    Django flushes the tables after a transactional test (browser tests, live server) with
    DELETE, which the audit log's triggers refuse. Lift them, empty the log, put them back.
    (PostgreSQL flushes with TRUNCATE, which row triggers do not see.)
    """
    yield
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    initial = importlib.import_module("standby.common.migrations.0001_initial")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS common_auditentry_no_update")
        cursor.execute("DROP TRIGGER IF EXISTS common_auditentry_no_delete")
        cursor.execute("DELETE FROM common_auditentry")
        for statement in initial.SQLITE_TRIGGERS:
            cursor.execute(statement)


@pytest.fixture(autouse=True)
def _own_data_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets its own data dir (exports, uploads, keys): no files leak between tests."""
    uses_django = {"settings", "db", "transactional_db", "client", "live_server"}
    if not uses_django & set(request.fixturenames) and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    settings = request.getfixturevalue("settings")
    settings.DATA_DIR = tmp_path_factory.mktemp("data")
