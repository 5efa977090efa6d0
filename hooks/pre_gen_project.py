"""Validate the answers before anything is generated.

Each invalid answer is reported on one line naming the answer and what is allowed; the hook then exits non-zero,
and cookiecutter removes the directory it created, so a bad answer never leaves a half-written project.
Answers arrive as JSON data (never pasted into code), so no answer can run code here.
"""

import json
import keyword
import re
import sys

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")

PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
CHOICES = {
    "deploy_target": ("azure-appservice", "aws-sam"),
    "python_version": PYTHON_VERSIONS,
    "azure_sku": ("F1", "B1", "P0V3"),
    "ci": ("github-actions", "none"),
    "license": ("MIT", "Apache-2.0", "BSD-3-Clause", "Proprietary"),
}
BOOLEANS = ("s3_trigger", "schedule_trigger", "step_functions", "monitoring", "load_test")
SINGLE_LINE_TEXT = {"project_name": 100, "description": 300, "author_name": 100}
# Azure app names allow 2-60 letters, digits and hyphens and CloudFormation stack names must start with a letter;
# at most 40 keeps every generated line that holds the module name within the generated project's line length.
SLUG = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*", re.ASCII)
SLUG_MAX = 40
# What cookiecutter.json derives from a name with no letters or digits (an empty slug would name no directory).
NO_SLUG = "-"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+", re.ASCII)
# Right-to-left overrides and isolates can make code read differently from how it runs ("trojan source").
BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
REGION = {
    "azure-appservice": (re.compile(r"[a-z]+[a-z0-9]*", re.ASCII), "an Azure location such as westeurope or eastus2"),
    "aws-sam": (re.compile(r"[a-z]{2}(?:-gov)?-[a-z]+-[0-9]", re.ASCII), "an AWS region such as us-east-1"),
}
# A generated package with one of these names would shadow a module that the project imports: its own top-level
# folders and the top-level modules of every runtime and development dependency of both targets.
SHADOWED = """
    annotated_types anyio app asgiref aws_lambda_powertools aws_xray_sdk azure bandit bidict blinker boto3
    botocore brotli certifi cffi cfnlint charset_normalizer click configargparse conftest cryptography dateutil
    engineio events flask flask_cors flask_login flask_openapi3 gevent geventhttpclient graphql greenlet
    gunicorn h11 harfile hypothesis hypothesis_graphql idna images iniconfig isodate isympy itsdangerous jinja2
    jmespath jsonpatch jsonpatch_cli jsonpointer jsonschema_rs jwt locust locustfile markdown_it markupsafe
    mdurl monitoring moto mpmath msal msal_extensions msgpack msrest networkx oauthlib opentelemetry packaging
    pip pluggy prometheus_client prometheus_flask_exporter psutil py py_partiql_parser pycparser pydantic
    pydantic_core pygments pyrate_limiter pytest pytest_locust regex requests requests_oauthlib responses rich
    ruff s3transfer schemathesis simple_websocket six socketio sortedcontainers src statelint statemachine
    stevedore sympy tests tools typing_extensions typing_inspection urllib3 websocket werkzeug wrapt wsproto
    xmltodict yaml zmq zope
"""
RESERVED_MODULES = set(SHADOWED.split())


def show(value):
    """The answer as the user would recognise it, on one line and not too long."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + '..."'


def problems(answers):
    """Yield one message per invalid answer."""
    for key, limit in SINGLE_LINE_TEXT.items():
        value = answers[key]
        if not value.strip():
            yield f"{key} is empty: give some text."
        elif any(ord(char) < 0x20 or char in "\x7f\u2028\u2029" for char in value):
            yield f"{key} {show(value)} contains a line break or control character: use a single line of text."
        elif any(char in BIDI_CONTROLS for char in value):
            yield f"{key} {show(value)} contains invisible text-direction characters: remove them."
        elif len(value) > limit:
            yield f"{key} is {len(value)} characters long: use at most {limit}."

    slug = answers["project_slug"]
    if slug == NO_SLUG:
        yield (
            f"project_slug cannot be made from project_name {show(answers['project_name'])}: it has no ASCII "
            "letters or digits; give one, e.g. project_slug=change-service."
        )
    elif not SLUG.fullmatch(slug):
        yield (
            f"project_slug {show(slug)} is not kebab-case: use lowercase ASCII letters, digits and single hyphens, "
            "starting with a letter (e.g. change-service)."
        )
    elif not 2 <= len(slug) <= SLUG_MAX:
        yield (
            f"project_slug {show(slug)} is {len(slug)} characters long: it names the directory, the Python "
            f"package, the Azure app and the CloudFormation stack, so use 2 to {SLUG_MAX}."
        )
    else:
        module = answers["__module_name"]
        if not module.isidentifier() or keyword.iskeyword(module):
            yield f"module name {show(module)} (from project_slug) is not a Python identifier: choose another slug."
        elif module in sys.stdlib_module_names or module in RESERVED_MODULES:
            yield (
                f"module name {show(module)} (from project_slug) would shadow the Python module of that name: "
                "choose another slug."
            )

    for key, allowed in CHOICES.items():
        if answers[key] not in allowed:
            yield f"{key} {show(answers[key])} is not supported: choose one of {', '.join(allowed)}."

    for key in BOOLEANS:
        if not isinstance(answers[key], bool):
            yield f"{key} {show(answers[key])} is not a yes/no answer: use true or false."

    for key in ("author_email", "alarm_email"):
        value = answers[key]
        if (value or key == "author_email") and not (value.isascii() and EMAIL.fullmatch(value)):
            yield f"{key} {show(value)} is not an e-mail address: use name@example.com" + (
                " or leave it empty." if key == "alarm_email" else "."
            )

    minutes = str(answers["schedule_minutes"])
    if not (minutes.isascii() and minutes.isdigit() and 1 <= int(minutes) <= 1440):
        yield f"schedule_minutes {show(minutes)} is not a whole number of minutes from 1 to 1440."

    target = answers["deploy_target"]
    if target in REGION:
        pattern, example = REGION[target]
        if not pattern.fullmatch(answers["region"]):
            yield f"region {show(answers['region'])} is not valid for {target}: use {example}."


def main():
    found = list(problems(ANSWERS))
    for message in found:
        print(f"ERROR: {message}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
