"""Authentication: SigV4 verification, access-key resolution, secrets at rest, identifier generation.

Modules: ``sigv4`` (parse and verify signatures), ``authenticate`` (parse → resolve → status → verify),
``secrets`` (AES-GCM secret box, master key), ``keys`` (AWS-shaped ids and secrets). Pure; see README.md.
"""
