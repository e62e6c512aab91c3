"""Claiming a non-member bill: the outbox that never loses or doubles a claim, the service that
sends and reconciles, the candidates (journal and receipt search) and the brand's limits.

See docs/architecture.md, "Claims". Nothing here imports Textual.
"""
