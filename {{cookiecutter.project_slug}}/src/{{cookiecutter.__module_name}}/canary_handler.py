"""Scheduled canary: calls the deployed API as a client would and reports whether it answered correctly.

Runs every few minutes (the schedule is in template.yaml). Each run emits CanarySuccess (1 or 0) and
CanaryLatency; an alarm fires when CanarySuccess drops, so a broken deployment is noticed without user traffic.
"""

import json
import os
import time
import urllib.request
from urllib.error import URLError

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from .observability import logger, metrics, tracer

CANARY_SUCCESS_METRIC = "CanarySuccess"
CANARY_LATENCY_METRIC = "CanaryLatency"
REQUEST_TIMEOUT_SECONDS = 5
# (method, path, JSON body, what the answer must contain)
CHECKS = (
    ("GET", "/health", None, {"status": "ok"}),
    ("POST", "/api/change", {"amount": "1.15"}, {"cents": 115}),
)


def check_api(base_url: str) -> list[str]:
    """Run every check against the API; return what went wrong (empty when all passed)."""
    if not base_url.startswith(("https://", "http://")):
        return [f"API_URL {base_url!r} is not an http(s) URL"]
    problems = []
    for method, path, body, expected in CHECKS:
        data = json.dumps(body).encode() if body is not None else None
        # bandit B310 warns that urlopen also opens file:// URLs; the scheme was checked above.
        request = urllib.request.Request(  # nosec B310
            base_url.rstrip("/") + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_SECONDS) as response:  # nosec B310
                answer = json.loads(response.read())
        except (URLError, OSError, ValueError) as error:
            problems.append(f"{method} {path}: {error}")
            continue
        missing = {key: value for key, value in expected.items() if answer.get(key) != value}
        if missing:
            problems.append(f"{method} {path}: expected {missing}, got {answer}")
    return problems


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    started = time.perf_counter()
    problems = check_api(os.environ["API_URL"])
    latency_ms = (time.perf_counter() - started) * 1000
    metrics.add_metric(name=CANARY_SUCCESS_METRIC, unit=MetricUnit.Count, value=0 if problems else 1)
    metrics.add_metric(name=CANARY_LATENCY_METRIC, unit=MetricUnit.Milliseconds, value=latency_ms)
    if problems:
        logger.error("canary failed", extra={"problems": problems})
    else:
        logger.info("canary passed", extra={"latency_ms": round(latency_ms, 1)})
    return {"ok": not problems, "problems": problems, "latency_ms": round(latency_ms, 1)}
