"""The Lambda handler with the sample events that `make invoke` sends, and what it reports to CloudWatch."""

import base64
import importlib
import json
from pathlib import Path

import pytest

from tools.local_lambda import PACKAGE, lambda_context, load_handler

EVENTS = Path(__file__).resolve().parent.parent / "events"
api_handler = importlib.import_module(f"{PACKAGE}.api_handler")


def invoke(event_name: str) -> dict:
    event = json.loads((EVENTS / event_name).read_text())
    return load_handler("api")(event, lambda_context("test-api"))


def test_change_event_gives_115_cents():
    result = invoke("api-change.json")
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["cents"] == 115


def test_health_event():
    result = invoke("api-health.json")
    assert result["statusCode"] == 200
    assert json.loads(result["body"]) == {"status": "ok"}


def test_change_emits_its_metric_in_embedded_metric_format(capsys):
    invoke("api-change.json")
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = {
        (directive["Namespace"], metric["Name"])
        for document in documents
        for directive in document["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]
    }
    assert (api_handler.METRICS_NAMESPACE, api_handler.CHANGE_MADE_METRIC) in metrics


@pytest.mark.parametrize("event_file", sorted(EVENTS.glob("api-*.json")), ids=lambda path: path.name)
def test_sample_events_are_http_api_events(event_file):
    event = json.loads(event_file.read_text())
    assert event["version"] == "2.0"
    assert event["rawPath"].startswith("/") and not event["rawPath"].startswith("//")
    if event.get("isBase64Encoded"):
        json.loads(base64.b64decode(event["body"]))
