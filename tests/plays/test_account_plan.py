from dataclasses import replace
from datetime import date, timedelta

from plays import fields as F
from plays.account_plan import plan_account
from tests.plays.builders import CTX, NOW, findings, hypothesis, role, signal, snapshot


def _tasks(plan, action):
    return [w for w in plan.writes if w.object == "task" and w.fields[F.TASK_RADAR_ACTION] == action]


def test_given_strong_episode_when_planned_then_high_follow_up_due_in_48_hours():
    found = findings(signals=[signal("usage_spike"), signal("capacity_limit")], strength="Strong",
                     readiness="High")
    plan = plan_account(snapshot(), found, CTX, NOW)
    [follow_up] = _tasks(plan, "follow_up")
    assert follow_up.fields[F.TASK_PRIORITY] == "High"
    assert follow_up.fields[F.TASK_ACTIVITY_DATE] == NOW.date() + timedelta(days=2)
    assert follow_up.fields[F.TASK_OWNER_ID] == "0055g00000000CSAAA"
    assert len(_tasks(plan, "signal_log")) == 2


def test_given_moderate_episode_when_planned_then_normal_follow_up_due_friday():
    plan = plan_account(snapshot(), findings(signals=[signal("capacity_limit")], strength="Moderate"),
                        CTX, NOW)
    [follow_up] = _tasks(plan, "follow_up")
    assert follow_up.fields[F.TASK_PRIORITY] == "Normal"
    assert follow_up.fields[F.TASK_ACTIVITY_DATE] == date(2026, 11, 20)  # the Friday


def test_given_weak_signal_when_planned_then_logged_only():
    plan = plan_account(snapshot(), findings(signals=[signal("org_growth", clear=False)],
                                             strength="Weak"), CTX, NOW)
    assert _tasks(plan, "follow_up") == []
    [log] = _tasks(plan, "signal_log")
    assert log.fields[F.TASK_STATUS] == "Completed"
    assert F.TASK_WHO_ID not in log.fields  # never moves Contact.LastActivityDate


def test_given_red_account_when_planned_then_rescue_and_no_expansion_log():
    found = findings(signals=[signal("usage_spike"), signal("renewal_window", episode="r")],
                     strength="None", play="renewal_rescue", band="Red")
    plan = plan_account(snapshot(health_score=50.0), found, CTX, NOW)
    assert [w.fields[F.TASK_SIGNAL_TYPE] for w in _tasks(plan, "signal_log")] == ["renewal_window"]
    [rescue] = _tasks(plan, "renewal_rescue")
    assert rescue.key.endswith("2026Q4")
    assert _tasks(plan, "follow_up") == []


def test_given_same_findings_twice_when_planned_then_identical_keys():
    found = findings(signals=[signal("usage_spike"), signal("nps_promoter", episode="nps")],
                     strength="Strong")
    first = [w.key for w in plan_account(snapshot(), found, CTX, NOW).writes]
    second = [w.key for w in plan_account(snapshot(), found, CTX, NOW + timedelta(hours=3)).writes]
    assert first == second and len(set(first)) == len(first)


def test_given_org_already_holds_the_analysis_when_planned_then_no_account_update():
    found = findings(strength="None", readiness="None", potential=1234.5)
    [first] = [w for w in plan_account(snapshot(), found, CTX, NOW).writes
               if w.object == "account"]
    current = snapshot(expansion_readiness="None", white_space_potential=1234.5,
                       white_space_text="map",
                       white_space_json=first.fields[F.ACCOUNT_WHITE_SPACE_JSON])
    plan = plan_account(current, found, CTX, NOW, white_space_text="map")
    assert [w for w in plan.writes if w.object == "account"] == []
    changed = plan_account(current, found, CTX, NOW, white_space_text="new map")
    [update] = [w for w in changed.writes if w.object == "account"]
    assert set(update.fields) == {F.ACCOUNT_WHITE_SPACE, F.ACCOUNT_LAST_SCAN}


def test_given_open_follow_up_when_planned_then_no_second_one():
    from tests.plays.builders import follow_up_task
    found = findings(signals=[signal("usage_spike"), signal("capacity_limit")], strength="Strong")
    plan = plan_account(snapshot(activities=(follow_up_task(),)), found, CTX, NOW)
    assert _tasks(plan, "follow_up") == []


def test_given_recorded_role_when_planned_then_not_overwritten():
    contact_id = "0035g0000000001AAA"
    found = findings(roles=[role(contact_id, "Economic Buyer")])
    plan = plan_account(snapshot(), found, CTX, NOW)
    assert [w.fields for w in plan.writes if w.object == "contact"] == [
        {F.CONTACT_MEDDICC_ROLE: "Economic Buyer"}]
    recorded = replace(snapshot().contacts[0], meddicc_role="Champion")
    plan = plan_account(snapshot(contacts=(recorded,)), found, CTX, NOW)
    assert [w for w in plan.writes if w.object == "contact"] == []


def test_given_strong_with_hypothesis_when_planned_then_outreach_draft_to_ae_only():
    found = findings(signals=[signal("usage_spike"), signal("capacity_limit")], strength="Strong",
                     hypotheses=[hypothesis()])
    plan = plan_account(snapshot(), found, CTX, NOW, outreach="DRAFT — NOT SENT")
    [draft] = _tasks(plan, "outreach_draft")
    assert draft.fields[F.TASK_OWNER_ID] == "0055g00000000AEAAA"
    assert draft.fields[F.TASK_DESCRIPTION] == "DRAFT — NOT SENT"


def test_given_qbr_in_30_days_and_play02_when_planned_then_prep_due_d_minus_7():
    qbr = NOW.date() + timedelta(days=30)
    plan = plan_account(snapshot(next_qbr_date=qbr, tier="T1"), findings(play02=True), CTX, NOW,
                        qbr_brief="agenda")
    [prep] = _tasks(plan, "qbr_prep")
    assert prep.fields[F.TASK_ACTIVITY_DATE] == qbr - timedelta(days=7)
    assert prep.fields[F.TASK_OWNER_ID] == "0055g00000000AEAAA"
    later = plan_account(snapshot(next_qbr_date=qbr + timedelta(days=1), tier="T1"),
                         findings(play02=True), CTX, NOW)
    assert _tasks(later, "qbr_prep") == []


def test_given_health_decline_on_t1_when_planned_then_both_owners_flagged_at_once():
    found = findings(signals=[signal("health_decline", episode="2026W47")], play="play02")
    plan = plan_account(snapshot(tier="T1"), found, CTX, NOW)
    owners = sorted(w.fields[F.TASK_OWNER_ID] for w in _tasks(plan, "health_decline"))
    assert owners == ["0055g00000000AEAAA", "0055g00000000CSAAA"]
    assert all(w.fields[F.TASK_ACTIVITY_DATE] == NOW.date() + timedelta(days=1)
               for w in _tasks(plan, "health_decline"))


def test_given_qbr_in_30_days_then_a_50_minute_meeting_for_ae_and_cs_unless_already_booked():
    from detection.snapshot import Activity

    qbr = NOW.date() + timedelta(days=30)
    snap = snapshot(next_qbr_date=qbr, tier="T1")
    plan = plan_account(snap, findings(play02=True), CTX, NOW, qbr_brief="agenda")
    [event] = [w for w in plan.writes if w.object == "event"]
    [invite] = [w for w in plan.writes if w.object == "event_relation"]
    assert event.fields[F.EVENT_OWNER_ID] == snap.owner_id
    assert event.fields[F.EVENT_START].date() == qbr and event.fields[F.EVENT_DURATION] == 50
    assert invite.fields[F.EVENT_RELATION_RELATION_ID] == snap.csm_id
    held = Activity("00U1", "Event", "QBR with Acme", None, None, qbr, None)
    booked = plan_account(replace(snap, activities=(held,)), findings(play02=True), CTX, NOW,
                          qbr_brief="agenda")
    assert not [w for w in booked.writes if w.object == "event"]  # a person booked it already


def test_given_t1_plan_then_calendar_tasks_keep_their_keys_on_the_next_days_scan():
    from tests.plays.builders import role as make_role

    roles = [make_role("0035g0000000001AAA", "Champion")]
    found = replace(findings(roles=roles), stakeholders=replace(
        findings().stakeholders, roles=tuple(roles), champions=("0035g0000000001AAA",),
        thin_threading=True))
    snap = snapshot(tier="T1")
    today = plan_account(snap, found, CTX, NOW)
    tomorrow = plan_account(snap, found, CTX, NOW + timedelta(days=1))
    items = _tasks(today, "account_plan_item")
    assert len(items) >= 2  # the champion 1:1 and the multi-threading step
    assert [w.key for w in items] == [w.key for w in _tasks(tomorrow, "account_plan_item")]
    assert any("Champion 1:1 (Ana Lee)" in w.fields[F.TASK_SUBJECT] for w in items)
