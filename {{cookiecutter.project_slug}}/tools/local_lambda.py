"""Run the Lambda handlers on this machine, without Docker.

    python tools/local_lambda.py serve [--port 8000]     # HTTP server: each request becomes an API Gateway event
    python tools/local_lambda.py invoke [EVENT.json ...]  # call the handler for each sample event in events/

`serve` turns every HTTP request into an API Gateway HTTP API (payload 2.0) event for the real `lambda_handler`,
and its result back into an HTTP response, so curl, a browser or Locust can talk to the function as deployed.
An event file `events/<name>-<case>.json` goes to the handler in `<package>/<name>_handler.py`.
"""

import argparse
import base64
import importlib
import json
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "{{ cookiecutter.__module_name }}"
# API Gateway refuses larger payloads before they reach the function.
API_GATEWAY_MAX_BODY = 10 * 1024 * 1024


def lambda_context(function_name: str) -> SimpleNamespace:
    """The attributes of the Lambda context object that the handlers and Powertools read."""
    deadline = time.monotonic() + 30
    return SimpleNamespace(
        function_name=function_name,
        function_version="$LATEST",
        invoked_function_arn=f"arn:aws:lambda:local:000000000000:function:{function_name}",
        memory_limit_in_mb=256,
        aws_request_id=str(uuid.uuid4()),
        log_group_name=f"/aws/lambda/{function_name}",
        log_stream_name="local",
        get_remaining_time_in_millis=lambda: int((deadline - time.monotonic()) * 1000),
    )


def load_handler(name: str):
    """The `lambda_handler` of `<package>/<name>_handler.py`, imported from src/ as Lambda would."""
    sys.path.insert(0, str(ROOT / "src"))
    return importlib.import_module(f"{PACKAGE}.{name}_handler").lambda_handler


def http_api_event(method: str, target: str, headers: dict[str, str], body: bytes, client_ip: str) -> dict:
    """An API Gateway HTTP API (payload format 2.0) event, as `sam local generate-event` shapes it."""
    url = urlsplit(target)
    now = datetime.now(UTC)
    query = parse_qsl(url.query, keep_blank_values=True)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path,
        "rawQueryString": url.query,
        "headers": {name.lower(): value for name, value in headers.items()},
        "queryStringParameters": {key: value for key, value in query} or None,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": headers.get("Host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": url.path,
                "protocol": "HTTP/1.1",
                "sourceIp": client_ip,
                "userAgent": headers.get("User-Agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


class ApiGatewayHandler(BaseHTTPRequestHandler):
    handler = None  # set by serve()
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > API_GATEWAY_MAX_BODY:
            self._send(413, {"content-type": "application/json"}, b'{"message":"Request Entity Too Large"}')
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        event = http_api_event(self.command, self.path, dict(self.headers), body, self.client_address[0])
        try:
            result = self.handler(event, lambda_context("local-api"))
        except Exception:  # what API Gateway answers when the function fails
            traceback.print_exc()
            self._send(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
            return
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        self._send(result.get("statusCode", 200), result.get("headers") or {}, data)

    def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _forward

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")


def serve(host: str, port: int) -> None:
    ApiGatewayHandler.handler = staticmethod(load_handler("api"))
    server = ThreadingHTTPServer((host, port), ApiGatewayHandler)
    print(f"Serving the API function on http://{host}:{port} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def invoke(paths: list[Path]) -> int:
    """Invoke the matching handler with each event; print each result. Non-zero if any handler raised."""
    failed = 0
    for path in paths:
        name = path.stem.split("-", 1)[0]
        try:
            event = json.loads(path.read_text(encoding="utf-8"))
            result = load_handler(name)(event, lambda_context(f"local-{name}"))
        except Exception as error:  # report every event, then fail
            print(f"{path}: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
            failed += 1
            continue
        print(f"{path}: {json.dumps(result)}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the API function over HTTP")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    invoke_parser = commands.add_parser("invoke", help="invoke handlers with sample events")
    invoke_parser.add_argument("events", nargs="*", type=Path, help="event files (default: every events/*.json)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.host, args.port)
        return 0
    return invoke(args.events or sorted((ROOT / "events").glob("*.json")))


if __name__ == "__main__":
    sys.exit(main())
