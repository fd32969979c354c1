"""Policy engine benchmark: decisions per second on one core, and compile cost. Prints tables; not a test.

    .venv/bin/python bench/policy_bench.py              # all three measurements
    .venv/bin/python bench/policy_bench.py --profile    # cProfile of case (b) at N=10, top 25 by tottime

(a) the repository's evaluation cases (tests/cases/evaluation/**/*.json) replayed;
(b) a synthetic principal with N = 1, 10, 100, 1000 identity statements against 10,000 distinct requests;
(c) compile cost of one policy of N statements (cache cleared), via ``compile_json``.
Targets are those of issue 3 (section 6). Everything synthetic is generated from a fixed seed.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from iamd.policy import compile as policy_compile
from iamd.policy.compile import CompiledPolicy, compile_json
from iamd.policy.evaluate import PolicySet, evaluate
from iamd.policy.request import Principal, Request
from iamd.policy.simulate import RequestError, parse_policies, parse_request

ROOT = Path(__file__).resolve().parents[1]
CASES_DIR = ROOT / "tests" / "cases" / "evaluation"
SIZES = (1, 10, 100, 1000)
TARGETS = {10: 100_000, 1000: 20_000}  # decisions/s on one core (issue 3, section 6)
ACCOUNT = "111122223333"
STATEMENTS_PER_POLICY = 20  # a principal's statements spread over several attached policies


def pin_to_one_core(cpu: int) -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


@dataclass(frozen=True)
class Rate:
    wall: float  # operations per second of elapsed time (time.perf_counter)
    cpu: float  # operations per second of this process's CPU time: steadier when others share the core


def rate(run_once: Callable[[], int], min_seconds: float) -> Rate:
    """Operations per second of ``run_once`` (which returns how many operations it did), after a warm-up."""
    run_once()
    done, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while True:
        done += run_once()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return Rate(done / elapsed, done / max(time.process_time() - cpu_start, 1e-9))


# -- (a) the repository's own cases ---------------------------------------------------------------------


def load_cases() -> list[tuple[Request, PolicySet]]:
    pairs: list[tuple[Request, PolicySet]] = []
    for path in sorted(CASES_DIR.glob("**/*.json")):
        loaded = orjson.loads(path.read_bytes())
        for case in loaded if isinstance(loaded, list) else [loaded]:
            try:
                pairs.append((parse_request(case["request"]), parse_policies(case.get("policies") or {})))
            except (RequestError, KeyError, TypeError):
                continue  # a case meant to be an error (or not a request) is not a decision to time
    return pairs


def bench_cases(min_seconds: float) -> tuple[int, Rate]:
    pairs = load_cases()
    if not pairs:
        return 0, Rate(0.0, 0.0)

    def once() -> int:
        for request, policies in pairs:
            evaluate(request, policies)
        return len(pairs)

    return len(pairs), rate(once, min_seconds)


# -- (b) the synthetic principal ------------------------------------------------------------------------

SERVICES: dict[str, tuple[str, ...]] = {
    "s3": ("GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy", "GetObjectTagging"),
    "ec2": ("DescribeInstances", "DescribeVolumes", "RunInstances", "TerminateInstances", "StartInstances"),
    "iam": ("GetUser", "ListUsers", "PassRole", "CreateRole", "GetRole", "ListRoles"),
    "dynamodb": ("GetItem", "PutItem", "Query", "Scan", "DescribeTable", "DeleteItem"),
    "lambda": ("InvokeFunction", "GetFunction", "ListFunctions", "UpdateFunctionCode"),
    "sqs": ("SendMessage", "ReceiveMessage", "DeleteMessage", "GetQueueAttributes", "ListQueues"),
    "sns": ("Publish", "Subscribe", "ListTopics", "GetTopicAttributes"),
    "kms": ("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "ListKeys"),
    "logs": ("CreateLogGroup", "PutLogEvents", "DescribeLogGroups", "GetLogEvents"),
    "cloudwatch": ("PutMetricData", "GetMetricData", "DescribeAlarms", "ListMetrics"),
    "rds": ("DescribeDBInstances", "CreateDBInstance", "DeleteDBInstance", "ListTagsForResource"),
    "ecr": ("GetAuthorizationToken", "BatchGetImage", "PutImage", "DescribeRepositories"),
    "ecs": ("RunTask", "DescribeTasks", "ListClusters", "UpdateService"),
    "eks": ("DescribeCluster", "ListClusters", "CreateNodegroup"),
    "sts": ("AssumeRole", "GetCallerIdentity", "TagSession"),
    "secretsmanager": ("GetSecretValue", "DescribeSecret", "ListSecrets", "PutSecretValue"),
    "ssm": ("GetParameter", "GetParameters", "PutParameter", "DescribeParameters"),
    "cloudformation": ("DescribeStacks", "CreateStack", "UpdateStack", "ListStacks"),
    "route53": ("ListHostedZones", "ChangeResourceRecordSets", "GetHostedZone"),
    "elasticloadbalancing": ("DescribeLoadBalancers", "CreateLoadBalancer", "DescribeTargetGroups"),
    "autoscaling": ("DescribeAutoScalingGroups", "UpdateAutoScalingGroup", "SetDesiredCapacity"),
    "kinesis": ("PutRecord", "GetRecords", "DescribeStream", "ListStreams"),
    "firehose": ("PutRecord", "PutRecordBatch", "DescribeDeliveryStream"),
    "glue": ("GetTable", "GetDatabase", "StartJobRun", "GetJobRuns"),
    "athena": ("StartQueryExecution", "GetQueryResults", "ListWorkGroups"),
    "states": ("StartExecution", "DescribeExecution", "ListStateMachines"),
    "events": ("PutEvents", "PutRule", "DescribeRule", "ListRules"),
    "apigateway": ("GET", "POST", "PUT", "DELETE"),
    "cloudfront": ("CreateInvalidation", "GetDistribution", "ListDistributions"),
    "acm": ("DescribeCertificate", "ListCertificates", "RequestCertificate"),
    "elasticache": ("DescribeCacheClusters", "CreateCacheCluster", "ModifyReplicationGroup"),
    "es": ("ESHttpGet", "ESHttpPost", "DescribeDomain"),
    "redshift": ("DescribeClusters", "GetClusterCredentials", "CreateCluster"),
    "sagemaker": ("CreateTrainingJob", "DescribeEndpoint", "InvokeEndpoint", "ListModels"),
    "codebuild": ("StartBuild", "BatchGetBuilds", "ListProjects"),
    "codecommit": ("GitPull", "GitPush", "ListRepositories", "GetRepository"),
    "codedeploy": ("CreateDeployment", "GetDeployment", "ListDeployments"),
    "organizations": ("DescribeOrganization", "ListAccounts", "DescribeAccount"),
    "tag": ("GetResources", "TagResources", "UntagResources"),
    "xray": ("PutTraceSegments", "GetTraceSummaries", "BatchGetTraces"),
}
WILDCARD_VERBS = ("Get*", "List*", "Describe*", "Put*", "*")
TEAMS = ("red", "blue", "green", "amber", "violet")
NETWORKS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/25", "10.0.0.0/8", "2001:db8::/32")


def resource_for(service: str, rng: random.Random, *, pattern: bool) -> str:
    """A resource ARN of the service; with ``pattern``, often a wildcard one as policies write them."""
    n = rng.randrange(100)
    region = rng.choice(("us-east-1", "eu-west-1"))
    if service == "s3":
        return (
            f"arn:aws:s3:::bucket-{n}/*"
            if pattern
            else f"arn:aws:s3:::bucket-{n}/data/{rng.randrange(10**6)}.csv"
        )
    if service in ("iam", "sts"):
        kind = rng.choice(("role", "user"))
        name = "team-*" if pattern and rng.random() < 0.5 else f"team-{n}"
        return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"
    name = f"app-{n}*" if pattern and rng.random() < 0.5 else f"app-{n}-{rng.randrange(1000)}"
    return f"arn:aws:{service}:{region}:{ACCOUNT}:resource/{name}"


def condition_block(rng: random.Random) -> dict[str, Any]:
    kind = rng.randrange(5)
    if kind == 0:
        return {"StringEquals": {"aws:PrincipalTag/team": rng.sample(TEAMS, 2)}}
    if kind == 1:
        return {"IpAddress": {"aws:SourceIp": rng.sample(NETWORKS, 2)}}
    if kind == 2:
        return {"Bool": {rng.choice(("aws:SecureTransport", "aws:MultiFactorAuthPresent")): "true"}}
    if kind == 3:
        return {
            "DateLessThan": {
                "aws:CurrentTime": f"202{rng.randrange(4, 8)}-0{rng.randrange(1, 9)}-01T00:00:00Z"
            }
        }
    return {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "public/*"]}}


def synthetic_statement(rng: random.Random, index: int) -> dict[str, Any]:
    service = rng.choice(tuple(SERVICES))
    roll = rng.random()
    statement: dict[str, Any] = {"Sid": f"S{index}"}
    if roll < 0.35:  # wildcard actions
        statement["Action"] = [f"{service}:{rng.choice(WILDCARD_VERBS)}"]
    else:  # exact actions of one or two services
        names = [f"{service}:{a}" for a in rng.sample(SERVICES[service], min(3, len(SERVICES[service])))]
        other = rng.choice(tuple(SERVICES))
        names.append(f"{other}:{rng.choice(SERVICES[other])}")
        statement["Action"] = names
    statement["Resource"] = "*" if rng.random() < 0.25 else [resource_for(service, rng, pattern=True)]
    statement["Effect"] = "Deny" if rng.random() < 0.08 else "Allow"
    if rng.random() < 0.4:
        statement["Condition"] = condition_block(rng)
    return statement


def synthetic_policies(n: int, seed: int = 17) -> list[dict[str, Any]]:
    rng = random.Random(seed * 1_000_003 + n)
    statements = [synthetic_statement(rng, i) for i in range(n)]
    return [
        {"Version": "2012-10-17", "Statement": statements[i : i + STATEMENTS_PER_POLICY]}
        for i in range(0, n, STATEMENTS_PER_POLICY)
    ]


def random_time(rng: random.Random) -> str:
    return f"202{rng.randrange(4, 8)}-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T12:00:00Z"


def synthetic_requests(count: int, seed: int = 42) -> list[Request]:
    rng = random.Random(seed)
    principal = Principal("user", f"arn:aws:iam::{ACCOUNT}:user/alice", ACCOUNT)
    requests = []
    for i in range(count):
        service = rng.choice(tuple(SERVICES))
        context: dict[str, str | tuple[str, ...]] = {
            "aws:username": "alice",
            "aws:PrincipalTag/team": rng.choice(TEAMS),
            "aws:SourceIp": rng.choice(("192.0.2.", "198.51.100.", "203.0.113.")) + str(rng.randrange(256)),
            "aws:SecureTransport": rng.choice(("true", "false")),
            "aws:CurrentTime": random_time(rng),
            "aws:RequestId": str(i),  # makes every request distinct
        }
        if rng.random() < 0.5:
            context["aws:MultiFactorAuthPresent"] = "true"
        if service == "s3":
            context["s3:prefix"] = rng.choice(("home/alice/x", "public/a", "private/b"))
        requests.append(
            Request.build(
                principal,
                f"{service}:{rng.choice(SERVICES[service])}",
                resource_for(service, rng, pattern=False),
                ACCOUNT,
                context,
            )
        )
    return requests


def policy_set(documents: Sequence[dict[str, Any]]) -> PolicySet:
    compiled: list[CompiledPolicy] = [compile_json(d, with_principals=False) for d in documents]
    return PolicySet.of(identity=compiled)


@dataclass(frozen=True)
class SyntheticResult:
    n: int
    rate: Rate
    outcomes: Counter[str]


def bench_synthetic(n: int, requests: Sequence[Request], min_seconds: float) -> SyntheticResult:
    policies = policy_set(synthetic_policies(n))
    outcomes: Counter[str] = Counter(str(evaluate(r, policies).decision) for r in requests)

    def once() -> int:
        for request in requests:
            evaluate(request, policies)
        return len(requests)

    return SyntheticResult(n, rate(once, min_seconds), outcomes)


# -- (c) compile cost -----------------------------------------------------------------------------------


def bench_compile(n: int, min_seconds: float) -> tuple[float, float]:
    """Seconds (wall, CPU) to parse and compile one policy of ``n`` statements, cache cleared each time.

    The best of repeated calls (as timeit advises): a single compile is short enough for other work on the
    machine or a garbage collection to double it."""
    rng = random.Random(n)
    document = {"Version": "2012-10-17", "Statement": [synthetic_statement(rng, i) for i in range(n)]}
    best_wall = best_cpu = float("inf")
    deadline = time.perf_counter() + min_seconds
    runs = 0
    while runs < 3 or time.perf_counter() < deadline:
        policy_compile._compile_canonical.cache_clear()
        start, cpu_start = time.perf_counter(), time.process_time()
        compile_json(document, with_principals=False)
        best_wall = min(best_wall, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu_start)
        runs += 1
    return best_wall, best_cpu


# -- output ---------------------------------------------------------------------------------------------


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the first and last columns left-aligned (labels), the others right-aligned."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    last = len(widths) - 1

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i in (0, last) else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([title, line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile case (b) and print the top 25 by tottime"
    )
    parser.add_argument(
        "--profile-n", type=int, default=10, help="statement count for --profile (default 10)"
    )
    parser.add_argument(
        "--requests", type=int, default=10_000, help="distinct synthetic requests (default 10000)"
    )
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin to (default 0)")
    parser.add_argument("--seconds", type=float, default=1.5, help="minimum timed seconds per figure")
    args = parser.parse_args(argv)
    print(f"iamd policy benchmark, Python {sys.version.split()[0]}, {pin_to_one_core(args.cpu)}")
    requests = synthetic_requests(args.requests)

    if args.profile:
        policies = policy_set(synthetic_policies(args.profile_n))
        for request in requests:  # warm the per-action candidate memo, as a long-running server would be
            evaluate(request, policies)
        profiler = cProfile.Profile(time.process_time)  # CPU time: other work on the core does not count
        profiler.enable()
        for _ in range(3):
            for request in requests:
                evaluate(request, policies)
        profiler.disable()
        print(f"cProfile: case (b), N={args.profile_n}, {3 * len(requests)} decisions")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return 0

    header = ["measurement", "wall", "CPU time", "unit", "target", "", "notes"]
    rows: list[list[str]] = []
    count, cases_rate = bench_cases(args.seconds)
    rows.append(
        [f"(a) {count} repository cases replayed", f"{cases_rate.wall:,.0f}", f"{cases_rate.cpu:,.0f}",
         "decisions/s", "-", "", ""]
    )  # fmt: skip
    for n in SIZES:
        result = bench_synthetic(n, requests, args.seconds)
        target = TARGETS.get(n)
        # Judged on CPU time: on a shared machine the wall clock also counts other people's work.
        verdict = "" if target is None else ("met" if result.rate.cpu >= target else "MISSED")
        mix = "/".join(f"{result.outcomes[d]}" for d in ("Allow", "ExplicitDeny", "ImplicitDeny"))
        rows.append(
            [f"(b) synthetic principal, N={n}", f"{result.rate.wall:,.0f}", f"{result.rate.cpu:,.0f}",
             "decisions/s", f"{target:,}" if target else "-", verdict, f"Allow/ExplDeny/ImplDeny {mix}"]
        )  # fmt: skip
    for n in SIZES:
        wall, cpu = bench_compile(n, min(args.seconds, 1.0))
        per_statement = f"{cpu * 1e6 / n:,.1f} µs/statement (CPU)"
        label = f"(c) compile one policy, N={n}"
        rows.append([label, f"{wall * 1e6:,.0f}", f"{cpu * 1e6:,.0f}", "µs/policy", "-", "", per_statement])
    print()
    print(table(f"policy engine, one core, {len(requests):,} distinct synthetic requests", header, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
