"""Prometheus metrics on /metrics: request counts and latencies, grouped by route.

Under gunicorn every worker process counts its own requests. gunicorn.conf.py points PROMETHEUS_MULTIPROC_DIR at a
fresh directory before the workers start; each worker then writes its samples there and /metrics adds them up, so
the totals are right whichever worker answers the scrape. Without that variable (tests, `flask run`) the counts
live in this process.
"""

import hmac
import os
from functools import wraps

from flask import Flask, jsonify, request
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

from .schemas import ErrorResponse

METRICS_PATH = "/metrics"


def _bearer_token_matches(header: str, token: str) -> bool:
    scheme, _, credentials = header.partition(" ")
    # compare_digest takes as long whatever the mismatch, so the answer time does not leak the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), token.encode())


def _require_token(token: str | None):
    """Wrap the metrics view: with a token set, only `Authorization: Bearer <token>` gets through."""

    def decorate(view):
        if not token:
            return view

        @wraps(view)
        def guarded(*args, **kwargs):
            if _bearer_token_matches(request.headers.get("Authorization", ""), token):
                return view(*args, **kwargs)
            message = "send the metrics token as Authorization: Bearer <token>"
            response = jsonify(ErrorResponse(status=401, error="Unauthorized", message=message).model_dump())
            response.status_code = 401
            response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response

        return guarded

    return decorate


def init_metrics(app: Flask) -> PrometheusMetrics:
    """Count and time every request of `app`, and serve the figures on /metrics.

    METRICS_TOKEN (app config, else the environment) protects /metrics; unset, it is open, which suits a laptop.
    """
    token = app.config.get("METRICS_TOKEN", os.environ.get("METRICS_TOKEN"))
    options = {
        # The route's rule (/api/change), not the raw path: a scan of random URLs adds one series ("None"), not one
        # per URL, so the number of series stays bounded.
        "group_by": "url_rule",
        # A registry of its own: a second app in the same process (tests, a script) gets its own metrics instead of
        # colliding with the first one's in prometheus_client's global registry.
        "registry": CollectorRegistry(),
        "metrics_decorator": _require_token(token),
    }
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return GunicornInternalPrometheusMetrics(app, path=METRICS_PATH, **options)
    return PrometheusMetrics(app, path=METRICS_PATH, **options)
