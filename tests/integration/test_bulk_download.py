"""Bulk API 2.0 result pages are streamed through temporary files, never held whole."""

from __future__ import annotations

import glob
import os
import tempfile

from integration.bulk_csv import csv_records
from integration.bulk_query import iter_result_pages, run_query_job
from tests.integration.conftest import make_gateway


def _downloads() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "radar-download-*")))


def test_given_a_bulk_job_when_paged_then_every_row_once_and_no_page_file_left(seeded) -> None:
    emu, counts = seeded
    gateway = make_gateway(emu)
    before = _downloads()
    job_id = run_query_job(gateway, "SELECT Id, Name, AccountId FROM Contact")
    ids: list[str] = []
    pages = 0
    for page in iter_result_pages(gateway, job_id, max_records=7):
        pages += 1
        assert not page.closed and _downloads() - before  # this page, on disk
        ids += [r["Id"] for r in csv_records(page, {})]
    assert len(ids) == len(set(ids)) == counts["contact"]
    assert pages == -(-counts["contact"] // 7)
    assert _downloads() == before  # each page's file is deleted once read


def test_given_a_consumer_that_stops_early_then_the_page_file_is_deleted(seeded) -> None:
    emu, _ = seeded
    gateway = make_gateway(emu)
    before = _downloads()
    job_id = run_query_job(gateway, "SELECT Id FROM Contact")
    pages = iter_result_pages(gateway, job_id, max_records=5)
    next(pages)
    pages.close()
    assert _downloads() == before


def test_given_failing_attempts_when_downloaded_then_retried_and_complete(seeded) -> None:
    emu, counts = seeded
    gateway = make_gateway(emu)
    job_id = run_query_job(gateway, "SELECT Id FROM Contact")
    steps = gateway.ledger.counts["bulk_job_step"]
    emu.org.faults.configure(rate=0.6, seed=1)  # this seed: the first call fails (503)
    try:
        rows = [r for page in iter_result_pages(gateway, job_id, 10_000)
                for r in csv_records(page, {})]
    finally:
        emu.org.faults.configure(rate=0.0)
    assert len(rows) == len({r["Id"] for r in rows}) == counts["contact"]
    assert gateway.ledger.counts["bulk_job_step"] - steps > 1  # one page, fetched again
