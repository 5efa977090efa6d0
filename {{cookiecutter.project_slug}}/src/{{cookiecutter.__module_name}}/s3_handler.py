"""S3 upload processor: each CSV of dollar amounts uploaded to the uploads bucket becomes a JSON of coins.

The results go to a separate bucket, which has no trigger, so a result can never start this function again; the
handler also skips any event from that bucket. Every record of an event is processed; a file that cannot be read
is logged with the reason and, once the others are done, fails the invocation so that Lambda retries it and then
sends the event to the dead-letter queue: no upload is lost silently.
"""

import csv
import io
import json
import os
from urllib.parse import unquote_plus

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from botocore.exceptions import ClientError

from .change import InvalidAmountError, make_change, to_cents
from .observability import logger, metrics, tracer

# Larger uploads are refused: the whole file is read into memory.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOADS_PROCESSED_METRIC = "UploadsProcessed"
UPLOADS_FAILED_METRIC = "UploadsFailed"

s3 = boto3.client("s3")  # created once per container, reused by every invocation


class UploadError(Exception):
    """An upload that cannot be processed; the message says why."""


class UploadsFailedError(Exception):
    """Raised after all records are processed when some failed, so that Lambda retries and dead-letters the event."""


def coins_for_csv(text: str) -> dict:
    """The change for each amount in the first column of a CSV; a header row `amount` is skipped."""
    rows, errors = [], []
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            cell = row[0].strip() if row else ""
            if not cell or (line == 1 and cell.lower() == "amount"):
                continue
            try:
                change = make_change(to_cents(cell))
            except InvalidAmountError as error:
                errors.append({"line": line, "amount": cell, "message": str(error)})
                continue
            rows.append({"line": line, "amount": change.amount, "cents": change.cents, "coins": change.coins})
    except csv.Error as error:
        raise UploadError(f"not a readable CSV file: {error}") from error
    if not rows and not errors:
        raise UploadError("no amounts found: put one dollar amount per line, e.g. 1.15")
    return {"rows": rows, "errors": errors, "total_cents": sum(row["cents"] for row in rows)}


@tracer.capture_method
def process_upload(bucket: str, key: str, results_bucket: str) -> str:
    """Read one uploaded CSV, write its coins as JSON to the results bucket; return the result's key."""
    head = s3.head_object(Bucket=bucket, Key=key)
    if head["ContentLength"] > MAX_UPLOAD_BYTES:
        raise UploadError(f"the file is {head['ContentLength']} bytes; the limit is {MAX_UPLOAD_BYTES}")
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadError(f"not UTF-8 text (byte {error.start} is invalid)") from error
    result = {"source": f"s3://{bucket}/{key}", **coins_for_csv(text)}
    result_key = f"{key}.json"
    s3.put_object(
        Bucket=results_bucket, Key=result_key, Body=json.dumps(result).encode(), ContentType="application/json"
    )
    return result_key


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    results_bucket = os.environ["RESULTS_BUCKET"]
    processed, skipped, failed = [], [], []
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])  # S3 event keys are URL-encoded: "+" is a space
        if bucket == results_bucket:
            logger.warning("skipped an object in the results bucket", extra={"bucket": bucket, "key": key})
            skipped.append(key)
            continue
        try:
            processed.append(process_upload(bucket, key, results_bucket))
        except (UploadError, ClientError) as error:
            logger.error("upload not processed", extra={"bucket": bucket, "key": key, "reason": str(error)})
            failed.append(key)
    metrics.add_metric(name=UPLOADS_PROCESSED_METRIC, unit=MetricUnit.Count, value=len(processed))
    metrics.add_metric(name=UPLOADS_FAILED_METRIC, unit=MetricUnit.Count, value=len(failed))
    if failed:
        raise UploadsFailedError(f"{len(failed)} of {len(failed) + len(processed)} uploads failed: {failed}")
    return {"processed": processed, "skipped": skipped}
