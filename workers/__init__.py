"""RQ queues, jobs and schedules: the orchestration of read -> detect -> plan -> write.

Owns: full scans, incremental back-syncs, event scans, handoffs, digests, SLA and QBR jobs,
their retries and the insights the dashboard reads.
Never does: parse HTTP requests, or decide business rules (detection and plays do).
"""
