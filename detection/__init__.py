"""The pure domain: signals with their evidence, strength, health, white-space map,
stakeholders, hypotheses, the portfolio ranking and the documents rendered from them.

Owns: the rules of docs/signal-rules.md, on plain data in and plain data out (``now`` passed in).
Never does: I/O of any kind — no Redis, no HTTP, no clock reads, no Salesforce names.
"""
