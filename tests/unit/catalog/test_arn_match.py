"""Does a Resource element fit a catalog ARN format? Formats from the Service Authorization Reference."""

from __future__ import annotations

import pytest

from iamd.catalog import arn_fits_format

BUCKET = "arn:${Partition}:s3:::${BucketName}"
OBJECT = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
ROLE = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"
FUNCTION = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"


@pytest.mark.parametrize(
    ("resource", "arn_format", "fits"),
    [
        ("arn:aws:s3:::bucket", BUCKET, True),
        ("arn:aws:s3:::bucket", OBJECT, False),
        ("arn:aws:s3:::bucket/*", OBJECT, True),
        ("arn:aws:s3:::bucket/key.txt", OBJECT, True),
        ("arn:aws:s3:::*", OBJECT, True),
        (
            "arn:aws:s3:::bucket/*",
            BUCKET,
            True,
        ),  # a bucket name may not contain "/", but the format allows it
        ("arn:aws:s3:*", OBJECT, True),
        ("arn:aws:iam::111122223333:role/app", ROLE, True),
        ("arn:aws:iam::111122223333:role/*", ROLE, True),
        ("arn:aws:iam::111122223333:user/bob", ROLE, False),
        ("arn:aws:s3:::bucket/*", ROLE, False),
        ("arn:aws:lambda:us-east-1:111122223333:function:f", FUNCTION, True),
        ("arn:aws:lambda:*:*:function:*", FUNCTION, True),
        ("arn:aws:lambda:us-east-1:111122223333:layer:l", FUNCTION, False),
        ("arn:aws:lambda:us-east-?:111122223333:function:f", FUNCTION, True),
        ("arn:aws:s3:::home/${aws:username}/*", OBJECT, True),
        ("ARN:AWS:S3:::Bucket", BUCKET, True),
    ],
)
def test_arn_fits_format(resource: str, arn_format: str, fits: bool) -> None:
    assert arn_fits_format(resource, arn_format) is fits
