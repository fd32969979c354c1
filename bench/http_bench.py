"""HTTP throughput and latency of iamd against moto's server, measured in the same run with wrk.

    .venv/bin/python bench/http_bench.py [--duration 10] [--users 1000] [--skip-moto]

Starts ``iamd serve`` (SQLite in a temporary data dir, ``--workers 2``) and moto's server, then drives both
with wrk (Debian package ``wrk``; ``make bench-http`` installs it) using presigned GET requests signed by
botocore: a presigned request can be replayed until it expires, so wrk needs no signing code. CreateUser
needs a fresh name per request, so it gets a list of distinct presigned requests that a small Lua script
walks through. iamd verifies every signature, authorizes and records every call as usual.

Prints one table: requests/s and p50/p99 latency at concurrency 1 and 16 per operation and server, and
iamd's throughput as a multiple of moto's. Not a test: machines are noisy; read the figures, keep them in
the README.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCOUNT_ID = "123456789012"
KEY_ID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
CONCURRENCY = (1, 16)


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], probe: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server at {url} exited early")
        try:
            with urllib.request.urlopen(url + probe, timeout=1):
                return
        except urllib.error.HTTPError:
            return  # answering, even with an error status
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


@contextlib.contextmanager
def iamd_server(workers: int, *, audit: bool = True) -> Iterator[Server]:
    """iamd as deployed; ``audit=False`` builds every audit event and drops it (IAMD_AUDIT_SINK=none), the
    reference for what recording costs."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="iamd-bench-") as data_dir:
        args = [sys.executable, "-m", "iamd", "serve", "--port", str(port), "--data-dir", data_dir]
        args += ["--workers", str(workers), "--account-id", ACCOUNT_ID]
        args += ["--root-access-key-id", KEY_ID, "--root-secret-access-key", SECRET]
        # The CreateUser runs add tens of thousands of users: past AWS's default of 5,000 per account.
        args += ["--quota", "UsersPerAccount=1000000"]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IAMD_", "AWS_"))}
        if not audit:
            env["IAMD_AUDIT_SINK"] = "none"
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        server = Server("iamd", f"http://127.0.0.1:{port}", process)
        try:
            wait_until_up(server.url, process, "/_iamd/health")
            yield server
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


@contextlib.contextmanager
def moto_server() -> Iterator[Server]:
    port = free_port()
    moto = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or "moto_server"
    process = subprocess.Popen([moto, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server("moto", f"http://127.0.0.1:{port}", process)
    try:
        wait_until_up(server.url, process, "/")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


def presign(url: str, service: str, params: dict[str, str], expires: int = 3600) -> str:
    """A presigned GET path+query for a Query API call (service ``iam`` or ``sts``)."""
    query = "&".join(f"{k}={urllib.request.quote(v, safe='')}" for k, v in params.items())
    request = AWSRequest(method="GET", url=f"{url}/?{query}")
    SigV4QueryAuth(Credentials(KEY_ID, SECRET), service, "us-east-1", expires=expires).add_auth(request)
    return request.url[len(url) :]


def client(server: Server, service: str) -> object:
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


def seed_users(server: Server, count: int) -> None:
    iam = client(server, "iam")
    for i in range(count):
        iam.create_user(UserName=f"bench-{i:05d}", Path="/bench/")  # type: ignore[attr-defined]


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


_LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

_LIST_SCRIPT = """
paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
counter = 0
request = function()
  counter = counter + 1
  if counter > #paths then counter = 1 end
  return wrk.format("GET", paths[counter])
end
"""


def run_wrk(url: str, paths: list[str], connections: int, duration: int, workdir: Path) -> Figures:
    """wrk over ``paths`` (one path replayed, or a list walked once in order)."""
    args = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    env = dict(os.environ)
    if len(paths) == 1:
        args.append(url + paths[0])
    else:
        listing = workdir / f"paths-{time.monotonic_ns()}.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = workdir / "walk.lua"
        script.write_text(_LIST_SCRIPT)
        env["WRK_PATHS"] = str(listing)
        args += ["-s", str(script), url + "/"]
    out = subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout
    latencies = {m.group(1): float(m.group(2)) * _UNITS[m.group(3)] for m in _LATENCY.finditer(out)}
    errors = _ERRORS.search(out)
    rps = _RPS.search(out)
    return Figures(
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=latencies.get("50", float("nan")),
        p99_ms=latencies.get("99", float("nan")),
        errors=int(errors.group(1)) if errors else 0,
    )


def replayable_operations(server: Server) -> dict[str, str]:
    """Operations whose one presigned request can be replayed: the same answer every time."""
    url = server.url
    iam = {"Version": IAM_VERSION}
    return {
        "GetCallerIdentity": presign(url, "sts", {"Action": "GetCallerIdentity", "Version": STS_VERSION}),
        "GetUser": presign(url, "iam", {**iam, "Action": "GetUser", "UserName": "bench-00042"}),
        "ListUsers (page of 100)": presign(
            url, "iam", {**iam, "Action": "ListUsers", "PathPrefix": "/bench/", "MaxItems": "100"}
        ),
    }


def create_user_paths(server: Server, prefix: str, count: int) -> list[str]:
    """Distinct presigned CreateUser requests: each name is used once."""
    params = {"Version": IAM_VERSION, "Action": "CreateUser"}
    return [presign(server.url, "iam", {**params, "UserName": f"{prefix}-{i:06d}"}) for i in range(count)]


def measure(
    server: Server, duration: int, users: int, creates_per_second: int, workdir: Path
) -> dict[tuple[str, int], Figures]:
    seed_users(server, users)
    results: dict[tuple[str, int], Figures] = {}
    runs = [(name, [path]) for name, path in replayable_operations(server).items()]
    for name, paths in runs:
        for connections in CONCURRENCY:
            results[(name, connections)] = run_wrk(server.url, paths, connections, duration, workdir)
    for connections in CONCURRENCY:
        paths = create_user_paths(server, f"new-c{connections}", creates_per_second * duration)
        results[("CreateUser", connections)] = run_wrk(server.url, paths, connections, duration, workdir)
    for (name, connections), figures in results.items():
        print(f"  {server.name:5} {name:26} c={connections:<3} {figures}", file=sys.stderr)
    return results


Results = dict[tuple[str, int], Figures]


def print_table(iamd: Results, moto: Results | None, unaudited: Results | None) -> None:
    header = (
        f"| {'operation':26} | c  | iamd req/s | p50 ms | p99 ms | moto req/s | iamd/moto "
        "| audit to nowhere req/s | audit on/off |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for key, mine in iamd.items():
        name, connections = key
        theirs = moto.get(key) if moto else None
        bare = unaudited.get(key) if unaudited else None
        ratio = f"{mine.rps / theirs.rps:9.1f}x" if theirs and theirs.rps else "        -"
        moto_rps = f"{theirs.rps:10.0f}" if theirs else "         -"
        bare_rps = f"{bare.rps:22.0f}" if bare else " " * 21 + "-"
        share = f"{mine.rps / bare.rps:11.0%}" if bare and bare.rps else " " * 10 + "-"
        errors = f" ({mine.errors} errors)" if mine.errors else ""
        print(
            f"| {name:26} | {connections:<2} | {mine.rps:10.0f} | {mine.p50_ms:6.1f} | {mine.p99_ms:6.1f} "
            f"| {moto_rps} | {ratio} | {bare_rps} | {share} |{errors}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--users", type=int, default=1000, help="users created before ListUsers")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument(
        "--compare-audit",
        action="store_true",
        help="also run iamd with audit events dropped (the cost of recording)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench-http` installs it (Debian package wrk)")
    with tempfile.TemporaryDirectory() as workdir:
        with iamd_server(args.workers) as server:
            iamd = measure(server, args.duration, args.users, 2500, Path(workdir))
        unaudited = None
        if args.compare_audit:
            with iamd_server(args.workers, audit=False) as server:
                unaudited = measure(server, args.duration, args.users, 2500, Path(workdir))
        moto = None
        if not args.skip_moto:
            with moto_server() as server:
                moto = measure(server, args.duration, args.users, 400, Path(workdir))
    print_table(iamd, moto, unaudited)


if __name__ == "__main__":
    main()
