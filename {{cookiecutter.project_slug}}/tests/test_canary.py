"""The scheduled canary against the real API function, served locally on a free port."""

import json
import threading
from pathlib import Path

import pytest

from tools import sam_template
from tools.local_lambda import api_server, lambda_context

EVENTS = Path(__file__).resolve().parent.parent / "events"


@pytest.fixture
def api_url():
    server = api_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_canary(monkeypatch, url: str) -> dict:
    monkeypatch.setenv("API_URL", url)
    event = json.loads((EVENTS / "CanaryFunction-scheduled.json").read_text())
    return sam_template.load_handler("CanaryFunction")(event, lambda_context("CanaryFunction"))


def emitted(capsys) -> dict[str, list[float]]:
    """Metric values written in embedded metric format (a value is a number, or a list of them)."""
    values: dict[str, list[float]] = {}
    for line in capsys.readouterr().out.splitlines():
        if '"_aws"' in line:
            document = json.loads(line)
            for directive in document["_aws"]["CloudWatchMetrics"]:
                for metric in directive["Metrics"]:
                    value = document[metric["Name"]]
                    values.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    return values


def test_canary_passes_against_a_working_api(monkeypatch, capsys, api_url):
    outcome = run_canary(monkeypatch, api_url)
    assert outcome["ok"], outcome["problems"]
    assert emitted(capsys)["CanarySuccess"] == [1]


def test_canary_reports_an_api_that_does_not_answer(monkeypatch, capsys):
    outcome = run_canary(monkeypatch, "http://127.0.0.1:9")
    assert not outcome["ok"]
    assert emitted(capsys)["CanarySuccess"] == [0]


def test_canary_refuses_a_url_without_scheme(monkeypatch):
    outcome = run_canary(monkeypatch, "example.com")
    assert outcome["problems"] == ["API_URL 'example.com' is not an http(s) URL"]


def test_schedule_rate_is_spelled_right():
    events = sam_template.functions()["CanaryFunction"]["Events"]
    (schedule,) = [event["Properties"]["Schedule"] for event in events.values() if event["Type"] == "Schedule"]
    minutes = int(schedule.removeprefix("rate(").split()[0])
    assert schedule == (f"rate({minutes} minute)" if minutes == 1 else f"rate({minutes} minutes)")
