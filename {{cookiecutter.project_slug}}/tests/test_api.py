"""The HTTP API contract. The same tests run against every deploy target (see the `api` fixture in conftest.py)."""

import json

import pytest

from {{ cookiecutter.__module_name }} import SERVICE_NAME, __version__
from {{ cookiecutter.__module_name }}.web_policy import (
    BODY_TOO_LARGE,
    MAX_BODY_BYTES,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    SECURITY_HEADERS,
)

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


def test_response_keys_keep_the_documented_order(api):
    assert list(post_change(api, {"amount": "1"}).json()) == ["amount", "cents", "coins", "coin_count"]


@pytest.mark.parametrize("content_type", ["APPLICATION/JSON", "application/json; charset=utf-8", "application/x+json"])
def test_json_content_types_in_any_spelling(api, content_type):
    response = post_change(api, {"amount": "0.05"}, headers={"Content-Type": content_type})
    assert response.status == 200
    assert response.json()["coins"]["nickels"] == 1


def test_a_byte_order_mark_is_allowed(api):
    assert post_change(api, b'\xef\xbb\xbf{"amount": "1"}').status == 200


@pytest.mark.parametrize(
    ("literal", "cents"), [(b"1e3", 100_000), (b"2", 200), (b"0.1", 10), (b"1.50", 150), (b"1000000", 100_000_000)]
)
def test_json_numbers_are_read_exactly(api, literal, cents):
    response = post_change(api, b'{"amount": ' + literal + b"}")
    assert response.status == 200
    assert response.json()["cents"] == cents


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        (b"1.0000000000000001", "two decimal places"),
        (b"1e-400", "two decimal places"),
        (b"1000000.00000000000001", "two decimal places"),
        (b"9" * 5000, "at most"),
        (b"1e999999999", "at most"),
        (b"-0.5", "negative"),
    ],
)
def test_json_numbers_that_are_not_whole_cents_or_too_large_are_422(api, literal, message):
    error = assert_json_error(post_change(api, b'{"amount": ' + literal + b"}"), 422)
    assert message in error["message"]


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
    ],
)
def test_invalid_amount_is_422_with_a_message(api, payload, message):
    error = assert_json_error(post_change(api, payload), 422)
    assert message in error["message"]


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_finite_json_numbers_are_422(api, literal):
    assert_json_error(post_change(api, b'{"amount": ' + literal + b"}"), 422)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"amount": ', "not valid JSON"),
        (b"not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"", "empty"),
        (b"   ", "empty"),
        (b"[" * 20_000, "nested too deeply"),
    ],
)
def test_unreadable_body_is_400_with_the_reason(api, body, message):
    assert message in assert_json_error(post_change(api, body), 400)["message"]


@pytest.mark.parametrize("body", [b"null", b"[]", b'"1.15"', b"1.15"])
def test_a_body_that_is_not_an_object_is_422(api, body):
    assert "JSON object" in assert_json_error(post_change(api, body), 422)["message"]


def test_wrong_content_type_is_415(api):
    assert_json_error(post_change(api, b"amount=1.15", headers={"Content-Type": "text/plain"}), 415)


def test_body_over_the_limit_is_413(api):
    body = json.dumps({"amount": "1" + " " * MAX_BODY_BYTES}).encode()
    assert assert_json_error(post_change(api, body), 413)["message"] == BODY_TOO_LARGE


@pytest.mark.parametrize("path", ["/nope", "/api", "/robots933456.txt", "/api/change/extra"])
def test_unknown_path_is_404_json(api, path):
    assert assert_json_error(api.request("GET", path), 404)["message"] == NOT_FOUND


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/change"), ("DELETE", "/api/change"), ("OPTIONS", "/api/change"), ("PUT", "/health")],
)
def test_wrong_method_is_405_json(api, method, path):
    assert assert_json_error(api.request(method, path), 405)["message"] == METHOD_NOT_ALLOWED


@pytest.mark.parametrize("method", ["BREW", "PROPFIND", "TRACE"])
def test_an_unknown_method_is_405_json(api, method):
    assert "not supported" in assert_json_error(api.request(method, "/health"), 405)["message"]


@pytest.mark.parametrize(("path", "status"), [("/health", 405), ("/nope", 404)])
@pytest.mark.parametrize("body", [b"", b"x", b"{}"])
def test_a_post_where_none_is_taken_is_routed_before_its_body_is_read(api, path, status, body):
    assert_json_error(api.request("POST", path, body, {"Content-Type": "text/plain"}), status)


def test_head_is_get_without_a_body(api):
    response = api.request("HEAD", "/health")
    assert response.status == 200
    assert response.body == b""


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
