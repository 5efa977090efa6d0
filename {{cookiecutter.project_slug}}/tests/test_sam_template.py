"""template.yaml must match the code: each Handler importable from its CodeUri alone, each CodeUri deployable."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


class CloudFormationLoader(yaml.SafeLoader):
    """Reads template.yaml, keeping short-form intrinsics such as !Ref and !Sub as plain values."""


CloudFormationLoader.add_multi_constructor("!", lambda loader, tag, node: None)


def functions() -> dict[str, dict]:
    template = yaml.load((ROOT / "template.yaml").read_text(), Loader=CloudFormationLoader)  # noqa: S506
    defaults = template.get("Globals", {}).get("Function", {})
    return {
        name: {**defaults, **resource["Properties"]}
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


FUNCTIONS = functions()


def test_there_is_an_api_function():
    assert "ApiFunction" in FUNCTIONS


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
    result = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{name}: Handler {FUNCTIONS[name]['Handler']} from {code_uri}:\n{result.stderr}"


def test_every_sample_event_has_a_handler():
    handlers = {spec["Handler"].rsplit(".", 2)[-2] for spec in FUNCTIONS.values()}
    for event in (ROOT / "events").glob("*.json"):
        assert f"{event.stem.split('-', 1)[0]}_handler" in handlers, f"{event.name} matches no function's Handler"
