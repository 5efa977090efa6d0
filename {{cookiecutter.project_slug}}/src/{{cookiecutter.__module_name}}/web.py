"""The Flask application factory for Azure App Service (and any WSGI server)."""

import logging
import os

from flask import Response, abort, jsonify, request
from flask.json.provider import DefaultJSONProvider
from flask_openapi3 import Info, OpenAPI
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from . import DESCRIPTION, SERVICE_NAME, __version__
from .api import api
{%- if cookiecutter.monitoring %}
from .metrics import init_metrics
{%- endif %}
from .schemas import ErrorResponse, validation_message
from .web_policy import (
    BODY_TOO_LARGE,
    KNOWN_METHODS,
    MAX_BODY_BYTES,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    SECURITY_HEADERS,
    UNKNOWN_METHOD,
    RequestRefused,
    load_json,
    read_json_body,
)

logger = logging.getLogger(__name__)


def error_response(status: int, message: str) -> Response:
    response = jsonify(ErrorResponse.for_status(status, message).model_dump())
    response.status_code = status
    return response


def _validation_error(error: ValidationError) -> Response:
    return error_response(422, validation_message(error.errors()))


def _http_error(error: HTTPException) -> Response:
    # Every HTTP error, including the 500 that Flask raises for an unhandled exception, leaves as JSON.
    if error.code is not None and error.code >= 500:
        logger.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    message = COMMON_MESSAGES.get(error.code, error.description or error.name)
    return error_response(error.code or 500, message)


# Werkzeug's own wording for these differs from the other target's; clients see one text per status.
COMMON_MESSAGES = {404: NOT_FOUND, 405: METHOD_NOT_ALLOWED, 413: BODY_TOO_LARGE}


class KnownMethodsOnly:
    """WSGI middleware: 405 for a method outside KNOWN_METHODS before Flask (and so its metrics) sees the request;
    every odd method name counted would be a new label value."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in KNOWN_METHODS:
            return self.wsgi_app(environ, start_response)
        body = ErrorResponse.for_status(405, UNKNOWN_METHOD).model_dump_json()
        headers = {**SECURITY_HEADERS, "Allow": ", ".join(sorted(KNOWN_METHODS))}
        response = Response(body, status=405, mimetype="application/json", headers=headers)
        return response(environ, start_response)


def _read_json_body() -> None:
    """A POST to a route that takes one must carry a readable JSON object (web_policy.read_json_body)."""
    if request.method != "POST" or request.routing_exception is not None:
        return  # unknown path or method: the router answers 404 or 405
    if (request.content_length or 0) > MAX_BODY_BYTES:
        abort(413)
    body = request.get_data()
    if request.content_length is None and len(body) >= MAX_BODY_BYTES:
        abort(413)  # a chunked body is cut at the limit when read, so reaching it means it was longer
    try:
        read_json_body(body, request.content_type)
    except RequestRefused as error:
        abort(error_response(error.status, error.message))
    if not request.content_type:
        # A body without Content-Type was read as JSON above; say so for the request validation that follows.
        request.environ["CONTENT_TYPE"] = "application/json"
        request.__dict__.pop("_parsed_content_type", None)


def openapi_document(app: OpenAPI) -> dict:
    """The generated OpenAPI document, without the `securitySchemes: null` that flask-openapi3 writes when the API
    has no security scheme (the specification allows only an object there)."""
    document = app.api_doc
    components = document.get("components") or {}
    for name in [name for name, value in components.items() if value is None]:
        del components[name]
    return document


class ExactJSONProvider(DefaultJSONProvider):
    """Reads request JSON as every target does (exact numbers); writes responses in the models' key order."""

    sort_keys = False

    def loads(self, s: str | bytes, **kwargs) -> object:
        return load_json(s)


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def create_app(config: dict | None = None) -> OpenAPI:
    app = OpenAPI(
        __name__,
        info=Info(title=SERVICE_NAME, description=DESCRIPTION, version=__version__),
        doc_ui=False,
        validation_error_status=422,
        validation_error_model=ErrorResponse,
        validation_error_callback=_validation_error,
    )
    app.json = ExactJSONProvider(app)
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        # OPTIONS answers 405 like any method the route does not take (there is no CORS to negotiate).
        PROVIDE_AUTOMATIC_OPTIONS=False,
        # Off unless asked for: debug mode on App Service would expose an interactive debugger.
        DEBUG=os.environ.get("FLASK_DEBUG") == "1",
    )
    if config:
        app.config.update(config)
    app.wsgi_app = KnownMethodsOnly(app.wsgi_app)
{%- if cookiecutter.monitoring %}
    # First, so that its timer starts before the other request hooks run and every answer is counted.
    init_metrics(app)
{%- endif %}
    app.before_request(_read_json_body)
    app.after_request(_add_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_api(api)
    # The document is generated from the routes and the pydantic models in schemas.py.
    app.add_url_rule("/openapi.json", "openapi", lambda: openapi_document(app), methods=["GET"])
    return app
