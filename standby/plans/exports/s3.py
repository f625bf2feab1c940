"""Off-site copies in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…), through boto3.

boto3 is an optional dependency (``pip install 'standby[s3]'``): it is imported only when a copy
to a bucket is made, and its absence is reported as the reason the copy failed. Credentials come
from the environment only — ``STANDBY_S3_ACCESS_KEY_ID`` / ``STANDBY_S3_SECRET_ACCESS_KEY``, else
the standard ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` — never from the database, and
never from ``~/.aws`` files either (the server's account should not pick up whatever is there).

A version goes to ``<prefix>/<plan-key>/v<N>/<file>``. After uploading, every object under that
folder is read back into a temporary folder and checked with
:func:`~standby.plans.exports.manifest.verify_export`, exactly as a folder copy is.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from standby.plans.exports.manifest import MANIFEST, PUBLIC_KEY, SIGNATURE, verify_export

SCHEME = "s3://"
INSTALL_HINT = (
    "S3 copies need boto3, which is not installed: install Standby with its s3 extra "
    "(pip install 'standby[s3]')."
)
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html (the core rules)
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ENDPOINT_RE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
# The signed manifest goes last: a copy cut short never holds a manifest of the new files.
_LAST = (PUBLIC_KEY, SIGNATURE, MANIFEST)
_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
}


class S3Error(Exception):
    """A copy to (or a check of) a bucket failed; the message says why, for people."""


@dataclass(frozen=True)
class Check:
    """What reading a version back from the bucket found."""

    problems: list[str]  # empty: intact
    manifest_sha256: str = ""  # of the manifest read back


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # no leading or trailing slash; "" for the bucket's top

    def folder(self, plan_key: str, number: int) -> str:
        """The key prefix of one version's files, without the trailing slash."""
        parts = [self.prefix] if self.prefix else []
        return "/".join([*parts, plan_key, f"v{number}"])

    def __str__(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}" if self.prefix else f"{SCHEME}{self.bucket}"


def location_problems(location: str, endpoint_url: str = "") -> list[str]:
    """What is wrong with an S3 target's location and endpoint; empty when both are usable."""
    problems: list[str] = []
    if not location.startswith(SCHEME):
        problems.append("An S3 location starts with s3://, e.g. s3://standby-plans/copies.")
        return problems
    bucket, _, prefix = location[len(SCHEME) :].partition("/")
    if not BUCKET_RE.match(bucket) or ".." in bucket:
        problems.append(
            f"{bucket!r} is not a valid bucket name (3–63 lower-case letters, digits, dots, "
            "dashes; starting and ending with a letter or digit)."
        )
    segments = prefix.strip("/").split("/") if prefix.strip("/") else []
    if any(s in {"", ".", ".."} for s in segments):
        problems.append("The prefix after the bucket may not contain empty, '.' or '..' parts.")
    if any(ord(c) < 32 or c == "\\" for c in prefix):
        problems.append("The prefix may not contain control characters or backslashes.")
    if endpoint_url and not ENDPOINT_RE.match(endpoint_url):
        problems.append(
            "The endpoint is an http:// or https:// address, e.g. https://s3.example.org:9000."
        )
    return problems


def parse_location(location: str) -> S3Location:
    problems = location_problems(location)
    if problems:
        raise S3Error(" ".join(problems))
    bucket, _, prefix = location[len(SCHEME) :].partition("/")
    return S3Location(bucket=bucket, prefix=prefix.strip("/"))


def _env(*names: str) -> str:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return ""


def credentials() -> dict[str, str]:
    """boto3 keyword arguments for the credentials in the environment; raises S3Error if none.

    The ``STANDBY_S3_*`` pair wins when either of its variables is set (so a half-set pair is
    reported, not silently mixed with the ``AWS_*`` one).
    """
    for prefix in ("STANDBY_S3_", "AWS_"):
        key_name, secret_name = f"{prefix}ACCESS_KEY_ID", f"{prefix}SECRET_ACCESS_KEY"
        key, secret = _env(key_name), _env(secret_name)
        if not key and not secret:
            continue
        if not key or not secret:
            missing = key_name if not key else secret_name
            raise S3Error(f"S3 credentials are incomplete: {missing} is not set.")
        found = {"aws_access_key_id": key, "aws_secret_access_key": secret}
        token = _env(f"{prefix}SESSION_TOKEN")
        if token:
            found["aws_session_token"] = token
        return found
    raise S3Error(
        "No S3 credentials: set STANDBY_S3_ACCESS_KEY_ID and STANDBY_S3_SECRET_ACCESS_KEY "
        "(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) in Standby's environment."
    )


def client(endpoint_url: str = "") -> Any:
    """An S3 client for ``endpoint_url`` (AWS when empty), with short timeouts."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError as error:
        raise S3Error(INSTALL_HINT) from error
    config = Config(
        connect_timeout=10,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        # Other S3-compatible stores often need path-style addressing, and some refuse the
        # newer default checksums; AWS accepts both choices.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=endpoint_url or None,
        region_name=_env("STANDBY_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION") or "us-east-1",
        config=config,
        **credentials(),
    )


def _describe(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        info = response["Error"]
        return f"{info.get('Code', '')}: {info.get('Message', '') or 'no message'}".strip(": ")
    return str(error) or type(error).__name__


def _s3_errors() -> tuple[type[BaseException], ...]:
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return (OSError,)
    return (BotoCoreError, ClientError, OSError)


def _keys(s3: Any, bucket: str, folder: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{folder}/"):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return sorted(keys)


def upload_version(
    source: Path, location: str, endpoint_url: str, plan_key: str, number: int
) -> Check:
    """Upload the export folder ``source``, then read it back and verify it.

    Returns what :func:`check_version` finds in what was read back; raises :class:`S3Error`
    when the bucket cannot be reached or written.
    """
    where = parse_location(location)
    s3 = client(endpoint_url)
    folder = where.folder(plan_key, number)
    names = sorted(p.name for p in source.iterdir() if p.is_file())
    ordered = [n for n in names if n not in _LAST] + [n for n in _LAST if n in names]
    try:
        for name in ordered:
            s3.put_object(
                Bucket=where.bucket,
                Key=f"{folder}/{name}",
                Body=(source / name).read_bytes(),
                ContentType=_CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream"),
            )
        # A re-copy leaves exactly the export: objects of an earlier copy that are no longer
        # in it would otherwise fail the check as unlisted files.
        extra = [k for k in _keys(s3, where.bucket, folder) if k[len(folder) + 1 :] not in names]
        for start in range(0, len(extra), 1000):
            s3.delete_objects(
                Bucket=where.bucket,
                Delete={"Objects": [{"Key": k} for k in extra[start : start + 1000]]},
            )
    except _s3_errors() as error:
        raise S3Error(f"Could not upload to {where}: {_describe(error)}") from error
    return check_version(location, endpoint_url, plan_key, number, s3=s3)


def check_version(
    location: str, endpoint_url: str, plan_key: str, number: int, *, s3: Any = None
) -> Check:
    """Read one version's objects back from the bucket and verify them like a folder.

    Every object under ``<prefix>/<plan-key>/v<N>/`` is fetched, so an object added beside the
    export is reported as unlisted, as in a folder.
    """
    where = parse_location(location)
    s3 = s3 if s3 is not None else client(endpoint_url)
    folder = where.folder(plan_key, number)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="standby-s3-check-") as scratch:
        local = Path(scratch) / f"v{number}"
        local.mkdir()
        try:
            keys = _keys(s3, where.bucket, folder)
            if not keys:
                return Check(problems=[f"nothing under {where.bucket}/{folder}/ in the bucket"])
            for key in keys:
                name = key[len(folder) + 1 :]
                if not name or "/" in name or "\x00" in name or name in {".", ".."}:
                    problems.append(f"{key} is not part of the export")
                    continue
                body = s3.get_object(Bucket=where.bucket, Key=key)["Body"]
                with body:
                    (local / name).write_bytes(body.read())
        except _s3_errors() as error:
            raise S3Error(f"Could not read back from {where}: {_describe(error)}") from error
        problems.extend(verify_export(local))
        manifest = local / MANIFEST
        sha = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
    return Check(problems=problems, manifest_sha256=sha)
