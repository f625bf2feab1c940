"""Environment helpers for settings: each fails loudly, naming the variable, on a bad value."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class SettingError(ImproperlyConfigured):
    """A bad value in an environment variable; the message names the variable."""


def env_str(name: str, default: str) -> str:
    """The variable's value, or ``default`` when unset."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable: 1/true/yes/on or 0/false/no/off (any case)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(f"{name}={raw!r} is not a boolean: use true or false")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """An integer variable, at least ``minimum``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r} is not an integer") from None
    if value < minimum:
        raise SettingError(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where Standby keeps its database, secret key and exports (``STANDBY_DATA_DIR``)."""
    path = Path(env_str("STANDBY_DATA_DIR", "var")).expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SettingError(f"STANDBY_DATA_DIR={str(path)!r} cannot be created: {error}") from None
    return path


def secret_key(directory: Path) -> str:
    """``SECRET_KEY`` from the environment, else one generated once into the data dir."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env is not None:
        if len(from_env) < 50 or len(set(from_env)) < 5:
            raise SettingError("SECRET_KEY is too weak: use at least 50 random characters")
        return from_env
    key_file = directory / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting at once never write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


def database(url: str, directory: Path) -> dict[str, object]:
    """Django's database settings from ``DATABASE_URL`` (SQLite in the data dir by default)."""
    import dj_database_url

    if not url:
        url = f"sqlite:///{directory / 'standby.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception:  # dj-database-url raises several types for bad URLs
        raise SettingError(
            f"DATABASE_URL={url[:60]!r} is not a valid database URL: use sqlite:///PATH or "
            "postgres://USER:PASSWORD@HOST:PORT/NAME"
        ) from None
    engine = str(config.get("ENGINE", ""))
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; busy_timeout waits for the lock
            # instead of failing; IMMEDIATE takes the write lock at BEGIN so two writers never
            # deadlock on a lock upgrade.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;"
                " PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    elif engine not in {"django.db.backends.postgresql"}:
        raise SettingError(
            f"DATABASE_URL uses {engine or 'an unknown engine'}: Standby supports sqlite:// "
            "and postgres:// URLs"
        )
    return config
