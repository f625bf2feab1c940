"""``standby verify-export``: intact exports pass; a flipped byte, a swapped file or a foreign
signing key fail, each problem listed."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from standby.plans.exports import ALL_FILES, write_export
from standby.plans.exports.manifest import (
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    keys_dir,
    signing_key,
    verify_export,
    write_manifest,
)
from standby.plans.exports.sample import synthetic_content


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """Version 1 and 2 of one plan, exported once for the module."""
    root = tmp_path_factory.mktemp("exports")
    v1 = write_export(synthetic_content(steps=3, contacts=2, number=1), root / "plan" / "v1")
    v2 = write_export(
        synthetic_content(steps=4, contacts=2, number=2, title="IT recovery plan, revised"),
        root / "plan" / "v2",
    )
    return v1, v2


@pytest.fixture
def export(exports, tmp_path):
    copy = tmp_path / "v1"
    shutil.copytree(exports[0], copy)
    return copy


def verify(folder: Path) -> tuple[int, str]:
    try:
        call_command("verify_export", str(folder))
    except CommandError as error:
        return 1, str(error)
    return 0, ""


def test_an_export_folder_has_every_file_and_a_private_key_only_its_owner_reads(exports):
    assert sorted(p.name for p in exports[0].iterdir()) == sorted(ALL_FILES)
    key_file = keys_dir() / "export-signing.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert (keys_dir() / "export-signing.pub").exists()


def test_an_untouched_export_is_intact(export, capsys):
    assert verify_export(export) == []
    assert verify(export) == (0, "")
    assert "intact" in capsys.readouterr().out


def test_the_console_script_exits_0_then_1(export):
    from django.conf import settings

    command = [sys.executable, "-m", "standby.cli", "verify-export", str(export)]
    env = {**os.environ, "STANDBY_DATA_DIR": str(settings.DATA_DIR)}
    ok = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout
    (export / "plan.json").write_text("{}")
    bad = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    assert bad.returncode == 1
    assert "plan.json has changed" in bad.stderr


@pytest.mark.parametrize("name", ALL_FILES)
def test_any_flipped_byte_fails(export, name):
    path = export / name
    data = bytearray(path.read_bytes())
    for offset in (0, len(data) // 2, len(data) - 1):
        flipped = bytearray(data)
        flipped[offset] ^= 0x01
        path.write_bytes(bytes(flipped))
        problems = verify_export(export)
        assert problems, f"{name} byte {offset}"
        assert verify(export)[0] == 1
    path.write_bytes(bytes(data))
    assert verify_export(export) == []


@pytest.mark.parametrize("name", ["plan.html", "plan.pdf", "plan.json"])
def test_a_file_swapped_in_from_another_version_fails(export, exports, name):
    shutil.copy(exports[1] / name, export / name)
    problems = verify_export(export)
    assert problems == [f"{name} has changed (its SHA-256 is not the manifest's)"]


def test_a_whole_manifest_swapped_in_from_another_version_fails(export, exports):
    for name in (MANIFEST, SIGNATURE):
        shutil.copy(exports[1] / name, export / name)
    problems = verify_export(export)
    assert any("plan.html has changed" in p for p in problems)
    assert any("the folder is v1 but the manifest is for v2" in p for p in problems)


def _resign(export: Path, key: Ed25519PrivateKey) -> None:
    """Sign the (unchanged) files again with ``key``: what a forger with their own key does."""
    for name in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        (export / name).unlink()
    write_manifest(
        export,
        files=["plan.html", "plan.json", "plan.pdf"],
        plan_key="it-recovery",
        plan_title="IT recovery plan",
        version=1,
        approved_by="Maria Manager",
        approved_at="2025-03-02T10:30:00+00:00",
        data_as_of="2025-03-01T08:55:00+00:00",
        key=key,
    )


def test_a_manifest_signed_with_a_foreign_key_fails(export):
    _resign(export, Ed25519PrivateKey.generate())
    problems = verify_export(export)
    assert any("is not the trusted key" in p for p in problems)
    assert any("does not match" in p for p in problems)
    code, message = verify(export)
    assert code == 1
    assert "NOT intact" in message


def test_a_foreign_signature_beside_the_original_public_key_fails(export):
    body = (export / MANIFEST).read_bytes()
    foreign = Ed25519PrivateKey.generate().sign(body)
    (export / SIGNATURE).write_bytes(base64.b64encode(foreign) + b"\n")
    assert verify_export(export) == [f"{SIGNATURE} does not match {MANIFEST} under the trusted key"]


def test_re_signing_with_the_installation_key_after_a_change_is_what_it_takes(export):
    """Control: the checks are about the key, not the layout of the files."""
    (export / "plan.json").write_text("{}\n")
    _resign(export, signing_key())
    assert verify_export(export) == []


def test_an_explicit_public_key_checks_a_copy_elsewhere(export, tmp_path):
    foreign = Ed25519PrivateKey.generate()
    _resign(export, foreign)
    pub = tmp_path / "trusted.pub"
    shutil.copy(export / PUBLIC_KEY, pub)
    call_command("verify_export", str(export), "--public-key", str(pub))
    with pytest.raises(CommandError):
        call_command("verify_export", str(export))


def test_missing_and_extra_files_are_problems(export):
    (export / "plan.pdf").unlink()
    (export / "notes.txt").write_text("hello")
    problems = verify_export(export)
    assert "plan.pdf is missing" in problems
    assert "notes.txt is not listed in the manifest" in problems
