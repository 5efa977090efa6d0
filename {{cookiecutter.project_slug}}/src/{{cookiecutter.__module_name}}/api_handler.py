"""AWS Lambda entry point for the HTTP API: Powertools routes API Gateway events to the change logic."""

import base64
from functools import cache
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext

from . import DESCRIPTION, SERVICE_NAME, __version__
from .change import make_change
from .observability import logger, metrics, tracer
from .schemas import ChangeRequest, ChangeResponse, ErrorResponse, Health, ServiceInfo, validation_message
from .web_policy import (
    KNOWN_METHODS,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    SECURITY_HEADERS,
    UNKNOWN_METHOD,
    RequestRefused,
    load_json,
    read_json_body,
)

# Custom metric, in observability.METRICS_NAMESPACE; the dashboard shows it.
CHANGE_MADE_METRIC = "ChangeMade"

app = APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=load_json)
ERRORS = {
    status: {"description": HTTPStatus(status).phrase, "content": {"application/json": {"model": ErrorResponse}}}
    for status in (400, 413, 415, 422)
}


def error_response(status: int, message: str) -> Response:
    body = ErrorResponse.for_status(status, message).model_dump()
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body)


def refusal_before_routing(event: dict) -> RequestRefused | None:
    """Why the request is refused before routing, if it is: an unknown method (405), or the body of a POST to a
    route that takes one cannot be read (web_policy.read_json_body).

    Checked here so that every target answers the same status and message. A readable body's Content-Type is then
    normalised to application/json, which is the spelling the router's validation expects.
    """
    proxy_event = APIGatewayProxyEventV2(event)
    if proxy_event.request_context.http.method not in KNOWN_METHODS:
        return RequestRefused(405, UNKNOWN_METHOD)
    if proxy_event.request_context.http.method != "POST" or "POST" not in _allowed_methods().get(proxy_event.path, ()):
        return None
    body = (proxy_event.body or "").encode()
    if proxy_event.is_base64_encoded:
        body = base64.b64decode(body)
    try:
        read_json_body(body, proxy_event.headers.get("content-type"))
    except RequestRefused as error:
        return error
    event.setdefault("headers", {})["content-type"] = content_types.APPLICATION_JSON
    return None


@app.get("/health", tags=["service"])
def health() -> Health:
    """Liveness: answers without touching any dependency."""
    return Health()


@app.get("/", tags=["service"])
def info() -> ServiceInfo:
    """The service's name and version."""
    return ServiceInfo(name=SERVICE_NAME, description=DESCRIPTION, version=__version__)


@app.post("/api/change", tags=["change"], responses={200: {"description": "The coins"}, **ERRORS})
def change(body: ChangeRequest) -> ChangeResponse:
    """The fewest coins that make up a dollar amount."""
    result = ChangeResponse.from_change(make_change(body.cents))
    metrics.add_metric(name=CHANGE_MADE_METRIC, unit=MetricUnit.Count, value=1)
    return result


@app.get("/openapi.json", include_in_schema=False)
def openapi():
    document = app.get_openapi_json_schema(title=SERVICE_NAME, version=__version__, description=DESCRIPTION)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=document)


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError) -> Response:
    problems = error.errors()
    if any(problem.get("type") == "json_invalid" for problem in problems):
        return error_response(400, "the request body is not valid JSON")
    return error_response(422, validation_message(problems))


@app.not_found
def not_found(_error: NotFoundError) -> Response:
    path = app.current_event.path
    if path in _allowed_methods() and app.current_event.http_method not in _allowed_methods()[path]:
        return error_response(405, METHOD_NOT_ALLOWED)
    return error_response(404, NOT_FOUND)


@cache
def _allowed_methods() -> dict[str, set[str]]:
    """Methods per path, read from the routes' own OpenAPI description."""
    paths = app.get_openapi_schema().paths or {}
    allowed = {
        path: {method.upper() for method in ("get", "post", "put", "patch", "delete") if getattr(item, method)}
        for path, item in paths.items()
    }
    allowed["/openapi.json"] = {"GET"}
    return allowed


@app.exception_handler(Exception)
def internal_error(error: Exception) -> Response:
    logger.exception("unhandled error")
    return error_response(500, "the server could not complete the request")


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def lambda_handler(event: dict, context: LambdaContext) -> dict:
    # HEAD is GET without the body, as HTTP servers (and the Azure target) answer it.
    head = event.get("requestContext", {}).get("http", {}).get("method") == "HEAD"
    if head:
        event["requestContext"]["http"]["method"] = "GET"
    refusal = refusal_before_routing(event)
    if refusal is None:
        response = app.resolve(event, context)
    else:
        response = {
            "statusCode": refusal.status,
            "headers": {"Content-Type": content_types.APPLICATION_JSON},
            "body": ErrorResponse.for_status(refusal.status, refusal.message).model_dump_json(),
        }
    response.setdefault("headers", {}).update(SECURITY_HEADERS)
    if head:
        response["body"] = ""
    return response
