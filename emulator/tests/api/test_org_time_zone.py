"""SOQL date literals are evaluated in the Organization's time zone, as in Salesforce."""

from datetime import UTC, datetime

from emulator.testing import running_emulator


def test_given_evening_in_los_angeles_when_querying_today_then_the_local_date_is_used(tmp_path):
    with running_emulator(tmp_path) as org:
        # 03:00 UTC on the 22nd is 19:00 on the 21st in America/Los_Angeles (the default zone)
        org.store.clock.set(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
        sf = org.salesforce()
        account = sf.Account.create({"Name": "Zone Test"})["id"]
        sf.Task.create({"Subject": "local", "ActivityDate": "2026-11-21", "WhatId": account})
        sf.Task.create({"Subject": "utc", "ActivityDate": "2026-11-22", "WhatId": account})
        found = sf.query("SELECT Subject FROM Task WHERE ActivityDate = TODAY")["records"]
        assert [r["Subject"] for r in found] == ["local"]


def test_given_moved_clock_when_calling_the_api_then_date_header_follows_the_org_clock(tmp_path):
    from email.utils import parsedate_to_datetime

    with running_emulator(tmp_path) as org:
        org.store.clock.set(datetime(2026, 11, 18, 16, 0, tzinfo=UTC))
        answer = org.salesforce().restful("limits/", method="GET")
        assert answer["DailyApiRequests"]["Max"] > 0
        session = org.http()
        response = session.get(f"{org.instance_url}/services/data/", timeout=10)
        moment = parsedate_to_datetime(response.headers["Date"]).replace(tzinfo=UTC)
        assert abs((moment - datetime(2026, 11, 18, 16, 0, tzinfo=UTC)).total_seconds()) < 60
