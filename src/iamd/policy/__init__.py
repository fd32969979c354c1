"""The policy engine: parse, compile and evaluate AWS policies. Pure: no I/O (see README.md)."""

from iamd.policy.ast import PolicyDocument
from iamd.policy.compile import CompiledPolicy, compile_document, compile_json, compile_source
from iamd.policy.errors import PolicySyntaxError
from iamd.policy.evaluate import PolicySet, evaluate
from iamd.policy.explain import Decision, StatementRef
from iamd.policy.parse import parse_policy
from iamd.policy.request import Principal, Request
from iamd.policy.simulate import run_request

__all__ = [
    "CompiledPolicy",
    "Decision",
    "PolicyDocument",
    "PolicySet",
    "PolicySyntaxError",
    "Principal",
    "Request",
    "StatementRef",
    "compile_document",
    "compile_json",
    "compile_source",
    "evaluate",
    "parse_policy",
    "run_request",
]
