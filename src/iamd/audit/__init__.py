"""The audit trail: one CloudTrail-format event per request, queries over it, and signed exports."""
