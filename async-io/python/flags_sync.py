"""The web demo's service as a sync Python server: a fixed pool of threads, blocking calls upstream.

GET /api/flags/{cc} -> {"cc": "BR", "country": "Brazil", "bytes": 1234}, from the fake server's
/flags/{cc}/metadata.json and /flags/{cc}/{cc}.gif, fetched one after the other as a Flask view
would. Errors as JSON with the same statuses as the Rust servers (400, 404, 405, 502, 504).
Like gunicorn's sync workers (`gunicorn --workers 8`, processes that keep no connection
alive), but on threads: a pool of --workers threads serves one connection each at a time, and
every answer closes its connection (HTTP/1.0). (`gunicorn --threads 8` is another worker, gthread,
which does keep connections alive.)

    python3 async-io/python/flags_sync.py --port 8081 --server http://127.0.0.1:8000

`--port 0` picks a free port; the first line on stdout is the URL it serves at. Under
`--parent-pipe` (how `cargo run -p async-io -- web --python` runs it) it exits as soon as its
stdin reaches end of file, so the parent stops it by closing the pipe.
"""

import argparse
import json
import os
import socket
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


# Straight to the fake server, whatever the proxy variables say (urlopen would follow them).
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url, cc, timeout):
    try:
        with OPENER.open(url, timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as e:
        if e.code == 404:
            raise ApiError(404, f"unknown country code {cc}") from e
        raise ApiError(502, f"upstream error: upstream answered {e.code}") from e
    except (TimeoutError, socket.timeout) as e:
        raise ApiError(504, "upstream timed out") from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, (TimeoutError, socket.timeout)):
            raise ApiError(504, "upstream timed out") from e
        raise ApiError(502, f"upstream error: {e.reason}") from e


def flag_info(upstream, cc, timeout):
    lower = cc.lower()
    meta = fetch(f"{upstream}/flags/{lower}/metadata.json", cc, timeout)
    flag = fetch(f"{upstream}/flags/{lower}/{lower}.gif", cc, timeout)
    return {"cc": cc, "country": json.loads(meta)["country"], "bytes": len(flag)}


class Handler(BaseHTTPRequestHandler):
    upstream = ""
    upstream_timeout = 2.0
    timeout = 5.0  # StreamRequestHandler's socket timeout: a silent client cannot hold a thread

    def answer(self, status, body, allow=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        if allow:
            self.send_header("allow", allow)
        self.end_headers()
        self.wfile.write(data)

    def route(self, method):
        parts = self.path.split("?")[0].lstrip("/").split("/")
        try:
            if len(parts) != 3 or parts[:2] != ["api", "flags"] or not parts[2]:
                raise ApiError(404, "no such route: try GET /api/flags/{cc}")
            if method != "GET":
                raise ApiError(405, "method not allowed: use GET")
            cc = parts[2]
            if len(cc) != 2 or not (cc.isascii() and cc.isalpha()):
                raise ApiError(400, f"bad request: a country code is two letters, not {cc!r}")
            self.answer(200, flag_info(self.upstream, cc.upper(), self.upstream_timeout))
        except ApiError as e:
            allow = "GET" if e.status == 405 else None
            self.answer(e.status, {"error": str(e), "status": e.status}, allow)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    def log_message(self, *args):
        pass


class PoolServer(HTTPServer):
    """HTTPServer whose connections are served by a fixed pool of threads."""

    request_queue_size = 128  # the listen backlog std::net's TcpListener asks for

    def __init__(self, address, handler, workers):
        super().__init__(address, handler)
        self.pool = ThreadPoolExecutor(max_workers=workers)

    def process_request(self, request, client_address):
        self.pool.submit(self.serve_one, request, client_address)

    def serve_one(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client that went away (the load generator cuts its requests at its deadline) is
        # no error worth a traceback; anything else is.
        if not isinstance(sys.exception(), (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def exit_when_stdin_closes():
    """Under a parent process: end this process when the parent closes our stdin."""

    def wait():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=wait, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free one")
    parser.add_argument("--server", required=True, help="the fake server's URL")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--upstream-timeout-ms", type=int, default=2000)
    parser.add_argument("--read-timeout-s", type=float, default=5.0)
    parser.add_argument(
        "--parent-pipe", action="store_true", help="exit when stdin reaches end of file"
    )
    args = parser.parse_args()
    if args.parent_pipe:
        exit_when_stdin_closes()
    Handler.upstream = args.server.rstrip("/")
    Handler.upstream_timeout = args.upstream_timeout_ms / 1000
    Handler.timeout = args.read_timeout_s
    server = PoolServer(("127.0.0.1", args.port), Handler, args.workers)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
