"""Usage signals: usage_spike, capacity_limit, new_use_case (signal-rules.md).

A usage series is one (product, feature) pair; a row belongs to the month of its
Period_Start__c and only complete months count (M = the month before today's).
"""

from __future__ import annotations

from datetime import date

from detection.config import DetectionConfig
from detection.findings import ExpansionSignal
from detection.signals.base import make_signal, r4
from detection.signals.facts import ScanFacts
from detection.signals.wording import month_key, month_label, num, pct

USAGE_NAMES = ("product_usage", "usage", "product_usage.usage_units")
# months before M any usage rule looks at: QoQ needs M-5, new_use_case with S=M-1 needs M-4
_LOOKBACK_MONTHS = 5

SeriesKey = tuple[str | None, str | None]


def usage_series(facts: ScanFacts) -> dict[SeriesKey, dict[int, float]]:
    """{(product, feature): {month index: Usage_Units__c}} over months M-5..M (cached)."""
    if facts.series is None:
        series: dict[SeriesKey, dict[int, float]] = {}
        licensed_series: dict[SeriesKey, dict[int, float]] = {}
        month_rows: dict[str, list] = {}
        m = facts.m
        low = m - _LOOKBACK_MONTHS
        # date bounds first: comparing dates is cheaper than working out every row's month
        first = date(low // 12, low % 12 + 1, 1)
        after = date((m + 1) // 12, (m + 1) % 12 + 1, 1)
        # rows of one series usually come one after the other: remember the last series
        # (a fast path only, by identity; any other row takes the full look-up)
        last_pid = last_feature = months = None
        for row in facts.snapshot.usage:
            start = row.period_start
            if start < first or start >= after:
                continue
            idx = start.year * 12 + start.month - 1
            pid = row.product_id
            feature = row.feature
            if months is None or pid is not last_pid or feature is not last_feature:
                # a blank feature is the product's own series
                key = (pid, (feature.strip() or None) if feature else None)
                months = series.get(key)
                if months is None:
                    months = series[key] = {}
                last_pid, last_feature = pid, feature
            units = row.usage_units
            if units is not None:
                months[idx] = months.get(idx, 0.0) + units
            if row.licensed_units:  # rare beside the units: the key is rebuilt here
                lic = licensed_series.setdefault(
                    (pid, (feature.strip() or None) if feature else None), {})
                lic[idx] = lic.get(idx, 0.0) + row.licensed_units
            if idx == m and pid is not None:
                rows = month_rows.get(pid)
                if rows is None:
                    month_rows[pid] = [row]
                else:
                    rows.append(row)
        facts.series = series
        facts.licensed = licensed_series
        facts.month_rows = month_rows
    return facts.series


def _row_ids(facts: ScanFacts, key: SeriesKey, months: tuple[int, ...]) -> tuple[str, ...]:
    """Ids of the series' rows in ``months``, in snapshot order."""
    wanted = set(months)
    product_id, feature = key
    ids = []
    for row in facts.snapshot.usage:  # a plain loop: runs over every row per signal
        if row.product_id != product_id or ((row.feature or "").strip() or None) != feature:
            continue
        start = row.period_start
        if start.year * 12 + start.month - 1 in wanted:  # month_index, inlined
            ids.append(row.id)
    return tuple(ids)


def _series_name(facts: ScanFacts, key: SeriesKey) -> str:
    name = facts.catalog.name(key[0])
    return f"{name} / {key[1]}" if key[1] else name


def _episode(key: SeriesKey, month: int) -> str:
    return f"{key[0] or ''}:{key[1] or ''}:{month_key(month)}"


def find(facts: ScanFacts, out: list[ExpansionSignal], gaps: list[str]) -> None:
    """Append the usage signals of the account to ``out`` (gaps: what was not judged)."""
    if not facts.snapshot.usage:
        if facts.missing(*USAGE_NAMES):
            gaps.extend(
                f"{t}: no product usage data"
                for t in ("usage_spike", "capacity_limit", "new_use_case")
            )
        return
    series = usage_series(facts)
    cfg = facts.config
    m = facts.m
    t1 = facts.snapshot.tier == "T1"
    spike_min = cfg.spike_ratio - cfg.ratio_tolerance
    licensed = facts.licensed or {}
    floor = cfg.new_use_min_units
    # cheap rejections first: most series neither spike nor start (output order is fixed
    # by the final sort, so the series are not sorted here)
    for key, months in series.items():
        if not months:
            continue
        get = months.get
        prev, prev2, prev3 = get(m - 1, 0.0), get(m - 2, 0.0), get(m - 3, 0.0)
        cur = get(m, 0.0)
        lic = licensed.get(key)
        if prev > 0 and cur / prev >= spike_min and prev >= _base(cfg, lic, m):
            _spike(facts, key, months, out)
        elif t1:
            earlier = prev3 + get(m - 4, 0.0) + get(m - 5, 0.0)
            if earlier > 0 and (cur + prev + prev2) / earlier >= spike_min \
                    and earlier >= _qoq_base(cfg, lic, m):
                _spike(facts, key, months, out)
        if prev2 < floor and prev3 < floor:
            _new_use(facts, key, months, out)
    _capacity(facts, out)


def _base(cfg: DetectionConfig, licensed: dict[int, float] | None, m: int) -> float:
    """Month-over-month minimum base: a share of M-1's licensed units, with the floor."""
    return cfg.spike_base(licensed.get(m - 1) if licensed else None)


def _qoq_base(cfg: DetectionConfig, licensed: dict[int, float] | None, m: int) -> float:
    """Quarter-over-quarter minimum base: a share of M-5..M-3's licensed units summed."""
    total = sum(licensed.get(m - k, 0.0) for k in (3, 4, 5)) if licensed else 0.0
    return cfg.spike_qoq_base(total or None)


def _spike(
    facts: ScanFacts, key: SeriesKey, months: dict[int, float], out: list[ExpansionSignal]
) -> None:
    cfg = facts.config
    m = facts.m
    lic = (facts.licensed or {}).get(key)
    base, qoq_base = _base(cfg, lic, m), _qoq_base(cfg, lic, m)
    cur = months.get(m, 0.0)
    prev = months.get(m - 1, 0.0)
    prev2 = months.get(m - 2, 0.0)
    mom_ratio = cur / prev if prev > 0 else None
    mom = prev >= base and cfg.at_least(mom_ratio or 0.0, cfg.spike_ratio)
    qoq = False
    qoq_ratio = None
    recent = earlier = 0.0
    if facts.snapshot.tier == "T1":  # quarter over quarter is Play 02's trigger (seed 000)
        recent = cur + prev + prev2
        earlier = months.get(m - 3, 0.0) + months.get(m - 4, 0.0) + months.get(m - 5, 0.0)
        if earlier > 0:
            qoq_ratio = recent / earlier
            qoq = earlier >= qoq_base and cfg.at_least(qoq_ratio, cfg.spike_ratio)
    if not (mom or qoq):
        return
    # two rising months need three observed months (an absent row is not a 0 reading)
    rising = m in months and m - 1 in months and m - 2 in months and cur > prev > prev2
    clear = (
        rising
        or (mom and cfg.at_least(mom_ratio, cfg.spike_clear_ratio))
        or (qoq and cfg.at_least(qoq_ratio, cfg.spike_clear_ratio))
    )
    name = _series_name(facts, key)
    parts = []
    values: list[tuple[str, object]] = [("current", cur), ("previous", prev)]
    if mom:
        parts.append(
            f"{name} usage rose {pct(mom_ratio - 1)} from {num(prev)} in {month_label(m - 1)}"
            f" to {num(cur)} in {month_label(m)}"
        )
        values.append(("ratio", r4(mom_ratio)))
    if qoq:
        parts.append(
            f"{'quarter over quarter ' if mom else name + ' usage rose quarter over quarter '}"
            f"{pct(qoq_ratio - 1)}{' up' if mom else ''}: {num(recent)} in "
            f"{month_label(m - 2)}-{month_label(m)} vs {num(earlier)} in "
            f"{month_label(m - 5)}-{month_label(m - 3)}"
        )
        values += [("quarter", recent), ("previous_quarter", earlier), ("qoq_ratio", r4(qoq_ratio))]
    if rising:
        parts.append(f"two rising months ({num(prev2)} -> {num(prev)} -> {num(cur)})")
    values.append(("month_before_previous", prev2))
    thresholds = []
    if mom:
        thresholds.append(
            f"usage >= {cfg.spike_ratio:.2f} x previous month, previous >= {num(base)}"
            f" ({_base_rule(cfg, lic and lic.get(m - 1))})"
        )
    if qoq:
        thresholds.append(
            f"3-month usage >= {cfg.spike_ratio:.2f} x the 3 months before,"
            f" earlier >= {num(qoq_base)}"
        )
    low = m - (5 if qoq else 2)
    out.append(
        make_signal(
            facts,
            "usage_spike",
            clear=clear,
            summary="; ".join(parts) + ".",
            episode=_episode(key, m),
            source_ids=_row_ids(facts, key, tuple(range(low, m + 1))),
            values=tuple(values),
            window=f"{month_key(m - 1)} vs {month_key(m)}" if mom else
            f"{month_key(m - 5)}..{month_key(m - 3)} vs {month_key(m - 2)}..{month_key(m)}",
            threshold="; ".join(thresholds),
            product_id=key[0],
        )
    )


def _base_rule(cfg: DetectionConfig, licensed: float | None) -> str:
    """How the month-over-month minimum base was set, in words."""
    if not licensed:
        return f"floor {num(cfg.spike_min_base)} units, no licensed units"
    return (f"{pct(cfg.spike_min_base_share)} of {num(licensed)} licensed,"
            f" at least {num(cfg.spike_min_base)}")


def _new_use(
    facts: ScanFacts, key: SeriesKey, months: dict[int, float], out: list[ExpansionSignal]
) -> None:
    cfg = facts.config
    m = facts.m
    floor = cfg.new_use_min_units
    quiet = cfg.new_use_quiet_months
    for start in (m, m - 1):
        if months.get(start, 0.0) < floor:
            continue
        if any(months.get(start - k, 0.0) >= floor for k in range(1, quiet + 1)):
            continue
        sustained = start == m - 1 and months.get(m, 0.0) >= floor
        name = _series_name(facts, key)
        summary = (
            f"First real use of {name}: {num(months[start])} units in {month_label(start)}"
            f" after {quiet} months with none"
        )
        if sustained:
            summary += f", sustained in {month_label(m)} ({num(months[m])} units)"
        out.append(
            make_signal(
                facts,
                "new_use_case",
                clear=sustained,
                summary=summary + ".",
                episode=_episode(key, start),
                source_ids=_row_ids(facts, key, tuple(range(start - quiet, m + 1))),
                values=(
                    ("start_month", month_key(start)),
                    ("units", months[start]),
                    ("units_latest_month", months.get(m, 0.0)),
                ),
                window=f"{month_key(start - quiet)}..{month_key(m)}",
                threshold=f"usage >= {num(floor)} units after {quiet} months below it",
                product_id=key[0],
            )
        )
        return


def _capacity(facts: ScanFacts, out: list[ExpansionSignal]) -> None:
    cfg = facts.config
    m = facts.m
    floor = cfg.capacity_ratio - cfg.ratio_tolerance  # cfg.at_least, hoisted out of the loop
    for product_id, rows in (facts.month_rows or {}).items():
        best = None
        for row in rows:
            licensed = row.licensed_units
            if licensed is None or licensed <= 0 or row.usage_units is None:
                continue
            ratio = row.usage_units / licensed
            if ratio >= floor and (best is None or ratio > best[0]):
                best = (ratio, row)
        if best is None:
            continue
        ratio, row = best
        name = facts.catalog.name(product_id)
        out.append(
            make_signal(
                facts,
                "capacity_limit",
                clear=cfg.at_least(ratio, cfg.capacity_clear_ratio),
                summary=(
                    f"{name} used {num(row.usage_units)} of {num(row.licensed_units)} licensed"
                    f" units ({pct(ratio)}) in {month_label(m)}."
                ),
                episode=f"{product_id}:{month_key(m)}",
                source_ids=(row.id,),
                values=(
                    ("used", row.usage_units),
                    ("licensed", row.licensed_units),
                    ("ratio", round(ratio, 4)),
                ),
                window=month_key(m),
                threshold=(
                    f"used / licensed >= {cfg.capacity_ratio:.2f}"
                    f" (clear pattern >= {cfg.capacity_clear_ratio:.2f})"
                ),
                product_id=product_id,
            )
        )
