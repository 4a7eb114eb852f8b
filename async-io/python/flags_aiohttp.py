"""The web demo's service on aiohttp.web: one ClientSession, both upstream calls at once.

GET /api/flags/{cc} -> {"cc": "BR", "country": "Brazil", "bytes": 1234}, the metadata and the
flag fetched together with asyncio.gather; errors as JSON with the same statuses as the Rust
servers (400, 404, 405, 502, 504).

    pip install aiohttp
    python3 async-io/python/flags_aiohttp.py --port 8082 --server http://127.0.0.1:8000

`--port 0` picks a free port; the first line on stdout is the URL it serves at, printed once
the socket listens. Under `--parent-pipe` (how `cargo run -p async-io -- web --python` runs it)
it exits as soon as its stdin reaches end of file, so the parent stops it by closing the pipe.
"""

import argparse
import asyncio
import json
import os
import socket
import sys
import threading

from aiohttp import ClientError, ClientSession, ClientTimeout, TCPConnector, web


SESSION = web.AppKey("session", ClientSession)
UPSTREAM = web.AppKey("upstream", str)


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


async def fetch(session, url, cc):
    try:
        async with session.get(url) as answer:
            if answer.status == 404:
                raise ApiError(404, f"unknown country code {cc}")
            if answer.status >= 400:
                raise ApiError(502, f"upstream error: upstream answered {answer.status}")
            return await answer.read()
    except asyncio.TimeoutError as e:
        raise ApiError(504, "upstream timed out") from e
    except ClientError as e:
        raise ApiError(502, f"upstream error: {e}") from e


async def flag(request):
    cc = request.match_info["cc"]
    if len(cc) != 2 or not (cc.isascii() and cc.isalpha()):
        raise ApiError(400, f"bad request: a country code is two letters, not {cc!r}")
    cc, lower = cc.upper(), cc.lower()
    session, upstream = request.app[SESSION], request.app[UPSTREAM]
    meta, gif = await asyncio.gather(
        fetch(session, f"{upstream}/flags/{lower}/metadata.json", cc),
        fetch(session, f"{upstream}/flags/{lower}/{lower}.gif", cc),
    )
    return web.json_response({"cc": cc, "country": json.loads(meta)["country"], "bytes": len(gif)})


@web.middleware
async def json_errors(request, handler):
    try:
        return await handler(request)
    except ApiError as e:
        return web.json_response({"error": str(e), "status": e.status}, status=e.status)
    except web.HTTPException as e:  # aiohttp's own 404 and 405
        body = {"error": e.reason, "status": e.status}
        allow = {"Allow": e.headers["Allow"]} if "Allow" in e.headers else None
        return web.json_response(body, status=e.status, headers=allow)


def exit_when_stdin_closes():
    """Under a parent process: end this process when the parent closes our stdin."""

    def wait():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=wait, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8082, help="0 picks a free one")
    parser.add_argument("--server", required=True, help="the fake server's URL")
    parser.add_argument("--upstream-timeout-ms", type=int, default=2000)
    parser.add_argument(
        "--parent-pipe", action="store_true", help="exit when stdin reaches end of file"
    )
    args = parser.parse_args()
    if args.parent_pipe:
        exit_when_stdin_closes()

    async def session(app):
        timeout = ClientTimeout(total=args.upstream_timeout_ms / 1000)
        # No cap on connections upstream, like reqwest's pool.
        async with ClientSession(timeout=timeout, connector=TCPConnector(limit=0)) as s:
            app[SESSION] = s
            yield

    app = web.Application(middlewares=[json_errors])
    app[UPSTREAM] = args.server.rstrip("/")
    app.cleanup_ctx.append(session)
    app.router.add_get("/api/flags/{cc}", flag)
    # Bound and listening here, so the URL printed is the real port (a free one for --port 0)
    # and a client that connects at once waits in the backlog until the loop accepts it.
    backlog = 4096
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(backlog)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    web.run_app(app, sock=sock, print=None, backlog=backlog, access_log=None)


if __name__ == "__main__":
    main()
