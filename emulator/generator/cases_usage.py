"""Boundary cases on product usage, catalog ownership and employee growth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.generator import catalog
from emulator.generator.specs import Apply, Scenario

if TYPE_CHECKING:
    from emulator.generator.draft import Draft

STORAGE, SEATS, ANALYTICS, CONNECTORS = 4, 1, 2, 7


def _series(key: int, tail: list[float | None], licensed: int, current: float | None = None) -> Apply:
    return lambda d: d.set_series(key, None, tail, licensed=licensed, current=current)


def _feature(tail: list[float | None]) -> Apply:
    def apply(d: Draft) -> None:
        d.own(ANALYTICS)
        d.set_series(ANALYTICS, catalog.NEW_FEATURES[ANALYTICS], tail)
    return apply


def _spike(name: str, tail: list[float], fires: bool, strength: str, tier: str = "T2",
           current: float | None = None, licensed: int = 3000, key: int = STORAGE) -> Scenario:
    """A usage series on an otherwise quiet account. The minimum base is max(20% of the
    licensed units, 10 units): 3,000 licensed -> 600, 500 -> 100, 100 -> 20, 30 -> 10."""
    # a T1 case owns the whole catalog: a large licensed series on a "narrow" foothold
    # would blur the white-space margin Play 02's eligibility is planted with
    overrides = {"tier": tier, "potential": "full"} if tier == "T1" else {"tier": tier}
    return Scenario(name, {"usage_spike": fires, "strength": strength},
                    _series(key, tail, licensed, current), overrides)


def _capacity(name: str, tail: list[float], fires: bool, strength: str) -> Scenario:
    return Scenario(name, {"capacity_limit": fires, "usage_spike": False, "strength": strength},
                    _series(SEATS, tail, 100))


def _new_use(name: str, tail: list[float | None], fires: bool, strength: str) -> Scenario:
    return Scenario(name, {"new_use_case": fires, "strength": strength}, _feature(tail))


def _case(days: int, subject: str, description: str, product: int | None) -> Apply:
    def apply(d: Draft) -> None:
        product_id = catalog.PRODUCT_BY_KEY[product].id if product else None
        d.case(days, subject, description, product_id)
    return apply


def _bought(days: int) -> Apply:
    """Data Connectors bought on a Closed Won ``days`` ago (not on the current contract)."""
    def apply(d: Draft) -> None:
        opp = d.opportunity(f"{d.plan.name} - Connectors", "Closed Won", d.ctx.day(days), days + 40,
                            "Existing Customer - Upgrade")
        d.extra_line_items.append((opp, CONNECTORS, 50))
        d.case(10, "Sync jobs stuck", "Data Connectors jobs stopped overnight.",
               catalog.PRODUCT_BY_KEY[CONNECTORS].id)
    return apply


def _support(name: str, apply: Apply, fires: bool) -> Scenario:
    return Scenario(name, {"support_request_unpurchased": fires, "strength": "Moderate" if fires else "None"},
                    apply, {"owned": (SEATS,), "potential": "typical"})


def _growth(rows: list[tuple[int, int, int]], now: int) -> Apply:
    def apply(d: Draft) -> None:
        d.account["NumberOfEmployees"] = now
        for old, new, days in rows:
            d.history("AccountHistory", d.account_id, "NumberOfEmployees", old, new, days)
    return apply


USAGE_CASES: tuple[Scenario, ...] = (
    _spike("spike_1300_of_1000", [1050, 1000, 1300], True, "Weak"),
    _spike("spike_1299_of_1000", [1050, 1000, 1299], False, "None"),
    _spike("spike_130_of_base_100_licensed_500", [105, 100, 130], True, "Weak", licensed=500),
    _spike("spike_129_of_base_99_licensed_500", [105, 99, 129], False, "None", licensed=500),
    _spike("spike_599_of_3000_licensed_below_share", [620, 599, 800], False, "None"),
    _spike("spike_600_of_3000_licensed_at_share", [620, 600, 780], True, "Weak"),
    # small customers (issue 15): a 100-seat customer 50 -> 70 is a spike, 20 seats is the
    # share boundary, 10 units the floor; 1 -> 2 of 3 seats is not
    _spike("spike_100_seats_50_to_70", [52, 50, 70], True, "Weak", licensed=100, key=SEATS),
    _spike("spike_100_seats_20_to_26", [21, 20, 26], True, "Weak", licensed=100, key=SEATS),
    _spike("spike_100_seats_19_to_25_below_share", [21, 19, 25], False, "None", licensed=100,
           key=SEATS),
    _spike("spike_30_seats_10_to_13_at_floor", [11, 10, 13], True, "Weak", licensed=30, key=SEATS),
    _spike("spike_30_seats_9_to_12_below_floor", [10, 9, 12], False, "None", licensed=30, key=SEATS),
    _spike("spike_3_seats_1_to_2_ignored", [1, 1, 2], False, "None", licensed=3, key=SEATS),
    _spike("spike_1500_clear_by_ratio", [1050, 1000, 1500], True, "Moderate"),
    _spike("spike_1490_not_clear", [1050, 1000, 1490], True, "Weak"),
    _spike("spike_two_rising_months_clear", [1000, 1010, 1320], True, "Moderate"),
    _spike("spike_in_current_month_ignored", [1000, 1000, 1000], False, "None", current=2500),
    _spike("qoq_t1_1300_of_1000", [333, 333, 334, 433, 433, 434], True, "Weak", tier="T1",
           licensed=1500),
    _spike("qoq_t1_1299_of_1000", [333, 333, 334, 433, 433, 433], False, "None", tier="T1",
           licensed=1500),
    _spike("qoq_t2_1300_of_1000_ignored", [333, 333, 334, 433, 433, 434], False, "None", tier="T2",
           licensed=1500),
    _spike("qoq_t1_base_299_of_licensed_1500", [99, 100, 100, 130, 130, 130], False, "None",
           tier="T1", licensed=500),
    _spike("qoq_t1_base_300_of_licensed_1500", [100, 100, 100, 130, 130, 130], True, "Weak",
           tier="T1", licensed=500),
    _spike("qoq_t1_small_base_30_floor", [10, 10, 10, 13, 13, 13], True, "Weak", tier="T1",
           licensed=20, key=SEATS),
    _spike("qoq_t1_small_base_29_below_floor", [9, 10, 10, 13, 13, 13], False, "None",
           tier="T1", licensed=20, key=SEATS),
    _capacity("capacity_79_of_100", [70, 75, 79], False, "None"),
    _capacity("capacity_80_of_100", [70, 75, 80], True, "Weak"),
    _capacity("capacity_89_of_100", [80, 85, 89], True, "Weak"),
    _capacity("capacity_90_of_100_clear", [80, 85, 90], True, "Moderate"),
    _capacity("capacity_85_in_previous_month_only", [70, 85, 70], False, "None"),
    _new_use("new_use_starts_in_M", [None, None, None, None, None, 40], True, "Weak"),
    _new_use("new_use_starts_in_M1_clear", [None, None, None, None, 40, 45], True, "Moderate"),
    _new_use("new_use_starts_in_M2_ignored", [None, None, None, 40, 45, 50], False, "None"),
    _new_use("new_use_9_units_not_real", [None, None, None, None, None, 9], False, "None"),
    _new_use("new_use_after_months_below_10", [9, 9, 9, 9, 9, 40], True, "Weak"),
    _new_use("new_use_after_3_month_gap", [40, None, None, None, 40, 45], True, "Moderate"),
    _new_use("new_use_after_2_month_gap_ignored", [40, None, None, 40, 45], False, "None"),
    _support("support_case_59_days", _case(59, "Pricing question", "Customer asks about adding it.", CONNECTORS), True),
    _support("support_case_60_days", _case(60, "Pricing question", "Customer asks about adding it.", CONNECTORS), True),
    _support("support_case_61_days", _case(61, "Pricing question", "Customer asks about adding it.", CONNECTORS), False),
    _support("support_keyword_in_subject", _case(10, "Do you support SAML?", "Asked by IT.", None), True),
    _support("support_product_name_in_description",
             _case(12, "Question from finance", "Would Backup Vault cover our laptops?", None), True),
    _support("support_inactive_product_ignored",
             _case(10, "Legacy Reports export", "Old report missing.", catalog.INACTIVE_PRODUCT.key), False),
    _support("support_keyword_inside_word_ignored", _case(10, "Nightly backups are slow", "Since Monday.", None),
             False),
    _support("support_owned_product_ignored",
             _case(10, "Collaboration Suite: Cannot log in", "Since Monday.", SEATS), False),
    _support("support_bought_400_days_ago_not_owned", _bought(400), True),
    _support("support_bought_365_days_ago_still_owned", _bought(365), False),
    Scenario("growth_20_percent", {"org_growth": True, "strength": "Weak"}, _growth([(1000, 1200, 100)], 1200)),
    Scenario("growth_19_percent", {"org_growth": False}, _growth([(1000, 1190, 100)], 1190)),
    Scenario("growth_change_on_pivot_day_counts_as_before", {"org_growth": False},
             _growth([(1000, 1100, 365), (1100, 1300, 100)], 1300)),
    Scenario("growth_baseline_from_last_change_before_pivot", {"org_growth": True},
             _growth([(800, 1000, 400), (1000, 1250, 50)], 1250)),
    Scenario("growth_no_history_not_judged", {"org_growth": False}, _growth([], 40000)),
)
