"""The suite runs on the database it was asked for (SQLite, or the PostgreSQL cluster)."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_requested_database():
    expected = "postgresql" if os.environ.get("STANDBY_TEST_DATABASE") == "postgres" else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
