"""Gather and compile the policies that govern a caller: inline, attached (customer and AWS managed),
the groups' policies, and the permissions boundary.

Documents are read from the store on every request (so a change takes effect on the next request, in
every worker process) and compiled through the engine's content-keyed cache, so reading is the only cost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from iamd.catalog import managed_policy
from iamd.model import PrincipalKind, Role, User
from iamd.policy import CompiledPolicy, PolicySyntaxError, compile_json, compile_source

if TYPE_CHECKING:
    from iamd.store import Transaction

AWS_MANAGED_PREFIX = "arn:aws:iam::aws:policy"


def aws_managed_document(arn: str) -> str | None:
    """The document of an AWS managed policy, by ARN (``arn:aws:iam::aws:policy/path/Name``)."""
    if not arn.startswith(AWS_MANAGED_PREFIX):
        return None
    policy = managed_policy(arn.rsplit("/", 1)[-1])
    return policy.document if policy is not None and policy.arn == arn else None


def managed_documents(tx: Transaction, arns: Iterable[str]) -> list[str]:
    """Default-version documents of managed policies, AWS managed or customer managed."""
    arns = list(arns)
    documents = []
    customer = [a for a in arns if not a.startswith(AWS_MANAGED_PREFIX)]
    found = tx.policies.default_documents(customer) if customer else {}
    for arn in arns:
        document = aws_managed_document(arn) if arn.startswith(AWS_MANAGED_PREFIX) else found.get(arn)
        if document is not None:
            documents.append(document)
    return documents


def compile_text(document: str, *, with_principals: bool = False) -> CompiledPolicy | None:
    """Compile a stored document; one that no longer parses grants nothing (and denies nothing)."""
    try:
        return compile_source(document, with_principals=with_principals)
    except PolicySyntaxError:
        return None


def _compiled(documents: Iterable[str]) -> list[CompiledPolicy]:
    return [c for c in (compile_text(d) for d in documents) if c is not None]


def user_policies(tx: Transaction, user: User) -> list[CompiledPolicy]:
    groups = tx.groups.for_user(user, max_items=1000).items
    group_ids = [g.id for g in groups]
    documents = [p.document for p in tx.inline_policies.all_for(PrincipalKind.USER, [user.id])]
    attached = list(tx.attachments.arns(PrincipalKind.USER, [user.id]).get(user.id, ()))
    if group_ids:
        documents += [p.document for p in tx.inline_policies.all_for(PrincipalKind.GROUP, group_ids)]
        for arns in tx.attachments.arns(PrincipalKind.GROUP, group_ids).values():
            attached.extend(arns)
    documents += managed_documents(tx, dict.fromkeys(attached))
    return _compiled(documents)


def role_policies(tx: Transaction, role: Role) -> list[CompiledPolicy]:
    documents = [p.document for p in tx.inline_policies.all_for(PrincipalKind.ROLE, [role.id])]
    attached = tx.attachments.arns(PrincipalKind.ROLE, [role.id]).get(role.id, ())
    documents += managed_documents(tx, attached)
    return _compiled(documents)


def boundary_policy(tx: Transaction, boundary_arn: str | None) -> CompiledPolicy | None:
    """The boundary's compiled document. A boundary whose policy is gone allows nothing (an empty policy)."""
    if boundary_arn is None:
        return None
    documents = managed_documents(tx, [boundary_arn])
    compiled = _compiled(documents)
    if compiled:
        return compiled[0]
    return compile_json({"Version": "2012-10-17", "Statement": []}, with_principals=False)
