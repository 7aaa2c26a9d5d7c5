"""The fixed vocabulary keeps quiet accounts quiet: texts of a baseline account never name
another product, a product keyword or a competitor, and senior titles are exactly the ones
the leadership rule recognises."""

from __future__ import annotations

import pytest

from emulator.generator import catalog
from emulator.generator.draft import fast_id
from emulator.generator.truth import SENIOR, keywords, mentions
from emulator.ids import make_id

BASELINE_TEXTS = (*catalog.CASE_ISSUES, *catalog.TASK_SUBJECTS, *catalog.NPS_COMMENTS_LOW,
                  *catalog.NPS_COMMENTS_HIGH, *catalog.CS_SIGNAL_SUBJECTS.values(), "Success plan update",
                  "Reviewed goals and adoption milestones.", "Walked through open questions.",
                  "Talked with someone about adoption and next steps.", "Working session", "Follow-up email")


def _terms(product: catalog.ProductSpec) -> list[str]:
    return [product.name, *keywords(product)]


@pytest.mark.parametrize("product", catalog.PRODUCTS, ids=lambda p: p.name)
def test_given_a_product_then_its_name_names_no_other_product(product: catalog.ProductSpec) -> None:
    others = [term for other in catalog.PRODUCTS if other is not product for term in _terms(other)]
    assert [term for term in others if mentions(product.name, term)] == []


def test_given_baseline_texts_then_no_product_term_or_competitor_appears() -> None:
    terms = [term for product in catalog.PRODUCTS for term in _terms(product)] + list(catalog.COMPETITORS)
    assert [(text, term) for text in BASELINE_TEXTS for term in terms if mentions(text, term)] == []


def test_given_the_title_lists_then_staff_titles_are_never_senior_and_senior_titles_always_are() -> None:
    staff = [t for titles in catalog.STAFF_TITLES.values() for t in titles]
    senior = [t for titles in catalog.SENIOR_TITLES.values() for t in titles]
    assert [t for t in staff if SENIOR.search(t)] == []
    assert [t for t in senior if not SENIOR.search(t)] == []
    assert set(catalog.STAFF_TITLES) == set(catalog.DEPARTMENTS) == set(catalog.SENIOR_TITLES)


def test_given_sequences_then_the_fast_id_equals_make_id() -> None:
    for prefix in ("001", "003", "00k", "a00", "017"):
        for sequence in (0, 1, 61, 62, 3843, 3844, 62**5 - 1, 62**9 + 12345, 62**10 - 1):
            assert fast_id(prefix, sequence) == make_id(prefix, sequence)
