"""The Prometheus text exposition of iamd's metrics
(https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format)."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from iamd.observability.metrics import DURATION_BUCKETS, CacheCounts, Metrics, policy_compile_cache_counts
from iamd.policy import compile_source


def samples(text: str) -> dict[str, float]:
    """``name{labels}`` → value, for every sample line."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def test_requests_are_counted_by_service_operation_and_status() -> None:
    metrics = Metrics()
    metrics.observe_request("iam", "ListUsers", 200, 0.002)
    metrics.observe_request("iam", "ListUsers", 200, 0.003)
    metrics.observe_request("iam", "ListUsers", 403, 0.001)
    metrics.observe_request("sts", "GetCallerIdentity", 200, 0.001)
    got = samples(metrics.render())
    assert got['iamd_requests_total{service="iam",operation="ListUsers",status="200"}'] == 2
    assert got['iamd_requests_total{service="iam",operation="ListUsers",status="403"}'] == 1
    assert got['iamd_requests_total{service="sts",operation="GetCallerIdentity",status="200"}'] == 1


@pytest.mark.parametrize(
    ("seconds", "first_bucket"),
    [
        (0.0001, "0.0005"),
        (0.0005, "0.0005"),  # le: a value on a bound counts in that bucket
        (0.0007, "0.001"),
        (0.02, "0.025"),
        (7.0, "+Inf"),
    ],
)
def test_histogram_buckets_are_cumulative(seconds: float, first_bucket: str) -> None:
    metrics = Metrics()
    metrics.observe_request("iam", "GetUser", 200, seconds)
    got = samples(metrics.render())
    bounds = [*(repr(b) if b != int(b) else str(int(b)) for b in DURATION_BUCKETS), "+Inf"]
    counts = [
        got[f'iamd_request_duration_seconds_bucket{{service="iam",operation="GetUser",le="{b}"}}']
        for b in bounds
    ]
    first = bounds.index(first_bucket)
    assert counts == [0] * first + [1] * (len(bounds) - first)
    assert got['iamd_request_duration_seconds_count{service="iam",operation="GetUser"}'] == 1
    assert got['iamd_request_duration_seconds_sum{service="iam",operation="GetUser"}'] == pytest.approx(
        seconds
    )


def test_exposition_declares_every_metric_once_with_per_worker_help() -> None:
    metrics = Metrics(lambda: CacheCounts(hits=5, misses=2))
    metrics.observe_request("iam", "GetUser", 200, 0.01)
    text = metrics.render()
    assert text.endswith("\n")
    types = [line.split()[2:] for line in text.splitlines() if line.startswith("# TYPE")]
    assert types == [
        ["iamd_requests_total", "counter"],
        ["iamd_request_duration_seconds", "histogram"],
        ["iamd_decisions_total", "counter"],
        ["iamd_policy_compile_cache_hits_total", "counter"],
        ["iamd_policy_compile_cache_misses_total", "counter"],
    ]
    helps = [line for line in text.splitlines() if line.startswith("# HELP")]
    assert all("this worker process" in line for line in helps)
    got = samples(text)
    assert got["iamd_policy_compile_cache_hits_total"] == 5
    assert got["iamd_policy_compile_cache_misses_total"] == 2


def test_decisions_start_at_zero_for_every_kind() -> None:
    metrics = Metrics()
    metrics.count_decision("ImplicitDeny")
    metrics.count_decision("ImplicitDeny")
    got = samples(metrics.render())
    assert got['iamd_decisions_total{decision="Allow"}'] == 0
    assert got['iamd_decisions_total{decision="ExplicitDeny"}'] == 0
    assert got['iamd_decisions_total{decision="ImplicitDeny"}'] == 2


def test_label_values_are_escaped() -> None:
    metrics = Metrics()
    metrics.observe_request('i"a\\m\n', "X", 200, 0.001)
    assert 'service="i\\"a\\\\m\\n"' in metrics.render()


def test_counters_are_exact_under_concurrent_updates() -> None:
    metrics = Metrics()

    def work() -> None:
        for _ in range(2000):
            metrics.observe_request("iam", "GetUser", 200, 0.001)
            metrics.count_decision("Allow")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    got = samples(metrics.render())
    assert got['iamd_requests_total{service="iam",operation="GetUser",status="200"}'] == 16000
    assert got['iamd_request_duration_seconds_count{service="iam",operation="GetUser"}'] == 16000
    assert got['iamd_decisions_total{decision="Allow"}'] == 16000


def test_policy_compile_cache_counts_follow_the_compile_cache() -> None:
    sid = uuid.uuid4().hex  # a text no other test compiled
    statement = {"Sid": sid, "Effect": "Allow", "Action": "*", "Resource": "*"}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    before = policy_compile_cache_counts()
    compile_source(text, with_principals=False)
    compile_source(text, with_principals=False)
    after = policy_compile_cache_counts()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 1
