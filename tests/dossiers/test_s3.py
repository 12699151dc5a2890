"""Documents in an S3-compatible bucket: a real S3 server (moto's) on 127.0.0.1."""

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from dossiers.services import document_storage
from tests.accompagnements.factories import AccompagnementFactory
from tests.uploads.files import EXE, pdf_bytes

from .factories import case_document, upload

BUCKET = "dla-documents"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-3", **CREDENTIALS)
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    # The same STORAGES entry dla_suivi/settings/base.py builds from DOCUMENTS_S3_*.
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "eu-west-3",
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_documents_go_to_the_bucket_and_come_back_through_the_download_view(
    bucket, personas, client_for
):
    assert type(document_storage()).__name__ == "S3Storage"
    case = AccompagnementFactory(officer=personas.officer_a)
    document = case_document(case, upload=upload("Statuts.pdf"))
    version = document.versions.get()
    assert keys(bucket) == [version.storage_name]
    stored = bucket.get_object(Bucket=BUCKET, Key=version.storage_name)
    assert stored["Body"].read() == pdf_bytes()

    response = client_for(personas.officer_a).get(reverse("dossiers:download", args=[version.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_a_refused_file_never_reaches_the_bucket(bucket, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    with pytest.raises(Exception, match="exécutable"):
        case_document(case, upload=upload("facture.pdf", EXE))
    assert keys(bucket) == []
