"""The HTTP API contract. The same tests run against every deploy target (see the `api` fixture in conftest.py)."""

import json

import pytest

from {{ cookiecutter.__module_name }} import SERVICE_NAME, __version__
from {{ cookiecutter.__module_name }}.web_policy import MAX_BODY_BYTES, SECURITY_HEADERS

JSON = {"Content-Type": "application/json"}


def post_change(api, payload, headers=JSON):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return api.request("POST", "/api/change", body, headers)


def assert_json_error(response, status):
    assert response.status == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()
    assert error["status"] == status
    assert error["message"]
    return error


def test_health(api):
    response = api.request("GET", "/health")
    assert response.status == 200
    assert response.json() == {"status": "ok"}


def test_root_names_the_service_and_version(api):
    response = api.request("GET", "/")
    assert response.status == 200
    assert response.json()["name"] == SERVICE_NAME
    assert response.json()["version"] == __version__


@pytest.mark.parametrize("amount", ["1.15", 1.15])
def test_change_for_string_or_number(api, amount):
    response = post_change(api, {"amount": amount})
    assert response.status == 200
    assert response.json() == {
        "amount": "1.15",
        "cents": 115,
        "coins": {"quarters": 4, "dimes": 1, "nickels": 1, "pennies": 0},
        "coin_count": 6,
    }


def test_missing_content_type_is_read_as_json(api):
    response = post_change(api, {"amount": "0.30"}, headers={})
    assert response.status == 200
    assert response.json()["cents"] == 30


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"amount": "-1"}, "negative"),
        ({"amount": "1.234"}, "two decimal places"),
        ({"amount": "1e3"}, "plain decimal"),
        ({"amount": "abc"}, "plain decimal"),
        ({"amount": "100000000"}, "at most"),
        ({"amount": True}, "true or false"),
        ({"amount": None}, "number or a string"),
        ({}, "amount"),
        ({"amount": "1", "extra": 1}, "extra"),
        ([1, 2], ""),
        ("1.15", ""),
    ],
)
def test_invalid_amount_is_422_with_a_message(api, payload, message):
    error = assert_json_error(post_change(api, payload), 422)
    assert message in error["message"]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_json_numbers_are_422(api, literal):
    assert_json_error(post_change(api, b'{"amount": ' + literal + b"}"), 422)


@pytest.mark.parametrize("body", [b'{"amount": ', b"not json", b"\xff\xfe"])
def test_malformed_json_is_400(api, body):
    assert_json_error(post_change(api, body), 400)


def test_wrong_content_type_is_415(api):
    assert_json_error(post_change(api, b"amount=1.15", headers={"Content-Type": "text/plain"}), 415)


def test_body_over_the_limit_is_413(api):
    body = json.dumps({"amount": "1" + " " * MAX_BODY_BYTES}).encode()
    assert_json_error(post_change(api, body), 413)


@pytest.mark.parametrize("path", ["/nope", "/api", "/robots933456.txt", "/api/change/extra"])
def test_unknown_path_is_404_json(api, path):
    assert_json_error(api.request("GET", path), 404)


@pytest.mark.parametrize(("method", "path"), [("GET", "/api/change"), ("DELETE", "/api/change"), ("POST", "/health")])
def test_wrong_method_is_405_json(api, method, path):
    assert_json_error(api.request(method, path, b"{}" if method == "POST" else None, JSON), 405)


def test_openapi_document_describes_the_api(api):
    response = api.request("GET", "/openapi.json")
    assert response.status == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == SERVICE_NAME
    assert "post" in document["paths"]["/api/change"]
    assert "get" in document["paths"]["/health"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/health"), ("GET", "/nope"), ("POST", "/api/change")])
def test_security_headers_on_every_response(api, method, path):
    response = api.request(method, path, b'{"amount": "1"}' if method == "POST" else None, JSON)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name.lower()) == value
