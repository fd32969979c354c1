"""From HTTP to service operations and back: authentication, decoding, authorization, dispatch, encoding.

The gateway is the only place that knows both ``iamd.wire`` and ``iamd.services``.
"""
