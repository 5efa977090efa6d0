"""AWS event-driven options (S3 upload, schedule, Step Functions): every combination builds, lints and tests.

Each project runs `make install lint validate build test invoke` as a user would; the all-on project is then
broken in the three ways a user might break it, and `make test` or `make validate` must notice each one.
"""

import json
import shutil

import pytest
from conftest import bake, load_yaml, project_env, run

pytestmark = pytest.mark.slow

OPTIONS = ("s3_trigger", "schedule_trigger", "step_functions")
COMBINATIONS = {
    "none": {},
    "s3-only": {"s3_trigger": True},
    "schedule-every-minute": {"schedule_trigger": True, "schedule_minutes": "1"},
    "step-functions-only": {"step_functions": True},
    "all": {option: True for option in OPTIONS} | {"schedule_minutes": "1"},
}


@pytest.fixture(scope="module")
def sam_env():
    env = project_env()
    if not env.get("SAM"):
        pytest.fail("the AWS SAM CLI is needed: put `sam` on PATH or set SAM=/path/to/sam (.ci/run does)")
    return env


@pytest.fixture(scope="module")
def all_on(tmp_path_factory, sam_env):
    project = bake(tmp_path_factory.mktemp("all"), deploy_target="aws-sam", **COMBINATIONS["all"])
    run(["make", "install"], project, sam_env)
    return project


def cfn(project) -> dict:
    return load_yaml(project / "template.yaml")


@pytest.mark.parametrize("answers", COMBINATIONS.values(), ids=COMBINATIONS.keys())
def test_make_install_lint_validate_build_test_invoke(tmp_path, sam_env, answers):
    project = bake(tmp_path, deploy_target="aws-sam", **answers)
    for task in ("install", "lint", "validate", "build", "test", "invoke"):
        run(["make", task], project, sam_env)
    built = {path.name for path in (project / ".aws-sam" / "build").iterdir() if path.is_dir()}
    functions = {
        name for name, resource in cfn(project)["Resources"].items() if resource["Type"] == "AWS::Serverless::Function"
    }
    assert functions <= built


def test_all_on_template_has_the_event_sources_and_least_privilege(all_on):
    template = cfn(all_on)
    resources = template["Resources"]
    processor = resources["S3ProcessorFunction"]["Properties"]
    assert processor["Events"]["Upload"]["Type"] == "S3"
    assert processor["DeadLetterQueue"]["Type"] == "SQS"
    assert resources["UploadsDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"
    schedules = [
        event["Properties"]["Schedule"] for event in resources["CanaryFunction"]["Properties"]["Events"].values()
    ]
    assert schedules == ["rate(1 minute)"]
    assert resources["ChangeWorkflow"]["Type"] == "AWS::Serverless::StateMachine"
    text = (all_on / "template.yaml").read_text()
    assert "Action: '*'" not in text and 'Action: "*"' not in text and 'Action: "*"' not in text
    for name, resource in resources.items():
        for policy in resource.get("Properties", {}).get("Policies", []) or []:
            for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert all("*" not in action for action in actions), f"{name}: wildcard action {actions}"


def test_built_template_has_no_wildcard_iam_action(all_on, sam_env):
    run(["make", "build"], all_on, sam_env)
    built = cfn(all_on / ".aws-sam" / "build")
    for name, resource in built["Resources"].items():
        if resource["Type"] == "AWS::IAM::RolePolicy":
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                assert statement["Action"] != "*", name


def break_and_check(project, env, path, change, task):
    """Apply `change` to one file, expect `make <task>` to fail, then put the file back."""
    target = project / path
    original = target.read_text() if target.is_file() else None
    try:
        change(target)
        result = run(["make", task], project, env, check=False)
        assert result.returncode != 0, f"`make {task}` passed although {path} was broken"
        return result.stdout + result.stderr
    finally:
        if original is not None:
            target.write_text(original)


def test_a_next_that_points_nowhere_fails_make_test_and_validate(all_on, sam_env):
    def point_nowhere(path):
        definition = json.loads(path.read_text())
        definition["States"]["Compute"]["Next"] = "Nowhere"
        path.write_text(json.dumps(definition))

    path = "statemachine/change_workflow.asl.json"
    assert "Nowhere" in break_and_check(all_on, sam_env, path, point_nowhere, "test")
    assert "Nowhere" in break_and_check(all_on, sam_env, path, point_nowhere, "validate")


def test_a_handler_naming_a_missing_module_fails_make_test(all_on, sam_env):
    def rename_handler(path):
        path.write_text(path.read_text().replace(".s3_handler.lambda_handler", ".s3_handlr.lambda_handler"))

    output = break_and_check(all_on, sam_env, "template.yaml", rename_handler, "test")
    assert "S3ProcessorFunction" in output


def test_requirements_moved_out_of_code_uri_fails_make_test(all_on, sam_env):
    requirements = all_on / "src" / "requirements.txt"
    moved = all_on / "requirements.txt"
    shutil.move(requirements, moved)
    try:
        result = run(["make", "test"], all_on, sam_env, check=False)
        assert result.returncode != 0
        assert "requirements.txt" in result.stdout + result.stderr
    finally:
        shutil.move(moved, requirements)
