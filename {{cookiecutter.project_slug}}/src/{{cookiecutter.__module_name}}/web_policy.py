"""HTTP rules that every web adapter of the service applies the same way."""

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


def is_json_content_type(content_type: str | None) -> bool:
    """True for application/json and application/*+json. A missing Content-Type is read as JSON too."""
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


UNSUPPORTED_MEDIA_TYPE = "send the body as JSON, with the header Content-Type: application/json"
