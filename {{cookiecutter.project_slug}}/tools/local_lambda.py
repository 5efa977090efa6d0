"""Run the Lambda functions on this machine, without Docker or an AWS account.

    python tools/local_lambda.py serve [--port 8000]     # HTTP server: each request becomes an API Gateway event
    python tools/local_lambda.py invoke [EVENT.json ...]  # invoke functions with sample events (default: events/)

`serve` turns every HTTP request into an API Gateway HTTP API (payload 2.0) event for the API function's real
handler, and its result back into an HTTP response, so curl, a browser or Locust can talk to it as deployed.

`invoke` sends `events/<FunctionName>-<case>.json` to the handler of `<FunctionName>` in template.yaml, with the
function's environment variables resolved to local stand-ins: buckets live in an in-memory S3 (moto), and a URL of
the HTTP API points at a local `serve` started for the run.
"""

import argparse
import base64
import contextlib
import json
import os
import sys
import threading
import time
import traceback
import uuid
import warnings
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qsl, unquote_plus, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sam_template  # a sibling module, importable however this script is started

ROOT = sam_template.ROOT
EVENTS = ROOT / "events"
# API Gateway refuses larger payloads before they reach the function.
API_GATEWAY_MAX_BODY = 10 * 1024 * 1024
# What an S3 event's object holds when `invoke` puts it in the in-memory bucket.
SAMPLE_UPLOAD = EVENTS / "sample-upload.csv"


def lambda_context(function_name: str, timeout_seconds: int = 30) -> SimpleNamespace:
    """The attributes of the Lambda context object that the handlers and Powertools read."""
    deadline = time.monotonic() + timeout_seconds
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
        "queryStringParameters": dict(query) or None,
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
    """Forwards every request, whatever its method, to the API function; answers framing errors as API Gateway does."""

    handler = None  # the API function's handler, set by api_server()
    protocol_version = "HTTP/1.1"
    # A Lambda instance handles one event at a time, and the handler's router keeps the current event in shared
    # state: requests are read concurrently, but the function runs one event at a time, as it would in Lambda.
    invocation_lock = threading.Lock()

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # http.server looks up do_<METHOD>: every method goes to the function
            return self._forward
        raise AttributeError(name)

    def _read_body(self) -> bytes | None:
        """The request body (plain or chunked), or None after answering 400/413 for one that cannot be read."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks, size = [], 0
            while (length := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                size += length
                if size > API_GATEWAY_MAX_BODY:
                    self.send_error(413)
                    return None
                chunks.append(self.rfile.read(length))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        declared = self.headers.get("Content-Length") or "0"
        if not declared.isdigit():
            self.send_error(400, "Content-Length must be a non-negative integer")
            return None
        if int(declared) > API_GATEWAY_MAX_BODY:
            self.send_error(413)
            return None
        return self.rfile.read(int(declared))

    def _forward(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400, "malformed chunked body")
            return
        if body is None:
            return
        event = http_api_event(self.command, self.path, dict(self.headers), body, self.client_address[0])
        try:
            with self.invocation_lock:
                result = self.handler(event, lambda_context("local-api"))
        except Exception:  # what API Gateway answers when the function fails
            traceback.print_exc()
            self._send(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
            return
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        self._send(result.get("statusCode", 200), result.get("headers") or {}, data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors of the HTTP layer itself, as JSON like API Gateway's own ({"message": ...}), never HTML."""
        self.close_connection = True
        text = message or (HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error")
        self._send(
            code, {"content-type": "application/json", "connection": "close"}, json.dumps({"message": text}).encode()
        )

    def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing to answer

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"{self.address_string()} - {format % args}\n")


class LocalApiServer(ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 makes a burst of new connections wait a second to retry
    daemon_threads = True


def api_server(host: str, port: int) -> ThreadingHTTPServer:
    ApiGatewayHandler.handler = staticmethod(sam_template.load_handler(sam_template.api_function_name()))
    return LocalApiServer((host, port), ApiGatewayHandler)


def serve(host: str, port: int) -> None:
    os.environ.update(local_environment(sam_template.api_function_name(), f"http://{host}:{port}"))
    try:
        server = api_server(host, port)
    except OSError as error:
        sys.exit(f"cannot listen on {host}:{port}: {error.strerror} (another server running? try PORT=...)")
    print(f"Serving the API function on http://{host}:{port} (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def local_name(logical_id: str) -> str:
    """The local stand-in name of a resource: UploadsBucket -> uploads-bucket."""
    return "".join(
        f"-{char.lower()}" if char.isupper() and index else char.lower() for index, char in enumerate(logical_id)
    )


def local_environment(function_name: str, api_url: str) -> dict[str, str]:
    """The function's environment variables from template.yaml, references replaced by local stand-ins."""
    properties = sam_template.functions()[function_name]
    variables = properties.get("Environment", {}).get("Variables", {})
    environment = {}
    for name, value in variables.items():
        if isinstance(value, str):
            environment[name] = value
        elif "Ref" in value and value["Ref"] in sam_template.template().get("Parameters", {}):
            environment[name] = str(sam_template.template()["Parameters"][value["Ref"]].get("Default", ""))
        elif "Ref" in value:
            environment[name] = local_name(value["Ref"])
        elif "Fn::Sub" in value and "${HttpApi}" in str(value["Fn::Sub"]):
            environment[name] = api_url
        elif "Fn::GetAtt" in value:
            environment[name] = local_name(str(value["Fn::GetAtt"]).split(".")[0])
    return environment


@contextlib.contextmanager
def local_aws(events: list[dict]):
    """In-memory AWS (moto) with the template's buckets, and each S3 event's objects holding the sample upload."""
    if not sam_template.resources("AWS::S3::Bucket"):
        yield
        return
    import boto3
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
        for name in sam_template.resources("AWS::S3::Bucket"):
            s3.create_bucket(Bucket=local_name(name))
        for event in events:
            for record in event.get("Records", []):
                if "s3" in record:
                    key = unquote_plus(record["s3"]["object"]["key"])
                    s3.put_object(Bucket=record["s3"]["bucket"]["name"], Key=key, Body=SAMPLE_UPLOAD.read_bytes())
        yield


def invoke(paths: list[Path]) -> int:
    """Invoke each event's function and print the result. Non-zero if any handler raised."""
    # Powertools warns when an invocation adds no custom metric (the health check): expected here.
    warnings.filterwarnings("ignore", "No application metrics to publish")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "local")  # never reaches AWS: every call goes to the in-memory stand-ins
    events = {path: json.loads(path.read_text(encoding="utf-8")) for path in paths}
    # The settings every function shares (service name, namespace) before any handler is imported, as in Lambda.
    os.environ.update(local_environment(sam_template.api_function_name(), ""))
    server = api_server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api_url = f"http://127.0.0.1:{server.server_address[1]}"
    failed = 0
    try:
        with local_aws(list(events.values())):
            for path, event in events.items():
                function_name = path.stem.split("-", 1)[0]
                try:
                    os.environ.update(local_environment(function_name, api_url))
                    handler = sam_template.load_handler(function_name)
                    result = handler(event, lambda_context(function_name))
                except Exception as error:  # report every event, then fail
                    print(f"{path.name} -> {function_name}: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
                    failed += 1
                    continue
                print(f"{path.name} -> {function_name}: {json.dumps(result)}", flush=True)
    finally:
        server.shutdown()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="serve the API function over HTTP")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    invoke_parser = commands.add_parser("invoke", help="invoke functions with sample events")
    invoke_parser.add_argument("events", nargs="*", type=Path, help="event files (default: every events/*.json)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.host, args.port)
        return 0
    return invoke(args.events or sorted(EVENTS.glob("*.json")))


if __name__ == "__main__":
    sys.exit(main())
