"""The AWS services iamd answers (``iam``, ``sts``), one folder per service, one module per resource.

Services see typed parameters (decoded by ``iamd.wire``), a :class:`~iamd.services.call.Call` (the caller,
the request's facts and the open store transaction), and return result mappings for ``iamd.wire`` to
encode. They never import ``iamd.wire`` or SQLAlchemy.
"""
