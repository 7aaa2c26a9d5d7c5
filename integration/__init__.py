"""Salesforce integration layer: auth, API budget, streaming reads, batched idempotent writes.
Never does: business rules (what to write is decided by detection and plays).

Entry points (everything that calls Salesforce goes through one ``SalesforceGateway``):

- ``gateway.SalesforceGateway.from_settings(settings)`` — client + budget + ledger + retries.
- ``reader.OrgReader(gateway, spec).plan() / .stream_bundles() / .read_org_data() /
  .bundles_for(ids) / .changed_account_ids(windows)`` — reads (see ``read_plan``).
- ``writer.RecordWriter(gateway).apply(writes) -> list[WriteOutcome]`` — writes.
- ``sync.SyncRun(gateway, spec, RunStore(redis, org_key), planner).run("full"|"incremental")``
  — one run: read -> plan -> write back, checkpointed under the budget.
- ``read_plan.planned_calls(counts, spec)``, ``read_plan.naive_calls(...)`` and ``bench`` —
  call-count formulas and benchmark figures.
"""
