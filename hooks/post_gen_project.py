"""Remove the files that the answers did not ask for.

The template holds every file of both deploy targets and of every option; this table says which paths each answer
removes. Offline and idempotent: a path that is already gone is skipped.
"""

import json
import shutil
from pathlib import Path

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
PACKAGE = f"src/{ANSWERS['__module_name']}"

# Prometheus metrics, Application Insights and the monitoring/ configs of the Azure target.
AZURE_MONITORING = [f"{PACKAGE}/metrics.py", f"{PACKAGE}/telemetry.py", "monitoring", "tests/test_monitoring.py"]

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
        "tests/test_api_handler.py",
        "tests/test_sam_template.py",
    ],
    ("load_test", False): ["locustfile.py", "locust.conf"],
    ("monitoring", False): AZURE_MONITORING,
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
