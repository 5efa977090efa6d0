"""Read template.yaml the way the local tools and tests need it: functions, their handlers, state machines.

Short-form intrinsics become their long form (`!GetAtt Fn.Arn` -> {"Fn::GetAtt": "Fn.Arn"}), so references
between resources can be followed without AWS.
"""

import importlib
import sys
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


class CloudFormationLoader(yaml.SafeLoader):
    """YAML loader that understands CloudFormation's short-form tags."""


def _intrinsic(loader: yaml.Loader, tag: str, node: yaml.Node) -> dict:
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {"Ref" if tag == "Ref" else f"Fn::{tag}": value}


CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@cache
def template() -> dict:
    loader = CloudFormationLoader((ROOT / "template.yaml").read_text(encoding="utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def resources(resource_type: str) -> dict[str, dict]:
    """Properties of every resource of this type, with the template's Globals applied to functions."""
    defaults = template().get("Globals", {}).get("Function", {}) if resource_type.endswith("::Function") else {}
    found = {}
    for name, resource in template()["Resources"].items():
        if resource["Type"] == resource_type:
            properties = {**defaults, **resource.get("Properties", {})}
            # SAM merges environment variables with the Globals' instead of replacing them.
            variables = {
                **defaults.get("Environment", {}).get("Variables", {}),
                **resource.get("Properties", {}).get("Environment", {}).get("Variables", {}),
            }
            if variables:
                properties["Environment"] = {"Variables": variables}
            found[name] = properties
    return found


def functions() -> dict[str, dict]:
    return resources("AWS::Serverless::Function")


def api_function_name() -> str:
    """The function that serves the HTTP API."""
    for name, properties in functions().items():
        if any(event["Type"] == "HttpApi" for event in properties.get("Events", {}).values()):
            return name
    raise LookupError("no function in template.yaml has an HttpApi event")


def load_handler(function_name: str):
    """Import a function's handler as Lambda does: its CodeUri folder first on the path."""
    properties = functions()[function_name]
    code_uri = str((ROOT / properties["CodeUri"]).resolve())
    if code_uri not in sys.path:
        sys.path.insert(0, code_uri)
    module, _, attribute = properties["Handler"].rpartition(".")
    return getattr(importlib.import_module(module), attribute)
