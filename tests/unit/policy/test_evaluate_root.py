"""The root user's special cases in evaluation.

Source: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html ("You cannot use AWS account
root user credentials to call AssumeRole"), and the root user's full access to its own account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html).
"""

import pytest

from iamd.policy.simulate import run_request

ROOT = {"type": "root", "arn": "arn:aws:iam::111122223333:root", "account": "111122223333"}


@pytest.mark.parametrize("trusted", ["arn:aws:iam::111122223333:root", "111122223333", "*"])
def test_root_cannot_assume_a_role_whatever_the_trust_policy_names(trusted: str) -> None:
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": "sts:AssumeRole"}]}
    case = {
        "request": {
            "principal": ROOT,
            "action": "sts:AssumeRole",
            "resource": "arn:aws:iam::111122223333:role/admin",
            "resource_account": "111122223333",
        },
        "policies": {"resource": [trust]},
    }
    assert run_request(case)["decision"] == "ImplicitDeny"


def test_root_may_do_anything_else_in_its_own_account() -> None:
    case = {
        "request": {
            "principal": ROOT,
            "action": "iam:DeleteUser",
            "resource": "arn:aws:iam::111122223333:user/bob",
            "resource_account": "111122223333",
        },
        "policies": {},
    }
    assert run_request(case)["decision"] == "Allow"
