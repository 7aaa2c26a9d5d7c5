"""Mapping versions in a real Redis."""

from __future__ import annotations

import pytest
import redis

from crm_mapping.document import MappingInvalid, default_mapping
from crm_mapping.store import MappingStore, VersionNotFound
from tests.crm_mapping.conftest import OTHER_ORG_DOCUMENT


def test_given_empty_redis_then_seeded_from_default_yaml(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    active = store.active()
    assert (active.version, active.source, active.active) == (1, "seed", True)
    assert active.mapping() == default_mapping()
    assert redis_conn.get("radar:acme:mapping:active") == b"1"


def test_given_saves_then_each_is_a_new_version_and_history_is_kept(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    first = store.save(OTHER_ORG_DOCUMENT, author="ana", comment="their tier field")
    second = store.save({"fields": {"account.website": None}}, author="ana")
    assert [v.version for v in store.list_versions()] == [1, first.version, second.version]
    assert store.active().version == 1  # saving does not activate
    store.activate(first.version)
    assert store.active_mapping().api("account.tier") == "Customer_Tier__c"


def test_given_invalid_document_then_nothing_stored(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    with pytest.raises(MappingInvalid):
        store.save({"fields": {"account.nope": "X__c"}})
    assert [v.version for v in store.list_versions()] == [1]


def test_given_rollback_then_new_active_version_with_old_document(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    changed = store.save(OTHER_ORG_DOCUMENT, activate=True)
    rolled = store.rollback(1, author="ops")
    assert rolled.version == changed.version + 1 and rolled.active
    assert (rolled.source, rolled.based_on) == ("rollback", 1)
    assert store.active_mapping() == default_mapping()
    assert len(store.list_versions()) == 3  # history only grows


def test_given_two_versions_then_diff_per_logical_field(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    changed = store.save({**OTHER_ORG_DOCUMENT,
                          "fields": {**OTHER_ORG_DOCUMENT["fields"], "account.website": None}})
    diff = store.diff(1, changed.version)
    assert set(diff.changed) == {"account.tier", "account.health_score", "opportunity.stage_name"}
    assert diff.changed["account.health_score"]["to"]["field"] == "CS_Health__c"
    assert diff.changed["opportunity.stage_name"]["to"]["values"]["S2"] == "Qualification"
    assert diff.removed == {"account.website": {"object": "Account", "field": "Website"}}
    back = store.diff(changed.version, 1)
    assert back.added == {"account.website": {"object": "Account", "field": "Website"}}


def test_given_two_orgs_then_keys_are_namespaced(redis_conn: redis.Redis) -> None:
    MappingStore(redis_conn, "acme").save(OTHER_ORG_DOCUMENT, activate=True)
    other = MappingStore(redis_conn, "globex")
    assert other.active_mapping() == default_mapping()
    assert all(k.startswith(b"radar:acme:mapping:") or k.startswith(b"radar:globex:mapping:")
               for k in redis_conn.keys("*"))


def test_given_unknown_version_then_not_found(redis_conn: redis.Redis) -> None:
    store = MappingStore(redis_conn, "acme")
    with pytest.raises(VersionNotFound):
        store.activate(42)
    with pytest.raises(VersionNotFound):
        store.rollback(42)
