"""iamd's wire layer: AWS's Query (XML) and REST-JSON protocols, driven by AWS's own service models.

Pure: nothing here does I/O beyond reading the packaged models (see README.md in this package).
"""
