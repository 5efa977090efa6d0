"""CloudWatch alarms and the dashboard must watch metrics that the code really emits, so they cannot drift apart.

Every function is invoked with its sample events (as `make invoke` does); the metrics they write in embedded
metric format are compared with the custom metrics that template.yaml's alarms and dashboard name.
"""

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from tools import local_lambda, sam_template

ROOT = Path(__file__).resolve().parent.parent
AWS_NAMESPACES = ("AWS/",)


@pytest.fixture(scope="module")
def emitted() -> set[tuple[str, str, frozenset[str]]]:
    """(namespace, metric name, dimension names) of every metric the functions emit for their sample events."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        local_lambda.invoke(sorted((ROOT / "events").glob("*.json")))
    found = set()
    for line in output.getvalue().splitlines():
        if '"_aws"' not in line:
            continue
        document = json.loads(line[line.index("{") :])
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for dimensions in directive["Dimensions"]:
                for metric in directive["Metrics"]:
                    found.add((directive["Namespace"], metric["Name"], frozenset(dimensions)))
    return found


def custom(namespace: str) -> bool:
    return not namespace.startswith(AWS_NAMESPACES)


def alarm_metrics() -> set[tuple[str, str, frozenset[str]]]:
    return {
        (alarm["Namespace"], alarm["MetricName"], frozenset(d["Name"] for d in alarm.get("Dimensions", [])))
        for alarm in sam_template.resources("AWS::CloudWatch::Alarm").values()
        if custom(alarm["Namespace"])
    }


def dashboard_metrics() -> set[tuple[str, str, frozenset[str]]]:
    (dashboard,) = sam_template.resources("AWS::CloudWatch::Dashboard").values()
    body = json.loads(re.sub(r"\$\{[^}]+\}", "x", dashboard["DashboardBody"]["Fn::Sub"]))
    found = set()
    for widget in body["widgets"]:
        for metric in widget["properties"].get("metrics", []):
            names = [part for part in metric if isinstance(part, str)]
            if custom(names[0]):
                found.add((names[0], names[1], frozenset(names[2::2])))
    return found


def test_alarms_watch_emitted_metrics(emitted):
    assert alarm_metrics() <= emitted, f"alarms on metrics nobody emits: {alarm_metrics() - emitted}"


def test_dashboard_shows_emitted_metrics(emitted):
    assert dashboard_metrics(), "the dashboard shows none of the service's own metrics"
    assert dashboard_metrics() <= emitted, f"dashboard metrics nobody emits: {dashboard_metrics() - emitted}"


def test_every_function_has_error_throttle_and_duration_alarms():
    watched: dict[str, set[str]] = {}
    for alarm in sam_template.resources("AWS::CloudWatch::Alarm").values():
        if alarm["Namespace"] == "AWS/Lambda":
            function = alarm["Dimensions"][0]["Value"]["Ref"]
            watched.setdefault(function, set()).add(alarm["MetricName"])
    for function in sam_template.functions():
        assert watched.get(function) == {"Errors", "Throttles", "Duration"}, function


def test_duration_alarms_fire_before_the_timeout():
    for name, alarm in sam_template.resources("AWS::CloudWatch::Alarm").items():
        if alarm["MetricName"] == "Duration":
            function = sam_template.functions()[alarm["Dimensions"][0]["Value"]["Ref"]]
            assert alarm["Threshold"] < function["Timeout"] * 1000, name


def test_every_alarm_notifies_the_alarm_topic():
    for name, alarm in sam_template.resources("AWS::CloudWatch::Alarm").items():
        assert {"Ref": "AlarmTopic"} in alarm["AlarmActions"], name
