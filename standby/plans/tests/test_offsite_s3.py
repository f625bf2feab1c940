"""Off-site copies to an S3-compatible bucket, against moto's S3 server on 127.0.0.1.

The bucket is outside the machine in real use; a local emulator speaking the S3 protocol over
HTTP stands in for it (no network). boto3 and moto come with the dev extra.
"""

from __future__ import annotations

import base64
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.urls import reverse
from moto.server import ThreadedMotoServer

from standby.plans.choices import TargetKind
from standby.plans.exports import export_dir
from standby.plans.exports.manifest import MANIFEST, _public_pem
from standby.plans.exports.offsite import check_target, copy_version, target_statuses
from standby.plans.exports.s3 import credentials, location_problems, parse_location
from standby.plans.models import OffsiteCopy, OffsiteTarget
from standby.plans.tests.versions import approve

BUCKET = "standby-plans"
FILES = {"manifest.json", "manifest.sig", "plan.html", "plan.json", "plan.pdf", "signing-key.pub"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in a thread, on a free port of 127.0.0.1."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An empty bucket and credentials in the environment (moto accepts any)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STANDBY_S3_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("STANDBY_S3_SECRET_ACCESS_KEY", "test-secret")
    reset = urllib.request.Request(f"{s3_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def target(db: None, s3_endpoint: str) -> OffsiteTarget:
    return OffsiteTarget.objects.create(
        name="Bucket",
        kind=TargetKind.S3,
        location=f"s3://{BUCKET}/copies/",
        endpoint_url=s3_endpoint,
    )


def _keys(client: Any) -> set[str]:
    return {o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_an_approved_version_is_uploaded_read_back_and_verified(bucket, target, plan, manager):
    version = approve(plan, 1, manager)
    (record,) = copy_version(version)
    assert record.error == ""
    assert record.manifest_sha256
    assert not record.check_only
    assert _keys(bucket) == {f"copies/it-recovery/v1/{name}" for name in FILES}
    stored = bucket.get_object(Bucket=BUCKET, Key="copies/it-recovery/v1/manifest.json")
    assert stored["Body"].read() == (export_dir("it-recovery", 1) / MANIFEST).read_bytes()
    assert stored["ContentType"] == "application/json"
    (status,) = target_statuses()
    assert not status.outdated
    assert status.holdings[0].held == 1


@pytest.mark.django_db
def test_a_tampered_object_is_found_by_the_next_check(bucket, target, plan, manager):
    copy_version(approve(plan, 1, manager))
    bucket.put_object(
        Bucket=BUCKET, Key="copies/it-recovery/v1/plan.html", Body=b"<p>call nobody</p>"
    )
    (check,) = check_target(target)
    assert check.check_only
    assert "plan.html has changed" in check.error
    (status,) = target_statuses()
    assert status.outdated
    assert "plan.html has changed" in status.holdings[0].last_error


@pytest.mark.django_db
def test_an_object_added_beside_the_export_is_found_and_a_recopy_removes_it(
    bucket, target, plan, manager
):
    version = approve(plan, 1, manager)
    copy_version(version)
    bucket.put_object(Bucket=BUCKET, Key="copies/it-recovery/v1/extra.txt", Body=b"x")
    bucket.put_object(Bucket=BUCKET, Key="copies/it-recovery/v1/sub/plan.pdf", Body=b"x")
    (check,) = check_target(target)
    assert "extra.txt is not listed in the manifest" in check.error
    assert "copies/it-recovery/v1/sub/plan.pdf is not part of the export" in check.error
    (again,) = copy_version(version)
    assert again.error == ""
    assert _keys(bucket) == {f"copies/it-recovery/v1/{name}" for name in FILES}


@pytest.mark.django_db
def test_a_signature_by_another_key_is_refused(bucket, target, plan, manager):
    copy_version(approve(plan, 1, manager))
    # Someone re-signs the manifest with their own key and puts their key beside it.
    key = Ed25519PrivateKey.generate()
    body = bucket.get_object(Bucket=BUCKET, Key="copies/it-recovery/v1/manifest.json")["Body"]
    signature = base64.b64encode(key.sign(body.read())) + b"\n"
    bucket.put_object(Bucket=BUCKET, Key="copies/it-recovery/v1/manifest.sig", Body=signature)
    bucket.put_object(
        Bucket=BUCKET,
        Key="copies/it-recovery/v1/signing-key.pub",
        Body=_public_pem(key.public_key()),
    )
    (check,) = check_target(target)
    assert "signing-key.pub is not the trusted key" in check.error
    assert "manifest.sig does not match" in check.error


@pytest.mark.django_db
def test_missing_credentials_are_recorded_not_a_500(client, target, plan, manager, monkeypatch):
    for name in (
        "STANDBY_S3_ACCESS_KEY_ID",
        "STANDBY_S3_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    approve(plan, 1, manager)
    client.force_login(manager)
    response = client.post(reverse("plans:target_copy", args=[target.pk]), follow=True)
    assert response.status_code == 200
    record = OffsiteCopy.objects.get()
    assert record.error.startswith("No S3 credentials: set STANDBY_S3_ACCESS_KEY_ID")
    page = response.content.decode()
    assert "No S3 credentials" in page
    assert target_statuses()[0].outdated


@pytest.mark.django_db
def test_a_bucket_that_does_not_exist_is_recorded(bucket, s3_endpoint, plan, manager):
    missing = OffsiteTarget.objects.create(
        name="Gone", kind=TargetKind.S3, location="s3://no-such-bucket", endpoint_url=s3_endpoint
    )
    (record,) = copy_version(approve(plan, 1, manager), targets=[missing])
    assert "Could not upload to s3://no-such-bucket: NoSuchBucket" in record.error


@pytest.mark.django_db
def test_without_boto3_the_copy_says_to_install_the_extra(
    target, plan, manager, monkeypatch, settings
):
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 now raises ImportError
    (record,) = copy_version(approve(plan, 1, manager))
    assert "pip install 'standby[s3]'" in record.error
    assert target_statuses()[0].outdated


def test_credentials_come_in_pairs_from_the_environment(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STANDBY_S3_ACCESS_KEY_ID", "k")
    monkeypatch.delenv("STANDBY_S3_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "other")
    with pytest.raises(Exception, match="STANDBY_S3_SECRET_ACCESS_KEY is not set"):
        credentials()
    monkeypatch.delenv("STANDBY_S3_ACCESS_KEY_ID")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "aws-k")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "t")
    assert credentials() == {
        "aws_access_key_id": "aws-k",
        "aws_secret_access_key": "other",
        "aws_session_token": "t",
    }


def test_locations_are_parsed_and_checked():
    assert str(parse_location("s3://plans")) == "s3://plans"
    where = parse_location("s3://plans/a/b/")
    assert (where.bucket, where.prefix) == ("plans", "a/b")
    assert where.folder("it", 3) == "a/b/it/v3"
    assert parse_location("s3://plans").folder("it", 3) == "it/v3"
    assert location_problems("s3://ab") != []  # too short
    assert location_problems("s3://plans/a//b") != []
    assert location_problems("s3://plans/a", "https://minio.example.org:9000") == []
