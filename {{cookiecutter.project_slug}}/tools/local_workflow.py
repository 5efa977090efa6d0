"""Run and check the Step Functions workflow on this machine.

    python tools/local_workflow.py run [INPUT.json]   # follow the state machine from StartAt with the real handlers
    python tools/local_workflow.py validate           # the definition, with its substitutions, through statelint

`run` interprets the states this project uses (Task, Pass, Succeed, Fail) with InputPath/ResultPath/OutputPath,
Retry and Catch. A Task's Resource is a `${...}` placeholder that template.yaml's DefinitionSubstitutions maps to a
function; that function's handler runs with the state's input. A `Next` that names no state, a state type it does
not know, or a step that raises without a matching Catch stops the run with an error.
"""

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sam_template  # a sibling module, importable however this script is started
from local_lambda import lambda_context

ROOT = sam_template.ROOT
MAX_TRANSITIONS = 100  # a definition that loops forever stops here instead
MAX_PAYLOAD_BYTES = 256 * 1024  # Step Functions fails an execution whose state input or output is larger


class WorkflowDefinitionError(Exception):
    """The definition cannot be followed (missing state, unknown type, endless loop)."""


@dataclass
class Execution:
    status: str  # SUCCEEDED or FAILED
    output: object = None
    error: str | None = None
    cause: str | None = None
    visited: list[str] = field(default_factory=list)


def state_machine() -> tuple[str, dict, dict[str, str]]:
    """(name, definition, placeholder -> function name) of the template's only state machine."""
    machines = sam_template.resources("AWS::Serverless::StateMachine")
    if len(machines) != 1:
        raise WorkflowDefinitionError(f"expected one AWS::Serverless::StateMachine, found {len(machines)}")
    name, properties = next(iter(machines.items()))
    definition = json.loads((ROOT / properties["DefinitionUri"]).read_text(encoding="utf-8"))
    functions = {}
    for placeholder, value in properties.get("DefinitionSubstitutions", {}).items():
        if isinstance(value, dict) and "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            functions[placeholder] = (target if isinstance(target, str) else ".".join(target)).split(".")[0]
    return name, definition, functions


def get_path(document: object, path: str | None) -> object:
    """A reference path such as "$", "$.error" or "$.a.b" (the subset this project uses)."""
    if path is None:
        return {}
    if path == "$":
        return document
    value = document
    for part in path.removeprefix("$.").split("."):
        if not isinstance(value, dict) or part not in value:
            raise WorkflowDefinitionError(f"path {path} not found in {json.dumps(document)[:200]}")
        value = value[part]
    return value


def set_path(document: object, path: str | None, result: object) -> object:
    """Apply a ResultPath: "$" replaces the input, "$.x" adds the result under x, null keeps the input."""
    if path is None:
        return document
    if path == "$":
        return result
    merged = json.loads(json.dumps(document)) if isinstance(document, dict) else {}
    target = merged
    parts = path.removeprefix("$.").split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = result
    return merged


def matches(rules: list[str], error: str) -> bool:
    return error in rules or "States.ALL" in rules or ("States.TaskFailed" in rules and not error.startswith("States."))


def run_task(state: dict, data: object, functions: dict[str, str]) -> object:
    """Invoke the Task's function, retrying as its Retry rules allow (without the waits)."""
    resource = state["Resource"]
    placeholder = resource.removeprefix("${").removesuffix("}")
    if placeholder not in functions:
        raise WorkflowDefinitionError(f"Resource {resource} is not a function in DefinitionSubstitutions")
    handler = sam_template.load_handler(functions[placeholder])
    attempts: dict[int, int] = {}
    while True:
        try:
            return json.loads(json.dumps(handler(data, lambda_context(functions[placeholder]))))
        except Exception as error:
            name = type(error).__name__
            for index, rule in enumerate(state.get("Retry", [])):
                if matches(rule["ErrorEquals"], name) and attempts.get(index, 0) < rule.get("MaxAttempts", 3):
                    attempts[index] = attempts.get(index, 0) + 1
                    break
            else:
                raise


def run(input_document: object) -> Execution:
    """Follow the definition from StartAt with the real step handlers."""
    _, definition, functions = state_machine()
    states = definition["States"]
    execution = Execution(status="RUNNING")
    name, data = definition["StartAt"], input_document
    for _ in range(MAX_TRANSITIONS):
        if name not in states:
            raise WorkflowDefinitionError(f"no state named {name!r} (from StartAt or a Next)")
        state = states[name]
        execution.visited.append(name)
        kind = state["Type"]
        if kind == "Fail":
            execution.status, execution.error, execution.cause = "FAILED", state.get("Error"), state.get("Cause")
            execution.output = data
            return execution
        if kind == "Succeed":
            execution.status, execution.output = "SUCCEEDED", data
            return execution
        effective = get_path(data, state.get("InputPath", "$"))
        if kind == "Pass":
            result = state.get("Result", effective)
        elif kind == "Task":
            try:
                result = run_task(state, effective, functions)
            except WorkflowDefinitionError:
                raise
            except Exception as error:
                error_name = type(error).__name__
                handler = next((c for c in state.get("Catch", []) if matches(c["ErrorEquals"], error_name)), None)
                if handler is None:
                    execution.status, execution.error, execution.cause = "FAILED", error_name, str(error)
                    return execution
                data = set_path(data, handler.get("ResultPath", "$"), {"Error": error_name, "Cause": str(error)})
                name = handler["Next"]
                continue
        else:
            raise WorkflowDefinitionError(f"state {name!r}: type {kind} is not supported by this local runner")
        data = get_path(set_path(data, state.get("ResultPath", "$"), result), state.get("OutputPath", "$"))
        size = len(json.dumps(data).encode())
        if size > MAX_PAYLOAD_BYTES:  # not caught by States.ALL, as in Step Functions
            execution.status, execution.error = "FAILED", "States.DataLimitExceeded"
            execution.cause = f"the output of state {name!r} is {size} bytes; the limit is {MAX_PAYLOAD_BYTES}"
            return execution
        if state.get("End"):
            execution.status, execution.output = "SUCCEEDED", data
            return execution
        name = state["Next"]
    raise WorkflowDefinitionError(f"more than {MAX_TRANSITIONS} transitions: does the definition loop?")


def validate() -> int:
    """statelint on the definition, with each placeholder replaced by an ARN of the right shape."""
    from statelint.linter import Linter  # a development tool, needed by this command only

    name, definition, functions = state_machine()
    text = json.dumps(definition)
    for placeholder, function in functions.items():
        text = text.replace("${" + placeholder + "}", f"arn:aws:lambda:us-east-1:123456789012:function:{function}")
    problems = Linter.validate(json.loads(text))
    print(f"{name}: " + (f"{len(problems)} problem(s)\n  " + "\n  ".join(problems) if problems else "valid"))
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the workflow locally")
    run_parser.add_argument("input", nargs="?", type=Path, default=ROOT / "statemachine" / "sample-input.json")
    commands.add_parser("validate", help="check the definition with statelint")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate()
    try:
        document = json.loads(args.input.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        sys.exit(f"cannot read the workflow input {args.input}: {error}")
    execution = run(document)
    print(
        json.dumps(
            {
                "status": execution.status,
                "states": execution.visited,
                "error": execution.error,
                "cause": execution.cause,
                "output": execution.output,
            },
            indent=2,
        )
    )
    return 0 if execution.status == "SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main())
