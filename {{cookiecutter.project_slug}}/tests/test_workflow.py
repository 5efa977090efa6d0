"""The Step Functions workflow, followed from StartAt with the real step handlers, and its ASL linted."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools import local_workflow

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = ROOT / "statemachine" / "change_workflow.asl.json"


def test_valid_and_invalid_amounts_run_to_a_summary():
    execution = local_workflow.run({"amounts": ["1.15", 0.99, "oops"]})
    assert execution.status == "SUCCEEDED", execution
    assert execution.visited == ["Validate", "Compute", "Summarise"]
    assert execution.output["total_cents"] == 214
    assert execution.output["coins"] == {"quarters": 7, "dimes": 3, "nickels": 1, "pennies": 4}
    assert [item["amount"] for item in execution.output["invalid"]] == ["oops"]


@pytest.mark.parametrize("document", [{}, {"amounts": []}, {"amounts": ["x", "-1"]}, {"amounts": "1.15"}])
def test_input_without_valid_amounts_ends_in_reject_input(document):
    execution = local_workflow.run(document)
    assert execution.status == "FAILED"
    assert execution.visited[-1] == "RejectInput"
    assert execution.output["error"]["Error"] == "InvalidRequestError"


def test_sample_input_runs():
    document = json.loads((ROOT / "statemachine" / "sample-input.json").read_text())
    assert local_workflow.run(document).status == "SUCCEEDED"


def test_definition_passes_statelint():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "local_workflow.py"), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_broken_next_fails_both_the_run_and_the_lint(tmp_path, monkeypatch):
    broken = json.loads(DEFINITION.read_text())
    broken["States"]["Compute"]["Next"] = "Nowhere"
    (tmp_path / "statemachine").mkdir()
    (tmp_path / "statemachine" / DEFINITION.name).write_text(json.dumps(broken))
    (tmp_path / "template.yaml").write_text((ROOT / "template.yaml").read_text())
    (tmp_path / "src").symlink_to(ROOT / "src")
    monkeypatch.setattr(local_workflow, "ROOT", tmp_path)
    with pytest.raises(local_workflow.WorkflowDefinitionError, match="Nowhere"):
        local_workflow.run({"amounts": ["1.15"]})
    assert local_workflow.validate() != 0


def test_an_output_over_256_kib_fails_as_in_step_functions():
    execution = local_workflow.run({"amounts": ["1.00"] + ["x" * 250] * 999})
    assert execution.status == "FAILED"
    assert execution.error == "States.DataLimitExceeded"


def test_every_task_retries_transient_errors_and_catches_the_rest():
    states = json.loads(DEFINITION.read_text())["States"]
    tasks = {name: state for name, state in states.items() if state["Type"] == "Task"}
    assert len(tasks) >= 2
    for name, state in tasks.items():
        assert any("Lambda.TooManyRequestsException" in rule["ErrorEquals"] for rule in state["Retry"]), name
        assert all(rule.get("BackoffRate", 1) > 1 for rule in state["Retry"]), name
        assert any("States.ALL" in catcher["ErrorEquals"] for catcher in state["Catch"]), name
        assert state["Resource"].startswith("${"), f"{name}: ARNs come from DefinitionSubstitutions"
