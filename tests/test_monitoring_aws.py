"""AWS monitoring: alarms, an alarm topic (with an e-mail subscription when asked) and a dashboard, lint-clean."""

from pathlib import Path

import pytest
from conftest import bake, load_yaml, project_env, run

EVERYTHING = {"s3_trigger": True, "schedule_trigger": True, "schedule_minutes": "1", "step_functions": True}


def sam_tool(env: dict, name: str):
    """A tool installed beside the SAM CLI (cfn-lint comes with it)."""
    return Path(env["SAM"]).with_name(name)


def resources_of(project, kind: str) -> dict:
    return {name: r for name, r in load_yaml(project / "template.yaml")["Resources"].items() if r["Type"] == kind}


@pytest.mark.parametrize("alarm_email", ["", "ops@example.com"])
def test_alarms_topic_and_dashboard_with_every_option_on(tmp_path, alarm_email):
    project = bake(tmp_path, deploy_target="aws-sam", alarm_email=alarm_email, **EVERYTHING)
    alarms = resources_of(project, "AWS::CloudWatch::Alarm")
    watched = {(alarm["Properties"]["Namespace"], alarm["Properties"]["MetricName"]) for alarm in alarms.values()}
    assert {("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("AWS/Lambda", "Duration")} <= watched
    assert ("AWS/ApiGateway", "5xx") in watched
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible") in watched
    assert len(resources_of(project, "AWS::SNS::Topic")) == 1
    assert len(resources_of(project, "AWS::CloudWatch::Dashboard")) == 1
    subscriptions = resources_of(project, "AWS::SNS::Subscription")
    assert [s["Properties"]["Endpoint"] for s in subscriptions.values()] == ([alarm_email] if alarm_email else [])
    env = project_env()
    if not env.get("SAM"):
        pytest.fail("the AWS SAM CLI is needed: put `sam` on PATH or set SAM=/path/to/sam (.ci/run does)")
    run([env["SAM"], "validate", "--lint"], project, env)
    run([str(sam_tool(env, "cfn-lint")), "template.yaml"], project, env)


def test_no_monitoring_means_no_alarms(tmp_path):
    project = bake(tmp_path, deploy_target="aws-sam", monitoring=False, **EVERYTHING)
    assert resources_of(project, "AWS::CloudWatch::Alarm") == {}
    assert resources_of(project, "AWS::SNS::Topic") == {}
    assert not (project / "tests" / "test_alarms.py").exists()
