"""Monitoring: Prometheus metrics on /metrics, the token that guards them, the monitoring/ configs, Azure Monitor."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.__module_name }}.web import create_app

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "test-metrics-token"  # not a real secret: the tests set it


@pytest.fixture(autouse=True)
def _single_process_metrics(monkeypatch):
    """The tests count in this process, whatever the shell that started them exported."""
    for name in ("PROMETHEUS_MULTIPROC_DIR", "prometheus_multiproc_dir", "METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def scrape(client, headers=None) -> str:
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def sample(text: str, name: str, **labels) -> float:
    """The value of the one sample called `name` whose labels include `labels`; 0 when there is none."""
    found = []
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)\{(.*)\} (\S+)", line)
        if match and match[1] == name:
            sample_labels = dict(re.findall(r'(\w+)="([^"]*)"', match[2]))
            if labels.items() <= sample_labels.items():
                found.append(float(match[3]))
    assert len(found) <= 1, f"several {name} samples match {labels}"
    return found[0] if found else 0.0


def test_metrics_count_requests_by_route_and_status():
    client = create_app().test_client()
    for _ in range(3):
        client.post("/api/change", json={"amount": "1.15"})
    client.post("/api/change", json={"amount": "-1"})
    text = scrape(client)
    assert sample(text, "flask_http_request_total", method="POST", status="200") == 3
    assert sample(text, "flask_http_request_total", method="POST", status="422") == 1
    count = "flask_http_request_duration_seconds_count"
    assert sample(text, count, method="POST", url_rule="/api/change", status="200") == 3
    assert sample(text, count, method="POST", url_rule="/api/change", status="422") == 1


def test_metrics_endpoint_does_not_count_itself():
    client = create_app().test_client()
    scrape(client)
    text = scrape(client)
    assert 'url_rule="/metrics"' not in text
    assert sample(text, "flask_http_request_total", method="GET") == 0


def test_unknown_paths_share_one_label_value():
    """A scan of random URLs must not create one series per URL: they are grouped by URL rule, which is None."""
    client = create_app().test_client()
    paths = [f"/scan/{n}" for n in range(5)]
    for path in paths:
        assert client.get(path).status_code == 404
    text = scrape(client)
    assert not any(path in text for path in paths)
    assert sample(text, "flask_http_request_duration_seconds_count", url_rule="None", status="404") == len(paths)


def test_made_up_methods_add_no_label_values():
    """Each method name would be a new series; unknown ones are refused before the metrics see them."""
    client = create_app().test_client()
    for method in ("BREW", "AAAA", "ZZZZ"):
        assert client.open("/health", method=method).status_code == 405
    text = scrape(client)
    assert not any(f'method="{method}"' in text for method in ("BREW", "AAAA", "ZZZZ"))


def test_each_app_has_its_own_registry():
    """A second app in the same process counts its own requests instead of clashing with the first one's."""
    first, second = create_app().test_client(), create_app().test_client()
    first.get("/health")
    for _ in range(2):
        second.get("/health")
    assert sample(scrape(first), "flask_http_request_total", method="GET", status="200") == 1
    assert sample(scrape(second), "flask_http_request_total", method="GET", status="200") == 2


def test_metrics_are_open_without_a_token():
    assert create_app().test_client().get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer", ""],
    ids=["missing", "wrong", "other-scheme", "longer", "empty-bearer", "empty"],
)
def test_metrics_refuse_a_missing_or_wrong_token(authorization):
    client = create_app({"METRICS_TOKEN": TOKEN}).test_client()
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.is_json
    assert response.json["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "flask_http_request_total" not in response.get_data(as_text=True)


def test_metrics_accept_the_right_token():
    client = create_app({"METRICS_TOKEN": TOKEN}).test_client()
    client.get("/health")
    text = scrape(client, {"Authorization": f"Bearer {TOKEN}"})
    assert sample(text, "flask_http_request_total", method="GET", status="200") == 1


def test_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    client = create_app().test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200


def test_alerts_and_dashboard_use_metric_and_label_names_the_app_emits():
    """A renamed metric or label would leave an alert that never fires and an empty graph."""
    client = create_app().test_client()
    client.post("/api/change", json={"amount": "1.15"})
    text = scrape(client)
    emitted = set(re.findall(r"^# TYPE (\w+)", text, re.MULTILINE)) | set(re.findall(r"^(\w+)[{ ]", text, re.MULTILINE))
    labels = set(re.findall(r'(\w+)="', text)) | {"job", "instance"}  # job and instance come from Prometheus

    dashboard = json.loads((ROOT / "monitoring/grafana-dashboard.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    queries.append((ROOT / "monitoring/alerts.yml").read_text())
    for query in queries:
        for name in re.findall(r"\bflask_\w+", query):
            assert name in emitted, f"{name} is not emitted"
        used = re.findall(r"(\w+)\s*(?:=~|!~|!=|=)\s*\"", query)
        used += [label for group in re.findall(r"by \(([^)]*)\)", query) for label in re.split(r"\s*,\s*", group)]
        for label in used:
            assert label in labels, f"label {label} is not emitted"


def run_app_in_a_fresh_interpreter(environment: dict) -> dict:
    """Import app.py in a new Python, serve one request, and report what it loaded."""
    script = (
        "import json, sys\n"
        "import app\n"
        "status = app.app.test_client().get('/health').status_code\n"
        "classes = [cls.__name__ for cls in type(app.app).__mro__]\n"
        "print(json.dumps({'status': status, 'classes': classes,\n"
        "                  'azure_monitor': 'azure.monitor.opentelemetry' in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_application_insights_is_off_without_a_connection_string():
    environment = {k: v for k, v in os.environ.items() if k != "APPLICATIONINSIGHTS_CONNECTION_STRING"}
    loaded = run_app_in_a_fresh_interpreter(environment)
    assert loaded["status"] == 200
    assert loaded["azure_monitor"] is False
    assert "_InstrumentedFlask" not in loaded["classes"]


def test_application_insights_instruments_flask_with_a_connection_string():
    """configure_azure_monitor must run before the app class is defined, or requests are not traced."""
    environment = {
        **os.environ,
        # A well-formed string whose ingestion endpoint refuses connections: nothing leaves this machine.
        "APPLICATIONINSIGHTS_CONNECTION_STRING": (
            "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:9/"
        ),
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
    }
    loaded = run_app_in_a_fresh_interpreter(environment)
    assert loaded["status"] == 200
    assert loaded["azure_monitor"] is True
    assert "_InstrumentedFlask" in loaded["classes"]
