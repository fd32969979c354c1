"""Prometheus metrics in the text exposition format, kept by hand (no client library is installed).

The hot path pays one lock and a few dict increments per request
(https://prometheus.io/docs/instrumenting/exposition_formats/ for the format). Counters live in this
process: with ``iamd serve --workers N`` each scrape reaches one worker, so the HELP texts say "this worker
process"; sum across the workers' series (or run one worker) for server totals.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Milliseconds matter: most requests finish in 1-20 ms, the slowest (Argon2 logins, big listings) in ~1 s.
DURATION_BUCKETS: tuple[float, ...] = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)
DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")
PER_WORKER = " (this worker process; with --workers N, sum the workers' series)"


@dataclass(frozen=True, slots=True)
class CacheCounts:
    hits: int
    misses: int


@dataclass(slots=True)
class _Histogram:
    buckets: list[int]  # per bucket (not cumulative); the last one is +Inf
    total: float = 0.0
    count: int = 0


def escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{name}="{escape_label(value)}"' for name, value in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value)) if value != int(value) else str(int(value))


class Metrics:
    """Request, decision and cache metrics of one process; safe to update from many threads."""

    def __init__(self, cache_counts: Callable[[], CacheCounts] | None = None) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        self._durations: dict[tuple[str, str], _Histogram] = {}
        self._decisions: dict[str, int] = dict.fromkeys(DECISIONS, 0)
        self._cache_counts = cache_counts

    def observe_request(self, service: str, operation: str, status: int, seconds: float) -> None:
        """One finished request. ``operation`` must come from a closed set (the operation table), never
        the client's text, or the series would grow without bound."""
        bucket = bisect.bisect_left(DURATION_BUCKETS, seconds)
        key = (service, operation)
        with self._lock:
            counted = (service, operation, str(status))
            self._requests[counted] = self._requests.get(counted, 0) + 1
            histogram = self._durations.get(key)
            if histogram is None:
                histogram = self._durations[key] = _Histogram([0] * (len(DURATION_BUCKETS) + 1))
            histogram.buckets[bucket] += 1
            histogram.total += seconds
            histogram.count += 1

    def count_decision(self, decision: str) -> None:
        with self._lock:
            self._decisions[decision] = self._decisions.get(decision, 0) + 1

    def render(self) -> str:
        """The exposition text of every metric, as one consistent snapshot."""
        with self._lock:
            requests = sorted(self._requests.items())
            durations = sorted((key, list(h.buckets), h.total, h.count) for key, h in self._durations.items())
            decisions = sorted(self._decisions.items())
        lines: list[str] = []
        lines += _header(
            "iamd_requests_total", "counter", "Requests answered, by service, operation and HTTP status"
        )
        lines += [
            f"iamd_requests_total{_labels(service=s, operation=o, status=c)} {n}" for (s, o, c), n in requests
        ]
        lines += _header("iamd_request_duration_seconds", "histogram", "Time to answer a request, in seconds")
        for (service, operation), buckets, total, count in durations:
            lines += _histogram_lines(
                "iamd_request_duration_seconds", service, operation, buckets, total, count
            )
        lines += _header(
            "iamd_decisions_total", "counter", "Authorization decisions of the policy engine, by kind"
        )
        lines += [f"iamd_decisions_total{_labels(decision=d)} {n}" for d, n in decisions]
        if self._cache_counts is not None:
            counts = self._cache_counts()
            for name, value in (("hits", counts.hits), ("misses", counts.misses)):
                metric = f"iamd_policy_compile_cache_{name}_total"
                lines += _header(metric, "counter", f"Compiled-policy cache {name}")
                lines.append(f"{metric} {value}")
        return "\n".join(lines) + "\n"


def _header(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}{PER_WORKER}.", f"# TYPE {name} {kind}"]


def _histogram_lines(
    name: str, service: str, operation: str, buckets: Iterable[int], total: float, count: int
) -> list[str]:
    lines = []
    cumulative = 0
    bounds = [*(_number(b) for b in DURATION_BUCKETS), "+Inf"]
    for bound, n in zip(bounds, buckets, strict=True):
        cumulative += n
        lines.append(f"{name}_bucket{_labels(service=service, operation=operation, le=bound)} {cumulative}")
    lines.append(f"{name}_sum{_labels(service=service, operation=operation)} {total!r}")
    lines.append(f"{name}_count{_labels(service=service, operation=operation)} {count}")
    return lines


def policy_compile_cache_counts() -> CacheCounts:
    """Hits and misses of ``iamd.policy.compile``'s two compiled-policy caches (by text, by content)."""
    from iamd.policy import compile as compile_module

    infos = [compile_module._compile_source.cache_info(), compile_module._compile_canonical.cache_info()]
    return CacheCounts(sum(i.hits for i in infos), sum(i.misses for i in infos))
