"""One org's binding of the catalog's logical fields, and record <-> domain translation.
Never does: HTTP to Salesforce outside integration.

Entry points others call:
    load_mapping / load_yaml / default_mapping     -> FieldMapping
    read_spec(mapping, describes=None)             -> integration.contracts.ReadSpec
    build_org_index(org_data, mapping)             -> OrgIndex
    to_snapshot(bundle, mapping, index, now, issues=None) -> AccountSnapshot
    to_org_context(org_data, mapping, competitors) -> OrgContext
    last_written_of(record, mapping, "account"|"contact") -> {API name: value}
    to_record_writes(plan, mapping, last_written=None, issues=None, current=None)
                                                   -> list[RecordWrite]
    preflight(mapping, describes)                  -> PreflightReport (.ok)
    MappingStore(redis, org_key)                   -> versions in Redis
    api.init_app(app, store_factory, describe_provider, sample_provider)
"""
