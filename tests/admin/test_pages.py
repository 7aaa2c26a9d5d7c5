"""Each admin page renders what its source holds (Flask test client, fake sources)."""

from __future__ import annotations

import re

from service.admin.sources import FailedJob, QueueDepth, RunRecord, decode_insights, encode_insights
from tests.admin.conftest import FakeInsights, FakeStatus, csrf_of
from tests.admin.seed import DIGEST, PORTFOLIO, SIGNALS, WRITTEN, known_funnel


def _seeded(fake_insights: FakeInsights) -> None:
    fake_insights.value = decode_insights(encode_insights(
        portfolio=PORTFOLIO, funnel=known_funnel(), digest=DIGEST, signals=SIGNALS,
        written=WRITTEN, generated_at="2024-04-02T06:03:10+00:00"))


def _cell(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*data-value="([^"]*)"', html)
    assert found, f"no element {element_id}"
    return found.group(1)


def test_given_insights_when_dashboard_shown_then_counts_funnel_and_goals_match(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    funnel = known_funnel().overall
    html = client.get("/admin/").text
    assert _cell(html, "written-tasks") == "17"
    assert _cell(html, "written-opportunities") == "3"
    assert _cell(html, "written-account-updates") == "42"
    assert _cell(html, "signals-total") == str(sum(sum(v.values()) for v in SIGNALS.values()))
    row = re.search(r'id="funnel-days_signal_to_handoff">(.*?)</tr>', html, re.S).group(1)
    assert f'data-value="{funnel.days_signal_to_handoff}"' in row
    assert "&lt; 14 days" in row and "meets goal" in row  # 10 days < 14
    row = re.search(r'id="funnel-cs_pipeline_share">(.*?)</tr>', html, re.S).group(1)
    assert "25%" in row and "misses goal" in row  # 30K of 120K is not > 25%
    assert f'data-value="{funnel.signals}"' in html


def test_given_insights_when_dashboard_shown_then_at_risk_listed_first_and_names_escaped(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    html = client.get("/admin/").text
    assert html.index("Initech") < html.index("Acme &lt;Holdings&gt;")
    assert "<Holdings>" not in html
    assert "health Red (38)" in html
    assert _cell(html, "pipeline-total") == "60500.0"
    assert "$48,000" in html and "Schedule an expansion conversation" in html


def test_given_at_risk_account_then_its_row_lists_each_reason_the_acv_and_a_rescue_action(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    html = client.get("/admin/").text
    row = re.search(r'<tr data-account="001B">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", row) == [
        "health Red (38)", "health decline: down 14 points since the last scan"]
    assert 'data-value="80000.0"' in row and "$80,000" in row
    assert "Stabilise first (renewal rescue)" in row and "Cross-sell" not in row
    assert ">at risk<" not in row


def test_given_insights_when_dashboard_shown_then_two_svg_charts_with_the_counts(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    html = client.get("/admin/").text
    assert html.count("<svg") == 2
    assert "usage growth" in html and "Jan 24" in html and "Mar 24" in html
    assert "usage growth, Strong: 2" in html


def test_given_no_scan_yet_when_dashboard_shown_then_it_says_so(client) -> None:
    html = client.get("/admin/").text
    assert "No funnel yet" in html and "No ranking yet" in html
    assert _cell(html, "written-tasks") == "0"


def test_given_runs_queues_and_failures_when_sync_shown_then_each_is_listed(
        client, fake_status: FakeStatus) -> None:
    fake_status.runs = [RunRecord("r9", "full", "succeeded", "2024-04-01T06:00:00",
                                  "2024-04-01T06:09:00", 120, {"query": 700, "bulk": 50}, 1000)]
    fake_status.queues = [QueueDepth("scan", 4, 1, 0, 2)]
    fake_status.failed = [FailedJob("job-7", "writeback", "workers.jobs.write_back",
                                    "RuntimeError: <boom>", "2024-04-01T06:10:00")]
    html = client.get("/admin/sync").text
    run = re.search(r'id="run-r9">(.*?)</tr>', html, re.S).group(1)
    assert "750 / 1,000" in run and "75%" in run and "bulk 50, query 700" in run
    assert re.search(r'id="queue-scan">.*?queued">4<', html, re.S)
    assert "RuntimeError: &lt;boom&gt;" in html
    assert 'name="job_id" value="job-7"' in html


def test_given_failed_job_when_retry_posted_then_source_requeues_and_page_says_so(
        client, fake_status: FakeStatus) -> None:
    fake_status.failed = [FailedJob("job-7", "writeback", "f", "err")]
    page = client.get("/admin/sync").text
    response = client.post("/admin/sync/retry", data={"csrf_token": csrf_of(page),
                                                      "job_id": "job-7"},
                           follow_redirects=True)
    assert fake_status.retried == ["job-7"]
    assert "Job job-7 is queued again." in response.text
    response = client.post("/admin/sync/retry", data={"csrf_token": csrf_of(page),
                                                      "job_id": "nope"},
                           follow_redirects=True)
    assert "nothing was requeued" in response.text and fake_status.retried == ["job-7"]


def test_given_digest_lines_when_digest_shown_then_grouped_per_owner(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    html = client.get("/admin/digest").text
    dana = re.search(r'data-owner="Dana CS">(.*?)</section>', html, re.S).group(1)
    lee = re.search(r'data-owner="Lee CS">(.*?)</section>', html, re.S).group(1)
    assert "(2)" in dana and "Initech" in dana and "Finance asked for seats" in dana
    assert "Globex" in lee and "Initech" not in lee


def test_given_empty_digest_when_shown_then_it_says_so(client) -> None:
    assert "No signals to report yet" in client.get("/admin/digest").text


def test_given_owners_when_dashboard_shown_then_per_owner_counts_listed(
        client, fake_insights: FakeInsights) -> None:
    _seeded(fake_insights)
    html = client.get("/admin/").text
    row = re.search(r'data-owner="005X">(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)
    owner = known_funnel().by_owner["005X"]
    assert cells[:4] == [str(owner.signals), str(owner.qualified), str(owner.handoffs),
                         str(owner.handoffs_won)]

