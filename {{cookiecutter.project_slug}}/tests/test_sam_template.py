"""template.yaml must match the code: each Handler importable from its CodeUri alone, each CodeUri deployable."""

import subprocess
import sys
from pathlib import Path

import pytest

from tools import sam_template

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = sam_template.functions()


def test_there_is_an_api_function():
    assert sam_template.api_function_name() in FUNCTIONS


@pytest.mark.parametrize("name", FUNCTIONS)
def test_code_uri_holds_its_requirements(name):
    code_uri = ROOT / FUNCTIONS[name]["CodeUri"]
    assert code_uri.is_dir(), f"{name}: CodeUri {code_uri} does not exist"
    assert (code_uri / "requirements.txt").is_file(), f"{name}: sam build installs {code_uri}/requirements.txt"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_handler_imports_from_code_uri_root(name, tmp_path):
    """Import the handler the way Lambda does: only the CodeUri folder on the path, from another directory."""
    module, _, function = FUNCTIONS[name]["Handler"].rpartition(".")
    code_uri = ROOT / FUNCTIONS[name]["CodeUri"]
    check = (
        "import importlib, sys\n"
        f"sys.path[0] = {str(code_uri)!r}\n"
        f"handler = getattr(importlib.import_module({module!r}), {function!r})\n"
        "assert callable(handler)\n"
    )
    env = {"AWS_DEFAULT_REGION": "us-east-1", "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"{name}: Handler {FUNCTIONS[name]['Handler']} from {code_uri}:\n{result.stderr}"


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_function_has_a_sample_event(name):
    assert list((ROOT / "events").glob(f"{name}-*.json")), f"add events/{name}-<case>.json for `make invoke`"


def test_every_sample_event_names_a_function():
    for event in (ROOT / "events").glob("*.json"):
        assert event.stem.split("-", 1)[0] in FUNCTIONS, f"{event.name}: no function of that name in template.yaml"
