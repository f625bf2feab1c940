"""Start-up configuration: bad values stop Standby with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_standby(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL", "SECRET_KEY", "STANDBY_HTTPS"}
    }
    environment.update({"STANDBY_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-m", "standby.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://u@h/db"),
        ("STANDBY_HTTPS", "sometimes"),
        ("SECRET_KEY", "short"),
    ],
)
def test_bad_variable_stops_start_up_with_one_line_naming_it(tmp_path, variable, value):
    result = run_standby("check", tmp_path=tmp_path, **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_standby(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, STANDBY_HTTPS="true"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    assert run_standby("check", tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert run_standby("check", tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_help_lists_the_commands(tmp_path):
    result = run_standby("--help", tmp_path=tmp_path)
    assert result.returncode == 0
    for command in ("serve", "demo", "createadmin", "audit"):
        assert f"  {command}" in result.stdout


def test_default_database_is_sqlite_in_the_data_dir_with_wal(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]);"
        "c.execute('PRAGMA busy_timeout'); print(c.fetchone()[0]);"
        "print(connection.settings_dict['NAME'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(STANDBY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="standby.settings")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert out == ["wal", "5000", str(tmp_path / "standby.sqlite3")]
