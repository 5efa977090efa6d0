"""HTTP rules that every web adapter of the service applies the same way, so both targets answer alike."""

import json
from decimal import Decimal

# A request body larger than this is refused with 413 before it is parsed.
MAX_BODY_BYTES = 64 * 1024

# Sent with every response. The API serves JSON only, so nothing may be framed, sniffed or cached.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}

# Methods a client may use; any other answers 405 before routing (and before metrics label it).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Messages for the errors the routers answer, the same on every target.
NOT_FOUND = "the requested URL was not found on the server"
METHOD_NOT_ALLOWED = "the method is not allowed for the requested URL"
UNKNOWN_METHOD = f"the method is not supported: use one of {', '.join(sorted(KNOWN_METHODS))}"
UNSUPPORTED_MEDIA_TYPE = "send the body as JSON, with the header Content-Type: application/json"
BODY_TOO_LARGE = f"the request body must be at most {MAX_BODY_BYTES} bytes"
EXAMPLE = '{"amount": "1.15"}'


class RequestRefused(Exception):
    """A request refused before it reaches a route (unreadable body, unknown method): status and client message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def is_json_content_type(content_type: str | None) -> bool:
    """True for application/json and application/*+json, in any case. A missing Content-Type is read as JSON."""
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def load_json(text: str | bytes) -> object:
    """Parse JSON keeping numbers exact: 1.0000000000000001 stays that, not the float 1.0."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text.removeprefix("\ufeff"), parse_float=Decimal, parse_int=Decimal)


def read_json_body(body: bytes, content_type: str | None) -> dict:
    """The request body as a JSON object, or RequestRefused with the status (415, 413, 400, 422) and a message."""
    if not is_json_content_type(content_type):
        raise RequestRefused(415, UNSUPPORTED_MEDIA_TYPE)
    if len(body) > MAX_BODY_BYTES:
        raise RequestRefused(413, BODY_TOO_LARGE)
    if not body.strip():
        raise RequestRefused(400, f"the request body is empty: send a JSON object such as {EXAMPLE}")
    try:
        document = load_json(body)
    except UnicodeDecodeError:
        raise RequestRefused(400, "the request body is not UTF-8 text") from None
    except RecursionError:
        raise RequestRefused(400, "the request body is nested too deeply") from None
    except ValueError as error:
        raise RequestRefused(400, f"the request body is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise RequestRefused(422, f"the request body must be a JSON object such as {EXAMPLE}")
    return document
