"""The generated Locust load test: real headless runs through `make load`, and its SLO gate, on both targets.

Every run sends traffic to 127.0.0.1 only.
"""

import csv
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import TARGETS, bake, free_port, project_env, run, serving

# Small enough to take seconds, large enough to pass the default minimum request count (100).
SHORT_RUN = ["USERS=10", "SPAWN_RATE=10", "DURATION=6s"]
SLO_VARIABLES = ("SLO_MAX_FAILURE_RATIO", "SLO_P95_MS", "SLO_MIN_REQUESTS")


def load_env(**slo: str) -> dict[str, str]:
    """The project environment with only the SLO overrides given here (none inherited from the caller)."""
    env = {key: value for key, value in project_env().items() if key not in SLO_VARIABLES}
    env.update(slo)
    return env


def make_load(project: Path, host: str, *options: str, env: dict | None = None):
    """Run `make load` from a clean reports/ directory; the result, whatever its exit code."""
    shutil.rmtree(project / "reports", ignore_errors=True)
    return run(["make", "load", f"HOST={host}", *options], project, env or load_env(), timeout=180, check=False)


def locust_exit_code(result) -> int | None:
    """Locust's own exit code, which make reports as `Error N` (make itself then exits 2)."""
    found = re.search(r"\[Makefile:\d+: load\] Error (\d+)", result.stderr)
    return int(found.group(1)) if found else (0 if result.returncode == 0 else None)


def aggregated_stats(project: Path) -> dict[str, str]:
    with (project / "reports" / "load_stats.csv").open(newline="") as stats:
        return next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")


@pytest.fixture(scope="module", params=TARGETS)
def served(request, installed_projects):
    """(project, base URL) of each target's installed project, served by `make run` for the module."""
    project = installed_projects(request.param)
    with serving(project, project_env()) as base:
        yield project, base


@pytest.fixture
def wrong_service(tmp_path):
    """A server on 127.0.0.1 that answers /health but is not the change service (POST gives 501)."""
    (tmp_path / "health").write_text("ok")
    port = free_port()
    command = ["python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(tmp_path), str(port)]
    with serving(tmp_path, project_env(), command=command, port=port) as base:
        yield base


@pytest.mark.slow
def test_make_load_passes_against_the_local_server_and_writes_reports(served):
    """A short headless run against `make run` exits 0, makes requests, fails none, writes the CSV and HTML reports."""
    project, base = served
    result = make_load(project, base, *SHORT_RUN)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "SLO met" in result.stderr
    total = aggregated_stats(project)
    assert int(total["Request Count"]) >= 100
    assert int(total["Failure Count"]) == 0
    report = (project / "reports" / "load.html").read_text()
    assert "locust" in report.lower()
    assert base in report


@pytest.mark.slow
def test_expected_4xx_count_as_successes(served):
    """Invalid requests are sent, each answered with its expected 4xx, and none is reported as a failure."""
    project, base = served
    make_load(project, base, *SHORT_RUN)
    with (project / "reports" / "load_stats.csv").open(newline="") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    invalid = [row for name, row in rows.items() if name.startswith("POST /api/change (")]
    assert invalid, sorted(rows)
    assert sum(int(row["Request Count"]) for row in invalid) > 0
    assert all(int(row["Failure Count"]) == 0 for row in invalid)
    assert int(rows["GET /health"]["Request Count"]) > 0


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_dead_host_fails_fast(installed_projects, target):
    """Nothing listening at HOST: one clear message and a non-zero exit within seconds, not after the run time."""
    project = installed_projects(target)
    started = time.monotonic()
    result = make_load(project, "http://127.0.0.1:9", "DURATION=60s")
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert "Load test not started: nothing answers at http://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_host_without_scheme_is_rejected(served):
    """HOST=127.0.0.1:PORT (a server listens there) is refused before the run because it lacks http://."""
    project, base = served
    host = base.removeprefix("http://")
    started = time.monotonic()
    result = make_load(project, host, "DURATION=60s")
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert f"Load test not started: host '{host}' must start with http:// or https://" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_host_that_is_not_the_service_base_url_is_rejected(served):
    """HOST with a path where /health is not found: refused before the run, saying what /health answered."""
    project, base = served
    result = make_load(project, f"{base}/nope", "DURATION=60s")
    assert result.returncode != 0
    assert f"Load test not started: {base}/nope/health answered 404, not 200" in result.stderr


@pytest.mark.slow
def test_impossible_slo_fails_and_says_which_objective_and_by_how_much(served):
    """p95 under 0 ms and a million requests cannot be met: exit code 3, one line per objective with the margin."""
    project, base = served
    result = make_load(project, base, *SHORT_RUN, env=load_env(SLO_P95_MS="0", SLO_MIN_REQUESTS="1000000"))
    assert locust_exit_code(result) == 3, result.stderr[-3000:]
    p95 = re.search(r"SLO breached: p95 latency (\d+) ms > 0 ms \(SLO_P95_MS\): (\d+) ms over", result.stderr)
    assert p95 and p95.group(1) == p95.group(2) and int(p95.group(1)) > 0
    count = re.search(r"SLO breached: request count (\d+) < 1000000 \(SLO_MIN_REQUESTS\): (\d+) too few", result.stderr)
    assert count and int(count.group(1)) + int(count.group(2)) == 1_000_000
    assert "failure ratio" not in result.stderr  # the objective that was met is not reported as breached


@pytest.mark.slow
def test_zero_requests_fail_even_with_no_minimum(served):
    """A run that made no requests fails, even when SLO_MIN_REQUESTS is 0."""
    project, base = served
    result = make_load(project, base, "USERS=0", "DURATION=2s", env=load_env(SLO_MIN_REQUESTS="0"))
    assert locust_exit_code(result) == 3, result.stderr[-3000:]
    assert "SLO breached: request count 0 < 1 (SLO_MIN_REQUESTS)" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_failure_ratio_breach_is_reported(installed_projects, target, wrong_service):
    """Against a server that is not the change service, the failure-ratio objective fails the run with exit code 3."""
    result = make_load(installed_projects(target), wrong_service, *SHORT_RUN)
    assert locust_exit_code(result) == 3, result.stderr[-3000:]
    assert re.search(r"SLO breached: failure ratio \d+\.\d\d% > 1\.00% \(SLO_MAX_FAILURE_RATIO\)", result.stderr)


@pytest.mark.slow
def test_gate_never_masks_locusts_own_error_exit(installed_projects, wrong_service):
    """With objectives loose enough to pass, failed requests still end the run with Locust's own exit code 1."""
    loose = load_env(SLO_MAX_FAILURE_RATIO="1", SLO_P95_MS="100000", SLO_MIN_REQUESTS="1")
    result = make_load(installed_projects(TARGETS[0]), wrong_service, *SHORT_RUN, env=loose)
    assert "SLO met" in result.stderr
    assert locust_exit_code(result) == 1, result.stderr[-3000:]


@pytest.mark.slow
def test_several_processes_gate_once_on_the_aggregated_stats(served):
    """PROCESSES=2: the gate runs once, in the parent that holds every worker's stats, and passes or fails the run."""
    project, base = served
    passing = make_load(project, base, *SHORT_RUN, "PROCESSES=2")
    assert passing.returncode == 0, passing.stderr[-3000:]
    assert passing.stderr.count("SLO met") == 1
    assert "SLO breached" not in passing.stderr
    assert int(aggregated_stats(project)["Request Count"]) >= 100

    failing = make_load(project, base, *SHORT_RUN, "PROCESSES=2", env=load_env(SLO_P95_MS="0"))
    assert locust_exit_code(failing) == 3, failing.stderr[-3000:]
    assert failing.stderr.count("SLO breached: p95 latency") == 1


@pytest.mark.parametrize("target", TARGETS)
def test_make_help_lists_the_load_targets(target, tmp_path):
    """With the load test on, `make help` lists load and load-ui, and both are phony."""
    project = bake(tmp_path, deploy_target=target)
    listed = subprocess.run(["make", "help"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert re.search(r"make load +\S", listed) and re.search(r"make load-ui +\S", listed)
    phony = next(line for line in (project / "Makefile").read_text().splitlines() if line.startswith(".PHONY:"))
    assert {"load", "load-ui"} <= set(phony.split())


@pytest.mark.parametrize("target", TARGETS)
def test_no_load_test_when_disabled(target, tmp_path):
    """load_test=false: no Locust files, no locust dependency, no load targets in the Makefile."""
    project = bake(tmp_path, deploy_target=target, load_test=False)
    assert not (project / "locustfile.py").exists()
    assert not (project / "locust.conf").exists()
    assert "locust" not in (project / "requirements-dev.txt").read_text()
    makefile = (project / "Makefile").read_text()
    assert "locust" not in makefile.lower()
    assert not re.search(r"^load(-ui)?:", makefile, re.MULTILINE)
    listed = subprocess.run(["make", "help"], cwd=project, capture_output=True, text=True, check=True).stdout
    assert "make load" not in listed
