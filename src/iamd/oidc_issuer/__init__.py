"""iamd's built-in OIDC test issuer: an RSA key pair in the data dir, a discovery document and JWKS served
under ``/_iamd/oidc``, and signed tokens for ``iamd oidc token``, so that GitHub-Actions-style and IRSA-style
web identity flows can be tested with no internet.

The issuer URL is the server's endpoint plus :data:`ISSUER_PATH` (``http://127.0.0.1:8137/_iamd/oidc``). It
is an ordinary issuer to STS: a role trusts it through an IAM OIDC provider created with that URL, and
AssumeRoleWithWebIdentity fetches its keys over HTTP like any other issuer's.
"""

from iamd.oidc_issuer.issuer import ISSUER_PATH, BuiltinIssuer, issuer_url_of

__all__ = ["ISSUER_PATH", "BuiltinIssuer", "issuer_url_of"]
