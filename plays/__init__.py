"""Play 04, Play 02 and the routing rules: findings in, a plan of writes out.

Owns: which Tasks, Opportunities, Events, Files and field values an account's findings call
for, each with its deterministic idempotency key.
Never does: I/O (the workers apply the plan through crm_mapping and integration).
"""
