"""`standby serve` collects the static files only when they changed (:mod:`.static_files`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from standby.common import static_files

PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture
def static(settings, tmp_path: Path) -> tuple[Path, Path]:
    """A project static folder of its own, collected into a fresh STATIC_ROOT (no compression:
    the rules are the same, the run is quicker)."""
    source = tmp_path / "source"
    (source / "site").mkdir(parents=True)
    (source / "site" / "site.css").write_text("body { color: navy; }")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN}}
    return source, tmp_path / "static"


def _bump(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_collected_once_then_only_when_a_source_changes(static):
    source, root = static
    assert not static_files.up_to_date()
    assert static_files.collect() is True
    assert (root / "site" / "site.css").read_text() == "body { color: navy; }"
    assert (root / "drf_spectacular_sidecar").is_dir()  # the apps' files, collected too
    assert static_files.stamp_path() == root.with_name("static.collected")
    assert not (root / "static.collected").exists()  # not served
    assert static_files.up_to_date()
    assert static_files.collect() is False  # a second start: nothing to do

    css = source / "site" / "site.css"
    css.write_text("body { color: teal; }")
    _bump(css)
    assert not static_files.up_to_date()
    assert static_files.collect() is True
    assert (root / "site" / "site.css").read_text() == "body { color: teal; }"
    assert static_files.collect() is False

    (source / "site" / "new.js").write_text("// new")  # a file added (an upgrade)
    assert not static_files.up_to_date()
    assert static_files.collect() is True
    assert (root / "site" / "new.js").is_file()


def test_collected_again_when_static_root_lost_a_file_or_the_storage_changed(static, settings):
    _, root = static
    static_files.collect()
    (root / "site" / "site.css").unlink()
    assert not static_files.up_to_date()
    assert static_files.collect() is True
    assert (root / "site" / "site.css").is_file()

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    assert not static_files.up_to_date()


def test_forced_collection_and_a_missing_stamp(static):
    static_files.collect()
    assert static_files.collect(force=True) is True
    static_files.stamp_path().unlink()
    assert not static_files.up_to_date()
