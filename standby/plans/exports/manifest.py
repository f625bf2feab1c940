"""The signed manifest of an export folder, and checking one.

``manifest.json`` lists the SHA-256 and size of every file, the plan, the version, who approved
it and when; ``manifest.sig`` is its Ed25519 signature (base64) by this installation's key, which
is generated once into ``DATA_DIR/keys/`` (private key readable by the owner only) and exported
beside the manifest as ``signing-key.pub`` so a copy can be checked anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pub"
PRIVATE_KEY_FILE = "export-signing.key"
PUBLIC_KEY_FILE = "export-signing.pub"
MANIFEST_FORMAT = 1


def keys_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "keys"


def _public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    )


def signing_key(folder: Path | None = None) -> Ed25519PrivateKey:
    """This installation's signing key; generated on first use (0600, in a 0700 folder)."""
    folder = folder or keys_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / PRIVATE_KEY_FILE
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PrivateFormat.PKCS8,
            encryption_algorithm=serialization.NoEncryption(),
        )
        try:
            # O_EXCL: when two processes race, one key wins and both use it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            (folder / PUBLIC_KEY_FILE).write_bytes(_public_pem(key.public_key()))
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return loaded


def installation_public_key(folder: Path | None = None) -> Ed25519PublicKey | None:
    """The public half of this installation's key, or None when no key was generated yet."""
    path = (folder or keys_dir()) / PRIVATE_KEY_FILE
    if not path.exists():
        return None
    return signing_key(folder).public_key()


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def fingerprint(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, hex: what people compare by eye."""
    raw = key.public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(
    folder: Path,
    *,
    files: list[str],
    plan_key: str,
    plan_title: str,
    version: int,
    approved_by: str | None,
    approved_at: str | None,
    data_as_of: str,
    key: Ed25519PrivateKey,
) -> bytes:
    """Write ``manifest.json``, ``manifest.sig`` and ``signing-key.pub`` into ``folder``."""
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "plan": plan_key,
        "title": plan_title,
        "version": version,
        "approved_by": approved_by,
        "approved_at": approved_at,
        "data_as_of": data_as_of,
        "key_fingerprint": fingerprint(key.public_key()),
        "files": {
            name: {"sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
            for name in sorted(files)
        },
    }
    body = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (folder / MANIFEST).write_bytes(body)
    (folder / SIGNATURE).write_bytes(base64.b64encode(key.sign(body)) + b"\n")
    (folder / PUBLIC_KEY).write_bytes(_public_pem(key.public_key()))
    return body


def verify_export(folder: Path | str, *, trusted_key: Ed25519PublicKey | None = None) -> list[str]:
    """Every problem with the export in ``folder``; an empty list means it is intact.

    The signature is checked against ``trusted_key`` — by default this installation's key —
    and never only against the ``signing-key.pub`` lying beside it (whoever changes the files
    can change that too). With no installation key (checking a copy elsewhere), pass the key
    you trust; without one the folder's own key is used and that is reported as a problem.
    """
    folder = Path(folder)
    problems: list[str] = []
    if not folder.is_dir():
        return [f"{folder} is not a folder"]
    try:
        body = (folder / MANIFEST).read_bytes()
        manifest = json.loads(body)
        files = manifest["files"]
        if not isinstance(files, dict):
            raise TypeError("files is not a mapping")
    except FileNotFoundError:
        return [f"{MANIFEST} is missing"]
    except (ValueError, KeyError, TypeError) as error:
        return [f"{MANIFEST} is not a valid manifest ({error})"]

    if trusted_key is None:
        trusted_key = installation_public_key()
    folder_key: Ed25519PublicKey | None = None
    try:
        pem = (folder / PUBLIC_KEY).read_bytes()
        folder_key = load_public_key(pem)
        if pem != _public_pem(folder_key):
            # A flipped bit the PEM parser forgives is still a changed file.
            raise ValueError("not in the form Standby writes")
    except FileNotFoundError:
        problems.append(f"{PUBLIC_KEY} is missing")
    except ValueError as error:
        problems.append(f"{PUBLIC_KEY} is not a valid public key ({error})")
    if trusted_key is None:
        problems.append(
            "no trusted key to check against: pass --public-key with this installation's "
            "signing-key.pub (checked against the folder's own key only)"
        )
        check_key = folder_key
    else:
        check_key = trusted_key
        if folder_key is not None and fingerprint(folder_key) != fingerprint(trusted_key):
            problems.append(
                f"{PUBLIC_KEY} is not the trusted key (fingerprint {fingerprint(folder_key)}, "
                f"expected {fingerprint(trusted_key)})"
            )
    try:
        encoded = (folder / SIGNATURE).read_bytes()
        signature = base64.b64decode(encoded.strip(), validate=True)
        if encoded != base64.b64encode(signature) + b"\n":
            raise ValueError("not in the form Standby writes")
    except FileNotFoundError:
        problems.append(f"{SIGNATURE} is missing")
    except ValueError:
        problems.append(f"{SIGNATURE} is not the base64 signature Standby writes")
    else:
        if check_key is not None:
            try:
                check_key.verify(signature, body)
            except InvalidSignature:
                problems.append(f"{SIGNATURE} does not match {MANIFEST} under the trusted key")

    for name, expected in sorted(files.items()):
        path = folder / name
        if Path(name).name != name:
            problems.append(f"{MANIFEST} names a file outside the folder: {name!r}")
            continue
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        actual = sha256_file(path)
        if actual != expected.get("sha256"):
            problems.append(f"{name} has changed (its SHA-256 is not the manifest's)")
    known = {*files, MANIFEST, SIGNATURE, PUBLIC_KEY}
    for extra in sorted(p.name for p in folder.iterdir() if p.name not in known):
        problems.append(f"{extra} is not listed in the manifest")
    expected_dir = f"v{manifest.get('version')}"
    if folder.name.startswith("v") and folder.name[1:].isdigit() and folder.name != expected_dir:
        problems.append(f"the folder is {folder.name} but the manifest is for {expected_dir}")
    return problems
