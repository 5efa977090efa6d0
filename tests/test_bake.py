"""Baking: every supported combination of answers gives a complete, clean project with exactly the expected files."""

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import TARGETS, TEMPLATE, assert_project_files_valid, bake, load_yaml, project_env, run

SHARED = {
    ".checkov.yaml",
    ".cookiecutter.json",
    ".gitignore",
    ".github/workflows/ci.yml",
    "LICENSE",
    "Makefile",
    "README.md",
    "pyproject.toml",
    "requirements-dev.txt",
    "locust.conf",
    "locustfile.py",
    "src/{module}/__init__.py",
    "src/{module}/change.py",
    "src/{module}/schemas.py",
    "src/{module}/web_policy.py",
    "tests/conftest.py",
    "tests/test_api.py",
    "tests/test_change.py",
    "tests/test_fuzz.py",
}
AZURE_MONITORING = {
    "monitoring/prometheus.yml",
    "monitoring/alerts.yml",
    "monitoring/alerts_test.yml",
    "monitoring/grafana-dashboard.json",
    "src/{module}/metrics.py",
    "src/{module}/telemetry.py",
    "tests/test_monitoring.py",
}
AWS_MONITORING = {"tests/test_alarms.py"}
BY_TARGET = {
    "azure-appservice": {
        "app.py",
        "gunicorn.conf.py",
        "requirements.txt",
        "src/{module}/api.py",
        "src/{module}/web.py",
        "tests/test_web.py",
        *AZURE_MONITORING,
    },
    "aws-sam": {
        "template.yaml",
        "samconfig.toml",
        "events/ApiFunction-change.json",
        "events/ApiFunction-health.json",
        "src/requirements.txt",
        "src/{module}/api_handler.py",
        "src/{module}/observability.py",
        "tools/local_lambda.py",
        "tools/sam_template.py",
        "tests/test_api_handler.py",
        "tests/test_sam_template.py",
        *AWS_MONITORING,
    },
}
# Files each AWS option adds.
AWS_OPTIONS = {
    "s3_trigger": {
        "src/{module}/s3_handler.py",
        "events/S3ProcessorFunction-upload.json",
        "events/sample-upload.csv",
        "tests/test_s3_handler.py",
    },
    "schedule_trigger": {
        "src/{module}/canary_handler.py",
        "events/CanaryFunction-scheduled.json",
        "tests/test_canary.py",
    },
    "step_functions": {
        "src/{module}/workflow_steps.py",
        "statemachine/change_workflow.asl.json",
        "statemachine/sample-input.json",
        "tools/local_workflow.py",
        "events/ValidateFunction-amounts.json",
        "events/ComputeFunction-valid.json",
        "events/SummariseFunction-results.json",
        "tests/test_workflow.py",
    },
}
# Combinations people pick, each with a readable id: (answers, files that must be absent).
LONGEST = {"project_slug": "s" * 40, "description": "d" * 300, "author_name": "a" * 100}
COMBINATIONS = {
    "azure-defaults": {"deploy_target": "azure-appservice"},
    "azure-longest-answers": {"deploy_target": "azure-appservice", **LONGEST},
    "aws-longest-answers": {"deploy_target": "aws-sam", "s3_trigger": True, "step_functions": True, **LONGEST},
    "aws-defaults": {"deploy_target": "aws-sam"},
    "azure-minimal": {
        "deploy_target": "azure-appservice",
        "load_test": False,
        "monitoring": False,
        "ci": "none",
        "license": "Proprietary",
        "python_version": "3.13",
        "azure_sku": "P0V3",
    },
    "aws-minimal": {
        "deploy_target": "aws-sam",
        "load_test": False,
        "monitoring": False,
        "ci": "none",
        "license": "Apache-2.0",
        "python_version": "3.11",
    },
    "aws-all-triggers": {
        "deploy_target": "aws-sam",
        "s3_trigger": True,
        "schedule_trigger": True,
        "schedule_minutes": "1",
        "step_functions": True,
        "alarm_email": "ops@example.com",
        "license": "BSD-3-Clause",
    },
    "azure-b1-3.11": {"deploy_target": "azure-appservice", "azure_sku": "B1", "python_version": "3.11"},
}
# Jinja that should have been rendered: a variable, a statement tag or a comment.
TEMPLATE_SYNTAX = re.compile(
    r"\{\{-? *cookiecutter|cookiecutter\.[a-z_]+|\{%-? *(if|elif|else|endif|for|endfor|set|raw|endraw)\b|\{#"
)


def expected_files(answers: dict) -> set[str]:
    module = answers.get("project_slug", "change-service").replace("-", "_")
    files = SHARED | BY_TARGET[answers["deploy_target"]]
    for option, option_files in AWS_OPTIONS.items():
        if answers["deploy_target"] == "aws-sam" and answers.get(option):
            files |= option_files
    if not answers.get("load_test", True):
        files -= {"locust.conf", "locustfile.py"}
    if not answers.get("monitoring", True):
        files -= AZURE_MONITORING | AWS_MONITORING
    if answers.get("ci") == "none":
        files -= {".github/workflows/ci.yml"}
    if answers.get("license") == "Proprietary":
        files -= {"LICENSE"}
    return {name.format(module=module) for name in files}


def project_files(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


@pytest.fixture(params=list(COMBINATIONS.items()), ids=list(COMBINATIONS), scope="module")
def baked(request, tmp_path_factory):
    name, answers = request.param
    return answers, bake(tmp_path_factory.mktemp(name), **answers)


def test_exact_file_set(baked):
    answers, project = baked
    assert project_files(project) == expected_files(answers)


def test_no_template_syntax_left(baked):
    _, project = baked
    for path in project.rglob("*"):
        if path.is_file() and path.name != "ci.yml":
            text = path.read_text(encoding="utf-8")
            assert not TEMPLATE_SYNTAX.search(text), f"{path.name}: {TEMPLATE_SYNTAX.search(text).group()}"


def test_no_empty_directories(baked):
    _, project = baked
    for path in project.rglob("*"):
        assert not path.is_dir() or any(path.iterdir()), f"empty directory {path.relative_to(project)}"


def test_files_parse_with_lf_line_ends_and_portable_names(baked):
    _, project = baked
    assert_project_files_valid(project)


def test_ruff_check_and_format_clean(baked):
    _, project = baked
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


def test_answers_are_recorded_for_replay(baked):
    answers, project = baked
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    for key, value in answers.items():
        assert recorded[key] == value
    assert not {"_output_dir", "_repo_dir"} & recorded.keys()


def test_github_expressions_survive(baked):
    answers, project = baked
    workflow = project / ".github/workflows/ci.yml"
    if answers.get("ci") == "none":
        assert not workflow.exists()
        return
    text = workflow.read_text()
    assert "${{ always() }}" in text
    assert "${{ github.run_id }}" in text
    steps = [step.get("run", "") for step in yaml.safe_load(text)["jobs"]["test"]["steps"]]
    assert "make lint" in steps and "make test" in steps
    assert ("make build SAM=sam" in steps) == (answers["deploy_target"] == "aws-sam")


def test_python_version_reaches_runtime_and_makefile(baked):
    answers, project = baked
    version = answers.get("python_version", "3.12")
    assert f"PYTHON_VERSION := {version}" in (project / "Makefile").read_text()
    if answers["deploy_target"] == "aws-sam":
        assert f"Runtime: python{version}" in (project / "template.yaml").read_text()
    else:
        assert "--runtime PYTHON:$(PYTHON_VERSION)" in (project / "Makefile").read_text()


@pytest.mark.parametrize("target", TARGETS)
def test_post_gen_prune_is_idempotent(target, tmp_path):
    """Running the prune table again on a finished project removes nothing more and raises nothing."""
    project = bake(tmp_path, deploy_target=target)
    before = project_files(project)
    hook = (TEMPLATE / "hooks/post_gen_project.py").read_text()
    answers = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    source = hook.replace('r"""{{ cookiecutter | tojson }}"""', repr(json.dumps(answers)))
    run([sys.executable, "-c", source], project)
    assert project_files(project) == before


FREE_TEXT = {
    "project_name": 'Café O\'Brien "Coins" ${AWS::Region} $(id) \\',
    "description": "Ça rend la monnaie: 'quarters' & \"dimes\" <fast> 100% ${AWS::Region}",
    "author_name": "Zoë D'Arcy-Łukasz",
}


@pytest.mark.parametrize("target", TARGETS)
def test_free_text_answers_round_trip_intact(target, tmp_path):
    """Quotes, backslashes, unicode and template syntax in free text reach every file intact and valid."""
    project = bake(tmp_path, deploy_target=target, project_slug="cafe-coins", **FREE_TEXT)
    package = ast.parse((project / "src/cafe_coins/__init__.py").read_text())
    values = {node.targets[0].id: ast.literal_eval(node.value) for node in package.body if isinstance(node, ast.Assign)}
    assert values["SERVICE_NAME"] == FREE_TEXT["project_name"]
    assert values["DESCRIPTION"] == FREE_TEXT["description"]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert pyproject["description"] == FREE_TEXT["description"]
    assert pyproject["authors"][0]["name"] == FREE_TEXT["author_name"]
    assert FREE_TEXT["project_name"] in (project / "README.md").read_text()
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)
    if target == "aws-sam":
        template = load_yaml(project / "template.yaml")
        assert template["Description"].startswith("cafe-coins")
        env = project_env()
        if not env.get("SAM"):
            pytest.fail("the AWS SAM CLI is needed: put `sam` on PATH or set SAM=/path/to/sam (.ci/run does)")
        run([env["SAM"], "validate", "--lint"], project, env)


def test_aws_install_leaves_the_sam_cli_to_the_tasks_that_need_it(tmp_path):
    """`make install lint test` must not spend minutes installing the SAM CLI; `make validate` and `build` do."""
    project = bake(tmp_path, deploy_target="aws-sam")
    env = {**project_env(), "SAM": str(project / ".sam-cli" / "bin" / "sam")}  # as when no sam is on PATH
    install = run(["make", "-n", "install", "lint", "test"], project, env).stdout
    assert "aws-sam-cli" not in install
    build = run(["make", "-n", "build"], project, env).stdout
    assert "aws-sam-cli" in build
