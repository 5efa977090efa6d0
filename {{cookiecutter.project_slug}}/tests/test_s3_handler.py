"""The S3 upload processor against an in-memory S3 (moto): no network, no AWS account."""

import json
from pathlib import Path
from urllib.parse import quote_plus

import boto3
import pytest
from moto import mock_aws

from tools import sam_template
from tools.local_lambda import lambda_context

EVENTS = Path(__file__).resolve().parent.parent / "events"
UPLOADS, RESULTS = "uploads-bucket", "results-bucket"


@pytest.fixture
def s3(monkeypatch):
    """Empty uploads and results buckets; fake credentials so nothing can reach AWS."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "RESULTS_BUCKET": RESULTS,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=UPLOADS)
        client.create_bucket(Bucket=RESULTS)
        yield client


@pytest.fixture
def handler(s3):
    return sam_template.load_handler("S3ProcessorFunction")


def s3_event(*objects: tuple[str, str]) -> dict:
    """An S3 put event with one record per (bucket, key); keys URL-encoded as S3 sends them."""
    template = json.loads((EVENTS / "S3ProcessorFunction-upload.json").read_text())["Records"][0]
    records = []
    for bucket, key in objects:
        record = json.loads(json.dumps(template))
        record["s3"]["bucket"]["name"] = bucket
        record["s3"]["object"]["key"] = quote_plus(key, safe="/")
        records.append(record)
    return {"Records": records}


def result(s3, key: str) -> dict:
    return json.loads(s3.get_object(Bucket=RESULTS, Key=f"{key}.json")["Body"].read())


def test_every_record_is_processed(s3, handler):
    keys = ["monday.csv", "tuesday.csv", "nested/wednesday.csv"]
    for key in keys:
        s3.put_object(Bucket=UPLOADS, Key=key, Body=b"amount\n1.15\n0.41\n")
    outcome = handler(s3_event(*[(UPLOADS, key) for key in keys]), lambda_context("S3ProcessorFunction"))
    assert outcome["processed"] == [f"{key}.json" for key in keys]
    for key in keys:
        assert [row["cents"] for row in result(s3, key)["rows"]] == [115, 41]


@pytest.mark.parametrize("key", ["till receipts/monday.csv", "café été.csv", "a+b.csv", "数字.csv"])
def test_keys_are_url_decoded(s3, handler, key):
    s3.put_object(Bucket=UPLOADS, Key=key, Body=b"2.00\n")
    handler(s3_event((UPLOADS, key)), lambda_context("S3ProcessorFunction"))
    assert result(s3, key)["total_cents"] == 200


def test_invalid_rows_are_reported_next_to_the_valid_ones(s3, handler):
    s3.put_object(Bucket=UPLOADS, Key="mixed.csv", Body=b"1.15\n-3\nabc\n0.10\n")
    handler(s3_event((UPLOADS, "mixed.csv")), lambda_context("S3ProcessorFunction"))
    document = result(s3, "mixed.csv")
    assert [row["cents"] for row in document["rows"]] == [115, 10]
    assert [(error["line"], error["amount"]) for error in document["errors"]] == [(2, "-3"), (3, "abc")]


def test_an_object_in_the_results_bucket_is_not_reprocessed(s3, handler):
    s3.put_object(Bucket=RESULTS, Key="old.csv", Body=b"1.00\n")
    outcome = handler(s3_event((RESULTS, "old.csv")), lambda_context("S3ProcessorFunction"))
    assert outcome == {"processed": [], "skipped": ["old.csv"]}
    assert "Contents" not in s3.list_objects_v2(Bucket=RESULTS, Prefix="old.csv.json")


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"\x1f\x8b\x08\x00\xff\xfe", "not UTF-8"), (b"", "no amounts"), (b"amount\n\n", "no amounts")],
)
def test_a_corrupt_file_is_reported_and_does_not_block_the_others(s3, handler, caplog, body, reason):
    s3.put_object(Bucket=UPLOADS, Key="good.csv", Body=b"1.15\n")
    s3.put_object(Bucket=UPLOADS, Key="bad.csv", Body=body)
    s3.put_object(Bucket=UPLOADS, Key="also good.csv", Body=b"0.05\n")
    event = s3_event((UPLOADS, "good.csv"), (UPLOADS, "bad.csv"), (UPLOADS, "also good.csv"))
    with pytest.raises(Exception, match="1 of 3 uploads failed") as failure:
        handler(event, lambda_context("S3ProcessorFunction"))
    assert type(failure.value).__name__ == "UploadsFailedError"  # Lambda retries, then dead-letters the event
    assert result(s3, "good.csv")["total_cents"] == 115
    assert result(s3, "also good.csv")["total_cents"] == 5
    errors = [record for record in caplog.records if record.levelname == "ERROR"]
    assert [record.key for record in errors] == ["bad.csv"]
    assert reason in errors[0].reason


def test_a_missing_object_is_reported_not_lost(s3, handler):
    with pytest.raises(Exception, match="1 of 1 uploads failed"):
        handler(s3_event((UPLOADS, "gone.csv")), lambda_context("S3ProcessorFunction"))


def test_the_template_wires_a_dead_letter_queue_and_a_separate_results_bucket():
    function = sam_template.functions()["S3ProcessorFunction"]
    assert function["DeadLetterQueue"]["Type"] == "SQS"
    upload = function["Events"]["Upload"]["Properties"]
    assert upload["Bucket"] == {"Ref": "UploadsBucket"}
    assert function["Environment"]["Variables"]["RESULTS_BUCKET"] == {"Ref": "ResultsBucket"}
