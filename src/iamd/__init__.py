"""iamd: self-hosted identity and access management, wire-compatible with AWS IAM, STS and Access Analyzer."""

__version__ = "0.1.0"
