"""The API function with the sample events that `make invoke` sends, and what it reports to CloudWatch."""

import base64
import json
import sys
from pathlib import Path

import pytest

from tools import sam_template
from tools.local_lambda import lambda_context

EVENTS = Path(__file__).resolve().parent.parent / "events"
API_FUNCTION = sam_template.api_function_name()
handler = sam_template.load_handler(API_FUNCTION)
api_module = sys.modules[handler.__module__]
observability = sys.modules[f"{api_module.__package__}.observability"]


def invoke(event_name: str) -> dict:
    event = json.loads((EVENTS / f"{API_FUNCTION}-{event_name}.json").read_text())
    return handler(event, lambda_context(API_FUNCTION))


def test_change_event_gives_115_cents():
    result = invoke("change")
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["cents"] == 115


def test_health_event():
    result = invoke("health")
    assert result["statusCode"] == 200
    assert json.loads(result["body"]) == {"status": "ok"}


def test_change_emits_its_metric_in_embedded_metric_format(capsys):
    invoke("change")
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    metrics = {
        (directive["Namespace"], metric["Name"])
        for document in documents
        for directive in document["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]
    }
    assert (observability.METRICS_NAMESPACE, api_module.CHANGE_MADE_METRIC) in metrics


@pytest.mark.parametrize("event_file", sorted(EVENTS.glob(f"{API_FUNCTION}-*.json")), ids=lambda path: path.name)
def test_sample_events_are_http_api_events(event_file):
    event = json.loads(event_file.read_text())
    assert event["version"] == "2.0"
    assert event["rawPath"].startswith("/") and not event["rawPath"].startswith("//")
    if event.get("isBase64Encoded"):
        json.loads(base64.b64decode(event["body"]))
