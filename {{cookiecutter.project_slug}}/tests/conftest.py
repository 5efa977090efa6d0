"""The `api` fixture: one way to call the service's HTTP API, so the same tests hold on every deploy target."""

import json
{%- if cookiecutter.deploy_target == "aws-sam" %}
import os
{%- endif %}
import threading
from dataclasses import dataclass
from socketserver import BaseServer

import pytest
{%- if cookiecutter.deploy_target == "aws-sam" %}

from tools import local_lambda, sam_template
{%- endif %}


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes

    def json(self):
        return json.loads(self.body)

{% if cookiecutter.deploy_target == "azure-appservice" %}
class Api:
    """Calls the Flask app through its test client."""

    def __init__(self):
        from {{ cookiecutter.__module_name }}.web import create_app

        self.client = create_app({"TESTING": True}).test_client()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> ApiResponse:
        response = self.client.open(path, method=method, data=body, headers=headers or {})
        headers = {name.lower(): value for name, value in response.headers.items()}
        return ApiResponse(response.status_code, headers, response.get_data())


def http_server() -> BaseServer:
    """The Flask app on a free port of 127.0.0.1, served by werkzeug."""
    from werkzeug.serving import make_server

    from {{ cookiecutter.__module_name }}.web import create_app

    return make_server("127.0.0.1", 0, create_app(), threaded=True)
{% else %}
# Tests run with the environment template.yaml gives the functions (service name, metrics namespace, log level),
# set before any handler is imported, as in Lambda.
os.environ.update(local_lambda.local_environment(sam_template.api_function_name(), "http://127.0.0.1"))


class Api:
    """Calls the Lambda handler with the API Gateway events that `make run` builds from HTTP requests."""

    def __init__(self):
        self.handler = sam_template.load_handler(sam_template.api_function_name())
        self.context = local_lambda.lambda_context("test-api")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> ApiResponse:
        event = local_lambda.http_api_event(method, path, headers or {}, body or b"", "127.0.0.1")
        result = self.handler(event, self.context)
        headers = {name.lower(): value for name, value in (result.get("headers") or {}).items()}
        return ApiResponse(result["statusCode"], headers, (result.get("body") or "").encode())


def http_server() -> BaseServer:
    """The API function behind the local API Gateway adapter (`make run`) on a free port of 127.0.0.1."""
    return local_lambda.api_server("127.0.0.1", 0)
{% endif %}

@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture(scope="session")
def served_api():
    """Base URL of the API served over real HTTP on 127.0.0.1, for tests that need a socket."""
    server = http_server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
