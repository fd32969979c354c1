"""The error tree of iamd. Every error a client can see is an :class:`IamdError`.

Each class carries, as class attributes, the AWS error ``code``, the HTTP ``status``, whether the
fault is the sender's (``sender_fault``, rendered as ``<Type>Sender</Type>``) and a default message.
Handlers raise; one renderer in ``iamd.wire`` turns any IamdError into AWS's error document.
Anything that is not an IamdError becomes a ServiceFailure (500), logged with the request id.

    IamdError
    ├── ClientError                      (sender fault, 4xx)
    │   ├── InvalidInput                 400  InvalidInput
    │   ├── ValidationError              400  ValidationError
    │   ├── MalformedPolicyDocument      400  MalformedPolicyDocument
    │   ├── InvalidAction                400  InvalidAction
    │   ├── MissingParameter             400  MissingParameter
    │   ├── InvalidParameterValue        400  InvalidParameterValue
    │   ├── InvalidParameterCombination  400  InvalidParameterCombination
    │   ├── NoSuchEntity                 404  NoSuchEntity
    │   ├── EntityAlreadyExists          409  EntityAlreadyExists
    │   ├── DeleteConflict               409  DeleteConflict
    │   ├── LimitExceeded                409  LimitExceeded
    │   ├── ConcurrentModification       409  ConcurrentModification
    │   ├── UnmodifiableEntity           400  UnmodifiableEntity
    │   ├── PasswordPolicyViolation      400  PasswordPolicyViolation
    │   ├── EntityTemporarilyUnmodifiable 409 EntityTemporarilyUnmodifiable
    │   ├── InvalidAuthenticationCode    403  InvalidAuthenticationCode
    │   ├── InvalidIdentityToken         400  InvalidIdentityToken (web identity and SAML)
    │   ├── ExpiredIdentityToken         400  ExpiredTokenException (STS model's wire code)
    │   ├── IDPRejectedClaim             403  IDPRejectedClaim
    │   ├── IDPCommunicationError        400  IDPCommunicationError
    │   ├── PackedPolicyTooLarge         400  PackedPolicyTooLarge
    │   ├── MissingAction                400  MissingAction (Query request without Action)
    │   ├── MalformedInput               400  MalformedInput (a Query value that is not of its type)
    │   ├── SerializationException       400  SerializationException (REST-JSON body not of its shape)
    │   ├── UnknownOperationException    404  UnknownOperationException (REST path matches no operation)
    │   ├── InvalidAuthorizationMessage  400  InvalidAuthorizationMessageException (STS)
    │   └── AuthError                    (authentication and authorization)
    │       ├── MissingAuthenticationToken 403  MissingAuthenticationToken
    │       ├── IncompleteSignature      400  IncompleteSignature
    │       ├── InvalidClientTokenId     403  InvalidClientTokenId
    │       ├── SignatureDoesNotMatch    403  SignatureDoesNotMatch
    │       ├── ExpiredToken             400  ExpiredToken
    │       ├── RequestExpired           400  RequestExpired
    │       └── AccessDenied             403  AccessDenied
    └── ServerError                      (service fault, 5xx)
        └── ServiceFailure               500  ServiceFailure

Status codes and codes follow the IAM and STS service models and AWS's common errors page
(https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html).
"""

from __future__ import annotations

from typing import ClassVar


class IamdError(Exception):
    """Base of every error a client may see."""

    code: ClassVar[str] = "InternalFailure"
    status: ClassVar[int] = 500
    sender_fault: ClassVar[bool] = False
    default_message: ClassVar[str] = "An internal error occurred."

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)


class ClientError(IamdError):
    status = 400
    sender_fault = True
    code = "InvalidInput"
    default_message = "The request was invalid."


class InvalidInput(ClientError):
    code = "InvalidInput"


class ValidationError(ClientError):
    code = "ValidationError"


class MalformedPolicyDocument(ClientError):
    code = "MalformedPolicyDocument"
    default_message = "The policy document is malformed."


class InvalidAction(ClientError):
    code = "InvalidAction"
    default_message = "The action or operation requested is invalid."


class MissingParameter(ClientError):
    code = "MissingParameter"


class InvalidParameterValue(ClientError):
    code = "InvalidParameterValue"


class InvalidParameterCombination(ClientError):
    code = "InvalidParameterCombination"


class NoSuchEntity(ClientError):
    code = "NoSuchEntity"
    status = 404


class EntityAlreadyExists(ClientError):
    code = "EntityAlreadyExists"
    status = 409


class DeleteConflict(ClientError):
    code = "DeleteConflict"
    status = 409


class LimitExceeded(ClientError):
    code = "LimitExceeded"
    status = 409


class ConcurrentModification(ClientError):
    code = "ConcurrentModification"
    status = 409


class UnmodifiableEntity(ClientError):
    code = "UnmodifiableEntity"


class PasswordPolicyViolation(ClientError):
    code = "PasswordPolicyViolation"


class EntityTemporarilyUnmodifiable(ClientError):
    code = "EntityTemporarilyUnmodifiable"
    status = 409


class InvalidAuthenticationCode(ClientError):
    """A wrong MFA code (IAM service model: InvalidAuthenticationCodeException)."""

    code = "InvalidAuthenticationCode"
    status = 403
    default_message = "Authentication code for device is not valid."


class InvalidIdentityToken(ClientError):
    """A web identity token or SAML response STS cannot accept."""

    code = "InvalidIdentityToken"
    default_message = "The web identity token that was passed could not be validated by AWS."


class ExpiredIdentityToken(ClientError):
    """An expired web identity token or SAML response (``ExpiredTokenException``, the STS wire code)."""

    code = "ExpiredTokenException"
    default_message = "Token expired"


class IDPRejectedClaim(ClientError):
    code = "IDPRejectedClaim"
    status = 403


class IDPCommunicationError(ClientError):
    code = "IDPCommunicationError"
    default_message = "Couldn't retrieve verification key from your identity provider."


class PackedPolicyTooLarge(ClientError):
    code = "PackedPolicyTooLarge"
    default_message = "Packed policy consumes more than the allotted space, please use smaller policy."


class AuthError(ClientError):
    status = 403


class MissingAuthenticationToken(AuthError):
    code = "MissingAuthenticationToken"
    default_message = "Request is missing Authentication Token"


class IncompleteSignature(AuthError):
    code = "IncompleteSignature"
    status = 400


class InvalidClientTokenId(AuthError):
    code = "InvalidClientTokenId"
    default_message = "The security token included in the request is invalid."


class SignatureDoesNotMatch(AuthError):
    code = "SignatureDoesNotMatch"
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )


class ExpiredToken(AuthError):
    code = "ExpiredToken"
    status = 400
    default_message = "The security token included in the request is expired"


class RequestExpired(AuthError):
    code = "RequestExpired"
    status = 400


class AccessDenied(AuthError):
    code = "AccessDenied"
    default_message = "Access denied"


class ServerError(IamdError):
    status = 500
    sender_fault = False


class ServiceFailure(ServerError):
    code = "ServiceFailure"
    default_message = "The request processing has failed because of an unknown error, exception or failure."


class MissingAction(ClientError):
    code = "MissingAction"
    default_message = "Missing Action"


class MalformedInput(ClientError):
    code = "MalformedInput"
    default_message = "Invalid input."


class SerializationException(ClientError):
    code = "SerializationException"
    default_message = "Start of structure or map found where not expected."


class UnknownOperationException(ClientError):
    code = "UnknownOperationException"
    status = 404
    default_message = "The requested operation is not recognized by the service."


class InvalidAuthorizationMessage(ClientError):
    """STS DecodeAuthorizationMessage: not a message this server encoded, or changed (code and status from
    the STS service model's InvalidAuthorizationMessageException)."""

    code = "InvalidAuthorizationMessageException"
    default_message = "The specified authorization message is not valid."
