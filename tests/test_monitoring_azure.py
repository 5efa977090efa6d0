"""Azure monitoring, for real: gunicorn workers counting together, /metrics behind its token, Prometheus scraping it."""

import contextlib
import json
import re
import shutil
import subprocess
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import bake, free_port, http, project_env, run, serving, stop_process_group

TOKEN = "template-test-metrics-token"
JOB = "change-service"
REQUESTS = 300
CHANGE = ("POST", "/api/change", b'{"amount": "1.15"}', {"Content-Type": "application/json"})


def promtool() -> str:
    found = shutil.which("promtool")
    if not found:
        pytest.fail("promtool is needed: apt-get install prometheus (.ci/run does)")
    return found


def prometheus_binary() -> str:
    found = shutil.which("prometheus")
    if not found:
        pytest.fail("prometheus is needed: apt-get install prometheus (.ci/run does)")
    return found


def monitoring_copy(project: Path, directory: Path, app_port: int = 8000, token: str = "") -> Path:
    """The generated monitoring/ files in `directory`: scrape target moved to `app_port`, token file written."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in (project / "monitoring").iterdir():
        shutil.copy(path, directory)
    config = directory / "prometheus.yml"
    text = config.read_text()
    assert '"127.0.0.1:8000"' in text
    config.write_text(text.replace('"127.0.0.1:8000"', f'"127.0.0.1:{app_port}"'))
    (directory / "metrics-token").write_text(token)
    return config


def metric(text: str, name: str, **labels) -> float:
    """Sum of the samples called `name` whose labels include `labels`, in Prometheus's text format."""
    total = 0.0
    for line in text.splitlines():
        match = re.fullmatch(r"(\w+)(?:\{(.*)\})? (\S+)", line)
        if match and match[1] == name:
            found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
            if labels.items() <= found.items():
                total += float(match[3])
    return total


def change(base: str) -> int:
    method, path, body, headers = CHANGE
    return http(method, base + path, body, headers)[0]


def scrape(base: str, token: str | None = TOKEN) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    status, _, body = http("GET", base + "/metrics", headers=headers)
    return status, body.decode()


class Prometheus:
    """The HTTP API of a Prometheus server that `process` runs; `log` is its output, shown when something fails."""

    def __init__(self, port: int, process: subprocess.Popen, log: Path):
        self.base, self.process, self.log = f"http://127.0.0.1:{port}", process, log

    def api(self, path: str, **params) -> dict:
        status, _, body = http("GET", f"{self.base}/api/v1/{path}?{urllib.parse.urlencode(params)}")
        assert status == 200, body
        return json.loads(body)["data"]

    def query(self, expression: str) -> list:
        return self.api("query", query=expression)["result"]

    def wait_until(self, condition, seconds: float = 60) -> None:
        """Poll `condition` until it holds; fail with the log if it never does or the server exits."""
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"prometheus exited with {self.process.returncode}:\n{self.log.read_text()[-4000:]}")
            with contextlib.suppress(OSError):
                if condition():
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"still not so after {seconds} s:\n{self.log.read_text()[-4000:]}")
            time.sleep(0.5)


@contextlib.contextmanager
def running_prometheus(config: Path, data: Path):
    """A real Prometheus on a free 127.0.0.1 port, its data in `data`; stopped on exit."""
    port = free_port()
    log = config.parent / "prometheus.log"
    command = [
        prometheus_binary(),
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        prometheus = Prometheus(port, process, log)
        prometheus.wait_until(lambda: http("GET", prometheus.base + "/-/ready", timeout=2)[0] == 200)
        yield prometheus
    finally:
        stop_process_group(process)


def single_value(result: list) -> float:
    assert len(result) == 1, result
    return float(result[0]["value"][1])


@pytest.fixture(scope="module")
def baked_azure(tmp_path_factory):
    return bake(tmp_path_factory.mktemp("azure-monitoring"), deploy_target="azure-appservice")


def test_promtool_accepts_the_generated_config_and_rules(baked_azure, tmp_path):
    config = monitoring_copy(baked_azure, tmp_path / "monitoring")
    run([promtool(), "check", "config", str(config)], tmp_path)
    run([promtool(), "check", "rules", "alerts.yml"], config.parent)


def test_promtool_unit_tests_of_the_alert_rules_pass(baked_azure):
    tests = sorted((baked_azure / "monitoring").glob("*test*.yml"))
    assert tests, "no promtool unit tests in monitoring/"
    result = run([promtool(), "test", "rules", *[path.name for path in tests]], baked_azure / "monitoring")
    assert "SUCCESS" in result.stdout


def test_alert_rules_cover_errors_latency_and_target_down(baked_azure):
    rules = (baked_azure / "monitoring/alerts.yml").read_text()
    assert f'up{{job="{JOB}"}} == 0' in rules
    assert "flask_http_request_total" in rules and 'status=~"5.."' in rules
    assert "histogram_quantile(0.95" in rules and "flask_http_request_duration_seconds_bucket" in rules


def test_without_monitoring_nothing_of_it_is_generated(tmp_path):
    project = bake(tmp_path, deploy_target="azure-appservice", monitoring=False)
    assert not (project / "monitoring").exists()
    for name in (
        "requirements.txt",
        "app.py",
        "gunicorn.conf.py",
        "Makefile",
        "README.md",
        "src/change_service/web.py",
    ):
        text = (project / name).read_text().lower()
        for word in (
            "prometheus",
            "azure-monitor",
            "azure.monitor",
            "/metrics",
            "init_metrics",
            "monitor:",
            "## monitoring",
        ):
            assert word not in text, f"{word} in {name}"


@pytest.mark.slow
def test_three_gunicorn_workers_count_every_request_and_prometheus_scrapes_the_totals(installed_projects, tmp_path):
    project = installed_projects("azure-appservice")
    multiproc = tmp_path / "multiproc"
    env = {**project_env(), "WEB_CONCURRENCY": "3", "METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(multiproc)}

    # Counts of an earlier run must not leak into the next one: gunicorn.conf.py wipes the directory at start.
    with serving(project, env) as base:
        for _ in range(7):
            assert change(base) == 200

    port = free_port()
    with serving(project, env, port=port) as base:
        # Concurrent clients, so that the requests spread over the workers.
        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(lambda _: change(base), range(REQUESTS)))
        assert statuses == [200] * REQUESTS

        # A worker writes its files once it has booted and counted; on a busy machine the third may still be booting.
        served_by = {path.stem.rsplit("_", 1)[1] for path in multiproc.glob("counter_*.db")}
        assert len(served_by) >= 2, "every request went to one worker, so the test would not show the summing"

        # Whichever worker answers the scrape, the totals are those of all workers.
        for _ in range(5):
            status, text = scrape(base)
            assert status == 200
            assert metric(text, "flask_http_request_total", method="POST", status="200") == REQUESTS
            count = metric(text, "flask_http_request_duration_seconds_count", url_rule="/api/change", status="200")
            assert count == REQUESTS

        assert scrape(base, token=None)[0] == 401
        assert scrape(base, token="wrong")[0] == 401

        config = monitoring_copy(project, tmp_path / "prometheus", app_port=port, token=TOKEN)
        with running_prometheus(config, tmp_path / "tsdb") as prometheus:
            up = f'up{{job="{JOB}"}}'
            prometheus.wait_until(lambda: prometheus.query(up) != [])
            assert single_value(prometheus.query(up)) == 1
            total = prometheus.query(f'sum(flask_http_request_total{{job="{JOB}", method="POST", status="200"}})')
            assert single_value(total) == REQUESTS
            by_route = prometheus.query(f'sum by (url_rule) (flask_http_request_duration_seconds_count{{job="{JOB}"}})')
            counts = {row["metric"]["url_rule"]: float(row["value"][1]) for row in by_route}
            assert counts["/api/change"] == REQUESTS
            rules = [rule for group in prometheus.api("rules")["groups"] for rule in group["rules"]]
            assert {rule["name"] for rule in rules} == {"ServiceDown", "HighErrorRatio", "SlowResponses"}


@pytest.mark.slow
def test_make_monitor_scrapes_make_run_and_leaves_nothing_behind(installed_projects, tmp_path):
    project = installed_projects("azure-appservice")
    env = {**project_env(), "METRICS_TOKEN": TOKEN, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "multiproc")}
    app_port, prometheus_port = free_port(), free_port()
    with serving(project, env, port=app_port) as base:
        assert change(base) == 200
        log = tmp_path / "monitor.log"
        with log.open("w") as output:
            monitor = subprocess.Popen(
                ["make", "monitor", f"PORT={app_port}", f"PROMETHEUS_PORT={prometheus_port}"],
                cwd=project,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            prometheus = Prometheus(prometheus_port, monitor, log)
            up = f'up{{job="{JOB}"}}'
            prometheus.wait_until(lambda: prometheus.query(up) != [])
            assert single_value(prometheus.query(up)) == 1
        finally:
            stop_process_group(monitor)
    work = Path(re.search(r"data in (\S+)", log.read_text())[1])
    deadline = time.monotonic() + 10
    while work.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not work.exists(), f"make monitor left {work} behind"
    assert not (project / "monitoring/metrics-token").exists()


def test_make_monitor_without_prometheus_says_what_to_install(baked_azure):
    result = run(["make", "monitor", "PROMETHEUS=no-such-prometheus"], baked_azure, project_env(), check=False)
    assert result.returncode != 0
    assert "no-such-prometheus is not installed: apt-get install prometheus" in result.stderr


TIMING_SCRIPT = """
import json, sys, time
sys.path.insert(0, "src")
from change_service.web import create_app

client = create_app().test_client()
body, headers, count = b'{"amount": "1.15"}', {"Content-Type": "application/json"}, int(sys.argv[1])
for _ in range(200):
    client.post("/api/change", data=body, headers=headers)
rounds = []
for _ in range(5):
    start = time.perf_counter()
    for _ in range(count):
        client.post("/api/change", data=body, headers=headers)
    rounds.append((time.perf_counter() - start) / count)
print(json.dumps(rounds))
"""


@pytest.mark.slow
def test_benchmark_per_request_cost_of_the_metrics(installed_projects, tmp_path, capsys):
    """Prints the time of one POST /api/change through the Flask test client, with and without monitoring."""
    with_metrics = installed_projects("azure-appservice")
    without = bake(tmp_path / "off", deploy_target="azure-appservice", monitoring=False)
    python = str(with_metrics / ".venv/bin/python")
    env = {k: v for k, v in project_env().items() if k not in ("PROMETHEUS_MULTIPROC_DIR", "METRICS_TOKEN")}
    (tmp_path / "multiproc").mkdir()
    variants = {
        "monitoring=false": (without, env),
        "monitoring=true": (with_metrics, env),
        "monitoring=true, multiprocess files": (
            with_metrics,
            {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "multiproc")},
        ),
    }
    requests = 2000
    timings: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(2):  # interleaved, so that a slow spell of the machine hits every variant
        for name, (project, variant_env) in variants.items():
            result = run([python, "-c", TIMING_SCRIPT, str(requests)], project, variant_env)
            timings[name] += json.loads(result.stdout)
    best = {name: min(values) * 1e6 for name, values in timings.items()}
    median = {name: sorted(values)[len(values) // 2] * 1e6 for name, values in timings.items()}
    with capsys.disabled():
        print(f"\nPOST /api/change through the Flask test client, {requests} requests x 10 rounds per variant:")
        for name in variants:
            extra = best[name] - best["monitoring=false"]
            print(
                f"  {name:38} best {best[name]:7.1f} us/request, median {median[name]:7.1f} us"
                f"  (+{extra:5.1f} us over monitoring=false)"
            )
    assert all(values for values in timings.values())
