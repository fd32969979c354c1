"""Operating iamd: Prometheus metrics, readiness, structured logs."""
