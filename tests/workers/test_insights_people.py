"""The dashboard document names people: CS owners by the names the scan read from User."""

from __future__ import annotations

import json

import redis

from workers.insights import people_names, rebuild


def _summary(name: str, csm: str, people: dict[str, str]) -> dict:
    return {"name": name, "tier": "T2", "owner": "005AE0000000001AAA", "csm": csm,
            "people": people, "play": "play04", "readiness": "High", "strength": "Strong",
            "signals": ["usage_spike"],
            "expansion": [{"type": "usage_spike", "summary": "Usage up 40% on Analytics"}],
            "scanned_at": "2026-12-01T06:00:00+00:00",
            "funnel": {"acv": 50000.0, "active_contacts": 3, "qbr_held": False,
                       "signals": [["usage_spike", "2026-11-20", "00TA", "Strong"]],
                       "follow_ups": [], "opportunities": []}}


def test_given_scanned_owners_when_dashboard_built_then_digest_and_owner_rows_use_names(
        redis_conn: redis.Redis) -> None:
    dana, lee = "005CS0000000001AAA", "005CS0000000002AAA"
    redis_conn.hset("radar:default:accounts", mapping={
        "001A": json.dumps(_summary("Acme", dana, {dana: "Dana Park"})),
        "001B": json.dumps(_summary("Globex", lee, {lee: "Lee Chen"})),
        "001C": json.dumps(_summary("Initech", "005CS0000000003AAA", {})),  # no User record
    })

    document = rebuild(redis_conn, "default")

    assert [d["owner"] for d in document["digest"]] == ["Dana Park", "Lee Chen",
                                                       "005CS0000000003AAA"]
    assert document["digest"][0]["owner_id"] == dana
    assert set(document["funnel"]["by_owner"]) == {"Dana Park", "Lee Chen", "005CS0000000003AAA"}
    assert document["funnel"]["by_owner"]["Dana Park"]["signals"] == 1


def test_given_two_users_with_one_name_then_both_keep_their_own_row() -> None:
    names = people_names([{"people": {"005A": "Sam Lee"}}, {"people": {"005B": "Sam Lee"}},
                          {"people": {"005C": "Kim Ode"}}])
    assert names == {"005A": "Sam Lee (005A)", "005B": "Sam Lee (005B)", "005C": "Kim Ode"}
