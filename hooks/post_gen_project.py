"""Remove the files that the answers did not ask for.

The template holds every file of both deploy targets and of every option; this table says which paths each answer
removes. Offline and idempotent: a path that is already gone is skipped.
"""

import json
import shutil
from pathlib import Path

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
PACKAGE = f"src/{ANSWERS['__module_name']}"

# Files of the AWS options; the Azure target has none of them.
S3_TRIGGER = [
    f"{PACKAGE}/s3_handler.py",
    "events/S3ProcessorFunction-upload.json",
    "events/sample-upload.csv",
    "tests/test_s3_handler.py",
]
SCHEDULE_TRIGGER = [f"{PACKAGE}/canary_handler.py", "events/CanaryFunction-scheduled.json", "tests/test_canary.py"]
STEP_FUNCTIONS = [
    f"{PACKAGE}/workflow_steps.py",
    "statemachine",
    "tools/local_workflow.py",
    "events/ValidateFunction-amounts.json",
    "events/ComputeFunction-valid.json",
    "events/SummariseFunction-results.json",
    "tests/test_workflow.py",
]

# Prometheus metrics, Application Insights and the monitoring/ configs of the Azure target.
AZURE_MONITORING = [f"{PACKAGE}/metrics.py", f"{PACKAGE}/telemetry.py", "monitoring", "tests/test_monitoring.py"]
# The check that the CloudWatch alarms and dashboard name metrics the code emits (they are in template.yaml).
AWS_MONITORING = ["tests/test_alarms.py"]

# (answer, value) -> paths that exist only when the answer is something else.
PRUNE = {
    ("deploy_target", "aws-sam"): [
        "app.py",
        "gunicorn.conf.py",
        "requirements.txt",
        f"{PACKAGE}/web.py",
        f"{PACKAGE}/api.py",
        "tests/test_web.py",
        *AZURE_MONITORING,
    ],
    ("deploy_target", "azure-appservice"): [
        "template.yaml",
        "samconfig.toml",
        "events",
        "tools",
        "src/requirements.txt",
        f"{PACKAGE}/api_handler.py",
        f"{PACKAGE}/observability.py",
        "tests/test_api_handler.py",
        "tests/test_sam_template.py",
        *S3_TRIGGER,
        *SCHEDULE_TRIGGER,
        *STEP_FUNCTIONS,
        *AWS_MONITORING,
    ],
    ("s3_trigger", False): S3_TRIGGER,
    ("schedule_trigger", False): SCHEDULE_TRIGGER,
    ("step_functions", False): STEP_FUNCTIONS,
    ("load_test", False): ["locustfile.py", "locust.conf"],
    ("monitoring", False): [*AZURE_MONITORING, *AWS_MONITORING],
    ("ci", "none"): [".github"],
    ("license", "Proprietary"): ["LICENSE"],
}


def prune(root: Path, answers: dict) -> None:
    for (key, value), paths in PRUNE.items():
        if answers[key] != value:
            continue
        for relative in paths:
            path = root / relative
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()


if __name__ == "__main__":
    prune(Path.cwd(), ANSWERS)
