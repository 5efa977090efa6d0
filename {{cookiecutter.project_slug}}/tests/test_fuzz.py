"""Fuzz the API from its own OpenAPI document (schemathesis): no server error, every answer as documented.

Schemathesis generates requests from /openapi.json and sends them over HTTP to the service served on 127.0.0.1.
Examples are bounded so that `make test` stays quick; set FUZZ_EXAMPLES=1000 for a longer hunt.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))


@pytest.fixture(scope="session")
def openapi_schema(served_api):
    return schemathesis.openapi.from_url(f"{served_api}/openapi.json")


schema = schemathesis.pytest.from_fixture("openapi_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case):
    case.call_and_validate(checks=CHECKS)
