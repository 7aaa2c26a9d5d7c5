"""The second round of detection speed-ups: same answers as the plain paths, and no cache
shared between orgs or configs."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import date

import pytest

from detection import findings
from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.fastinit import fast_init
from detection.ownership import (
    MonthUsage,
    OwnedProduct,
    latest_complete_month,
    month_totals,
    month_usage,
    owned_products,
    owned_units_and_acv,
)
from detection.signals.facts import ScanFacts
from detection.signals.risk import _competitors
from detection.signals.wording import month_key, month_label, num
from detection.snapshot import OrgContext
from tests.detection_core.builders import CTX, NOW, account
from tests.detection_core.test_scan_speedups import _mixed_usage_account

_FAST = [
    findings.Evidence, findings.ExpansionSignal, findings.PriorSignal, findings.HealthFactor,
    findings.HealthAssessment, findings.StakeholderRole, findings.ChampionMove,
    findings.StakeholderMap, findings.WhiteSpaceCell, findings.WhiteSpaceMap,
    findings.Hypothesis, findings.Routing, findings.AccountFindings, OwnedProduct, MonthUsage,
]


@pytest.mark.parametrize("cls", _FAST, ids=lambda c: c.__name__)
def test_given_fast_init_class_when_built_with_defaults_then_frozen_and_like_dataclass(cls):
    fields = dataclasses.fields(cls)
    required = [f for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    args = [f"value-{i}" for i in range(len(required))]
    built = cls(*args)
    for f, value in zip(required, args, strict=True):
        assert getattr(built, f.name) == value
    for f in fields[len(required):]:
        expected = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        assert getattr(built, f.name) == expected
    assert built == cls(*args) and hash(built) == hash(cls(*args))
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(built, fields[0].name, "changed")
    params = inspect.signature(cls).parameters
    assert list(params) == [f.name for f in fields]
    for f in fields:
        if f.default is not dataclasses.MISSING:
            assert params[f.name].default == f.default


def test_given_keyword_and_missing_arguments_when_built_then_errors_match_dataclass():
    role = findings.Routing(play="none", reason="r", readiness="Low")
    assert role.readiness == "Low" and role.play02_reasons == ()
    with pytest.raises(TypeError):
        findings.Routing()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        findings.Routing("none", "r", nope=1)  # type: ignore[call-arg]


def test_given_default_factory_field_when_fast_init_then_each_object_gets_its_own():
    @fast_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Bag:
        name: str
        items: list = dataclasses.field(default_factory=list)

    first, second = Bag("a"), Bag("b")
    assert first.items == [] and first.items is not second.items
    assert Bag("c", [1]).items == [1]


def test_given_class_with_post_init_when_fast_init_then_refused():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            assert self.value >= 0

    with pytest.raises(TypeError):
        fast_init(Checked)


def test_given_owned_products_when_units_and_acv_asked_then_same_figures_in_same_order():
    snap = _mixed_usage_account()
    for use_assets in (True, False):
        full = owned_products(snap, NOW, use_assets=use_assets)
        light = owned_units_and_acv(snap, NOW, use_assets=use_assets)
        assert list(light) == list(full)
        assert light == {pid: (o.units, o.acv) for pid, o in full.items()}


def test_given_month_rows_when_totals_asked_then_same_as_month_usage():
    snap = _mixed_usage_account()
    month = latest_complete_month(NOW.date())
    plain = month_usage(snap, month)
    for pid, use in plain.items():
        rows = [r for r in snap.usage if r.product_id == pid
                and r.period_start.year == month.year and r.period_start.month == month.month]
        totals = month_totals(rows)
        assert totals == (use.usage, use.licensed)
        assert repr(totals) == repr((use.usage, use.licensed))  # int vs float kept


def test_given_two_orgs_with_different_competitors_when_scanned_then_each_sees_its_own():
    snap = account()
    acme = OrgContext(org_id="00DA", products=CTX.products, competitors=("Acme Rival",))
    other = OrgContext(org_id="00DB", products=CTX.products, competitors=("Other Rival",))
    words_a = _competitors(ScanFacts(snap, acme, None, DEFAULT_CONFIG, NOW))
    words_b = _competitors(ScanFacts(snap, other, None, DEFAULT_CONFIG, NOW))
    assert "acme rival" in words_a.owners and "acme rival" not in words_b.owners
    assert "other rival" in words_b.owners and "other rival" not in words_a.owners
    # asked again: the remembered index of each org, not the other's
    assert _competitors(ScanFacts(snap, acme, None, DEFAULT_CONFIG, NOW)) is words_a


def test_given_two_configs_with_different_competitors_when_scanned_then_not_shared():
    snap = account()
    config = DetectionConfig(competitors=("Zeta Corp",))
    default = _competitors(ScanFacts(snap, CTX, None, DEFAULT_CONFIG, NOW))
    custom = _competitors(ScanFacts(snap, CTX, None, config, NOW))
    assert "zeta corp" in custom.owners and "zeta corp" not in default.owners
    assert "gainsight" in default.owners and "gainsight" not in custom.owners


def test_given_remembered_formatters_when_asked_twice_then_same_text_as_computed():
    assert num(1350) == num(1350.0) == "1,350"
    assert num(12.5) == "12.5" and num(12.5) == "12.5"
    assert num(None) == "n/a" and num(-0.0) == "0"
    index = date(2026, 10, 1).year * 12 + 9
    assert month_key(index) == month_key(index) == "2026-10"
    assert month_label(index) == month_label(index) == "Oct 2026"
