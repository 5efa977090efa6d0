"""Load test of the change service, with an SLO gate that fails the run when an objective is missed.

    make load                                   # headless, against the local server (`make run`)
    make load HOST=https://NAME.example.com     # any deployed URL; USERS, SPAWN_RATE, DURATION, PROCESSES too

The objectives below are the defaults; override one per run with an environment variable (SLO_P95_MS=300 make load),
a command-line option (--slo-p95-ms 300) or a line in locust.conf (slo-p95-ms = 300).
"""

import json
import random
import sys
from urllib.parse import urlsplit

import requests
from locust import HttpUser, between, events, log, task
from locust.runners import WorkerRunner

# The service level objectives: the run fails when any one of them is missed.
MAX_FAILURE_RATIO = 0.01  # at most 1% of requests may fail (unexpected status, wrong body, no answer)
P95_MS = 500  # 95% of requests answer within this many milliseconds
MIN_REQUESTS = 100  # fewer requests than this prove nothing, so the run fails

# Locust's own codes are 1 (failed requests) and 2 (crash); a distinct code lets CI tell an SLO breach apart.
EXIT_SLO_BREACH = 3
EXIT_BAD_HOST = 1
# Long enough for a cold start (App Service or Lambda waking up), short enough not to hang a CI job.
PREFLIGHT_TIMEOUT_S = (5, 60)

COIN_CENTS = {"quarters": 25, "dimes": 10, "nickels": 5, "pennies": 1}
# Invalid requests a real client sends now and then: (label, body, content type, the status the API must answer).
INVALID_REQUESTS = [
    ("negative amount", json.dumps({"amount": "-1.00"}), "application/json", 422),
    ("three decimals", json.dumps({"amount": "1.155"}), "application/json", 422),
    ("not a number", json.dumps({"amount": "one dollar"}), "application/json", 422),
    ("too large", json.dumps({"amount": "1000000.01"}), "application/json", 422),
    ("boolean amount", json.dumps({"amount": True}), "application/json", 422),
    ("missing amount", json.dumps({}), "application/json", 422),
    ("malformed JSON", '{"amount": "1.15"', "application/json", 400),
    ("plain text", "1.15", "text/plain", 415),
]


@events.init_command_line_parser.add_listener
def _add_slo_options(parser, **_kwargs):
    parser.add_argument(
        "--slo-max-failure-ratio",
        type=float,
        env_var="SLO_MAX_FAILURE_RATIO",
        default=MAX_FAILURE_RATIO,
        help="SLO: the largest share of failed requests, 0-1",
    )
    parser.add_argument(
        "--slo-p95-ms", type=float, env_var="SLO_P95_MS", default=P95_MS, help="SLO: 95th percentile response time"
    )
    parser.add_argument(
        "--slo-min-requests",
        type=int,
        env_var="SLO_MIN_REQUESTS",
        default=MIN_REQUESTS,
        help="SLO: the fewest requests a run must make",
    )


def random_amount() -> tuple[str | int | float, int]:
    """An amount as clients send it (a string, an integer or a JSON number) and the cents it stands for."""
    # Pocket change, till amounts and large sums, a third each; not for security, so the standard generator is right.
    cents = random.choice([random.randint(0, 500), random.randint(0, 100_000), random.randint(0, 100_000_000)])  # nosec B311
    form = random.random()  # nosec B311
    if form < 0.6:
        return f"{cents // 100}.{cents % 100:02d}", cents
    if form < 0.8:
        return cents // 100, cents // 100 * 100
    # cents / 100 is the double nearest to the decimal amount, so it reaches the service as e.g. 1.15, not 1.1499...
    return cents / 100, cents


class ApiClient(HttpUser):
    """A client of the API: mostly change requests, some health checks, and now and then a bad request."""

    # Think time between requests, in seconds, as a program calling the API pauses between calls.
    wait_time = between(0.1, 0.5)

    @task(2)
    def health(self):
        with self.client.get("/health", name="GET /health", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"expected 200, got {response.status_code}")
            elif _json(response) != {"status": "ok"}:
                response.failure(f"unexpected body: {response.text[:200]}")

    @task(16)
    def change(self):
        amount, cents = random_amount()
        with self.client.post(
            "/api/change", json={"amount": amount}, name="POST /api/change", catch_response=True
        ) as response:
            if response.status_code != 200:
                # Without the amount, so that the report has one failure row per kind, not one per amount.
                response.failure(f"expected 200, got {response.status_code}")
                return
            body = _json(response) or {}
            coins = body.get("coins") or {}
            coin_value = sum(coins.get(name, 0) * value for name, value in COIN_CENTS.items())
            if body.get("cents") != cents or coin_value != cents:
                response.failure(f"wrong change for amount {amount!r}: {response.text[:200]}")

    @task(2)
    def invalid_change(self):
        label, body, content_type, expected = random.choice(INVALID_REQUESTS)  # nosec B311
        # One stats row per kind of bad request, so the report shows each one's latency and outcome.
        with self.client.post(
            "/api/change",
            data=body,
            headers={"Content-Type": content_type},
            name=f"POST /api/change ({label})",
            catch_response=True,
        ) as response:
            # The expected 4xx is the right answer, so it counts as a success.
            if response.status_code != expected:
                response.failure(f"expected {expected}, got {response.status_code}")
            elif _json(response) is None:
                response.failure(f"expected a JSON error body, got: {response.text[:200]}")
            else:
                response.success()


def _json(response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _runs_the_test(environment) -> bool:
    """True where the aggregated stats live: a standalone run or the master, not a worker process."""
    return not isinstance(environment.runner, WorkerRunner)


def host_problem(host: str | None) -> str | None:
    """Why `host` cannot be load tested, or None. Asks /health once so a typo fails now, not after the flood."""
    if not host:
        return "no host given: pass --host (make load HOST=...) or set host in locust.conf"
    url = urlsplit(host)
    if url.scheme not in ("http", "https") or not url.netloc:
        return f"host {host!r} must start with http:// or https://, for example http://127.0.0.1:8000"
    health = f"{host.rstrip('/')}/health"
    try:
        response = requests.get(health, timeout=PREFLIGHT_TIMEOUT_S)
    except requests.exceptions.SSLError as error:
        return f"no TLS at {host} ({error.__class__.__name__}): does it serve http:// rather than https://?"
    except requests.RequestException as error:
        return f"nothing answers at {host} ({type(error).__name__}): is the server running and the URL right?"
    if response.status_code != 200:
        return f"{health} answered {response.status_code}, not 200: is {host} the service's base URL?"
    return None


@events.init.add_listener
def _check_host(environment, **_kwargs):
    # Workers get the host from the master, which has checked it already.
    if not _runs_the_test(environment):
        return
    web_ui_without_host = environment.web_ui is not None and not environment.host
    if web_ui_without_host:
        return  # the host is typed into the web UI
    problem = host_problem(environment.host)
    if problem:
        print(f"Load test not started: {problem}", file=sys.stderr)
        sys.exit(EXIT_BAD_HOST)
    # "https://x/" would otherwise make requests to "https://x//health".
    environment.host = environment.host.rstrip("/")


def slo_breaches(stats, options) -> list[str]:
    """One line per missed objective, saying by how much; empty when the run met every objective."""
    breaches = []
    total = stats.total
    min_requests = max(1, int(options.slo_min_requests))  # a run without requests never passes
    if total.num_requests < min_requests:
        breaches.append(
            f"request count {total.num_requests} < {min_requests} (SLO_MIN_REQUESTS): "
            f"{min_requests - total.num_requests} too few"
        )
    max_ratio = float(options.slo_max_failure_ratio)
    if total.fail_ratio > max_ratio:
        breaches.append(
            f"failure ratio {total.fail_ratio:.2%} > {max_ratio:.2%} (SLO_MAX_FAILURE_RATIO): "
            f"{total.fail_ratio - max_ratio:.2%} over, {total.num_failures} of {total.num_requests} requests failed"
        )
    p95_limit = float(options.slo_p95_ms)
    if total.num_requests:
        p95 = total.get_response_time_percentile(0.95)
        if p95 > p95_limit:
            breaches.append(f"p95 latency {p95:.0f} ms > {p95_limit:g} ms (SLO_P95_MS): {p95 - p95_limit:g} ms over")
    return breaches


def locust_exit_code(environment) -> int:
    """The code Locust itself will exit with (its rule in locust.main), so the gate can only ever raise it."""
    if environment.process_exit_code is not None:
        return environment.process_exit_code
    runner = environment.runner
    if runner.errors or runner.exceptions:
        return environment.parsed_options.exit_code_on_error
    return 2 if log.unhandled_greenlet_exception else 0


@events.quitting.add_listener
def _slo_gate(environment, **_kwargs):
    # Workers only hold the share of stats not yet sent to the master; the verdict belongs where all stats meet.
    if not _runs_the_test(environment) or environment.parsed_options is None:
        return
    breaches = slo_breaches(environment.stats, environment.parsed_options)
    if breaches:
        for breach in breaches:
            print(f"SLO breached: {breach}", file=sys.stderr)
        environment.process_exit_code = max(locust_exit_code(environment), EXIT_SLO_BREACH)
    else:
        total = environment.stats.total
        options = environment.parsed_options
        print(
            f"SLO met: failure ratio {total.fail_ratio:.2%} <= {float(options.slo_max_failure_ratio):.2%}, "
            f"p95 {total.get_response_time_percentile(0.95):.0f} ms <= {float(options.slo_p95_ms):g} ms, "
            f"{total.num_requests} requests >= {options.slo_min_requests}",
            file=sys.stderr,
        )
