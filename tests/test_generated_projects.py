"""Each target's generated project, used as its README says: install, lint, test, serve over HTTP, build, invoke."""

import json
import shutil
import subprocess
from http.client import HTTPConnection

import pytest
from conftest import bake, free_port, http, project_env, run, serving

pytestmark = pytest.mark.slow
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("target", ["azure-appservice", "aws-sam"])
def test_make_lint_and_test_pass(installed_projects, target):
    project = installed_projects(target)
    run(["make", "lint"], project, project_env())
    result = run(["make", "test"], project, project_env())
    assert " passed" in result.stdout and " failed" not in result.stdout


def post_oversized_body(base: str, size: int) -> tuple[int, str]:
    """POST `size` bytes as a client would, reading the answer even if the server stops reading early."""
    connection = HTTPConnection(base.removeprefix("http://"), timeout=30)
    connection.putrequest("POST", "/api/change")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    chunk = b" " * 65536
    try:
        for _ in range(size // len(chunk)):
            connection.send(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered 413 and closed without reading the rest, as it should
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, response.getheader("Content-Type", "")


@pytest.mark.parametrize("target", ["azure-appservice", "aws-sam"])
def test_make_run_serves_the_api(installed_projects, target):
    project = installed_projects(target)
    with serving(project, project_env()) as base:
        status, _, body = http("POST", base + "/api/change", b'{"amount": "1.15"}', JSON)
        assert status == 200
        assert json.loads(body)["cents"] == 115

        status, headers, body = http("POST", base + "/api/change", b'{"amount": "-3"}', JSON)
        assert status == 422
        assert headers["Content-Type"].startswith("application/json")
        assert "negative" in json.loads(body)["message"]

        status, _, body = http("GET", base + "/nowhere")
        assert status == 404
        assert json.loads(body)["status"] == 404

        status, content_type = post_oversized_body(base, 11 * 1024 * 1024)
        assert status == 413
        assert content_type.startswith("application/json")

        status, _, body = http("GET", base + "/openapi.json")
        assert status == 200
        assert "/api/change" in json.loads(body)["paths"]


def test_azure_app_starts_with_app_service_default_command(installed_projects):
    """Without a startup command App Service runs `gunicorn --bind=0.0.0.0 --timeout 600 app:app` in the app root."""
    project = installed_projects("azure-appservice")
    env = {**project_env(), "PORT": "0"}
    port = free_port()
    command = [str(project / ".venv/bin/gunicorn"), f"--bind=127.0.0.1:{port}", "--timeout", "600", "app:app"]
    with serving(project, env, command=command, port=port) as base:
        assert http("GET", base + "/robots933456.txt")[0] == 404
        assert http("GET", base + "/health")[0] == 200


def test_azure_gunicorn_check_config(installed_projects):
    project = installed_projects("azure-appservice")
    run([".venv/bin/gunicorn", "--check-config", "--config", "gunicorn.conf.py", "app:app"], project, project_env())


def test_aws_make_validate_build_and_invoke(installed_projects):
    project = installed_projects("aws-sam")
    env = project_env()
    if not env.get("SAM"):
        pytest.fail("the AWS SAM CLI is needed: put `sam` on PATH or set SAM=/path/to/sam (.ci/run does)")
    run(["make", "validate"], project, env)
    run(["make", "build"], project, env)
    built = project / ".aws-sam" / "build" / "ApiFunction"
    assert (built / "aws_lambda_powertools").is_dir(), "sam build did not install src/requirements.txt"
    result = run(["make", "invoke"], project, env)
    assert '"statusCode": 200' in result.stdout


def test_aws_built_handler_answers_sam_generated_events(installed_projects, tmp_path):
    """The artifact `sam build` made, run with only its own folder on the path, answers `sam local generate-event`."""
    project = installed_projects("aws-sam")
    env = project_env()
    built = project / ".aws-sam" / "build" / "ApiFunction"
    if not built.is_dir():
        run(["make", "build"], project, env)
    event = run(
        [
            env["SAM"],
            "local",
            "generate-event",
            "apigateway",
            "http-api-proxy",
            "--method",
            "POST",
            "--path",
            "api/change",
            "--body",
            '{"amount": "2.41"}',
        ],
        project,
        env,
    ).stdout
    (tmp_path / "event.json").write_text(event)
    python = shutil.which("python3.12", path=env["PATH"])
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(built)!r})\n"
        "from change_service.api_handler import lambda_handler\n"
        "from types import SimpleNamespace as C\n"
        "context = C(function_name='f', memory_limit_in_mb=256, aws_request_id='r',\n"
        "            invoked_function_arn='arn:aws:lambda:us-east-1:123456789012:function:f')\n"
        "print(json.dumps(lambda_handler(json.load(open('event.json')), context)))\n"
    )
    result = subprocess.run([python, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout.strip().splitlines()[-1])
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["cents"] == 241


def test_aws_build_without_the_runtime_python_says_what_to_do(installed_projects):
    project = installed_projects("aws-sam")
    result = run(["make", "build", "PYTHON_VERSION=3.99"], project, project_env(), check=False)
    assert result.returncode != 0
    assert "sam build needs python3.99 on PATH" in result.stderr


@pytest.mark.parametrize(
    "answers",
    [
        {"deploy_target": "azure-appservice", "python_version": "3.13", "monitoring": False, "load_test": False},
        {"deploy_target": "aws-sam", "python_version": "3.11", "monitoring": False, "load_test": False, "ci": "none"},
    ],
    ids=["azure-3.13-minimal", "aws-3.11-minimal"],
)
def test_other_runtimes_and_minimal_options_pass_their_own_checks(tmp_path, answers):
    """The versions besides the default, with the optional parts off: install, lint (security scans too), test."""
    project = bake(tmp_path, **answers)
    env = project_env(answers["python_version"])
    tasks = ["install", "lint", "test"] + (["validate", "build"] if answers["deploy_target"] == "aws-sam" else [])
    for task in tasks:
        run(["make", task], project, env)
    venv_python = run([str(project / ".venv/bin/python"), "--version"], project, env).stdout
    assert venv_python.startswith(f"Python {answers['python_version']}.")
