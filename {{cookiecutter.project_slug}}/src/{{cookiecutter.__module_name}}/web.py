"""The Flask application factory for Azure App Service (and any WSGI server)."""

import logging
import os

from flask import Response, jsonify, request
from flask_openapi3 import Info, OpenAPI
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, UnsupportedMediaType

from . import DESCRIPTION, SERVICE_NAME, __version__
from .api import api
{%- if cookiecutter.monitoring %}
from .metrics import init_metrics
{%- endif %}
from .schemas import ErrorResponse, validation_message
from .web_policy import MAX_BODY_BYTES, SECURITY_HEADERS, UNSUPPORTED_MEDIA_TYPE, is_json_content_type

logger = logging.getLogger(__name__)


def error_response(status: int, error: str, message: str) -> Response:
    response = jsonify(ErrorResponse(status=status, error=error, message=message).model_dump())
    response.status_code = status
    return response


def _validation_error(error: ValidationError) -> Response:
    return error_response(422, "Unprocessable Entity", validation_message(error.errors()))


def _http_error(error: HTTPException) -> Response:
    # Every HTTP error, including the 500 that Flask raises for an unhandled exception, leaves as JSON.
    if error.code is not None and error.code >= 500:
        logger.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_response(error.code or 500, error.name, error.description or error.name)


def _require_json_body() -> None:
    """A POST must carry JSON: refuse other content types with 415 and malformed JSON with 400."""
    if request.method == "POST":
        if not is_json_content_type(request.content_type):
            raise UnsupportedMediaType(UNSUPPORTED_MEDIA_TYPE)
        # Raises BadRequest (400) for malformed JSON and RequestEntityTooLarge (413); the parsed body is cached.
        request.get_json(force=True)


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
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        JSON_SORT_KEYS=False,
        # Off unless asked for: debug mode on App Service would expose an interactive debugger.
        DEBUG=os.environ.get("FLASK_DEBUG") == "1",
    )
    if config:
        app.config.update(config)
{%- if cookiecutter.monitoring %}
    # First, so that its timer starts before the other request hooks run and every answer is counted.
    init_metrics(app)
{%- endif %}
    app.before_request(_require_json_body)
    app.after_request(_add_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_api(api)
    # The document is generated from the routes and the pydantic models in schemas.py.
    app.add_url_rule("/openapi.json", "openapi", lambda: app.api_doc, methods=["GET"])
    return app
