"""One account through the product: raw records -> snapshot -> findings -> plan -> writes.

No Redis and no HTTP here: the jobs load the inputs (bundle, portfolio state, mapping) and
apply the returned writes. Every scan path — full scan, incremental back-sync, an event
about one account — goes through `process_bundle`, so they cannot disagree, and the
handoff of a qualified follow-up happens on whichever path sees it first (its keys make
the others no-ops).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crm_mapping.document import FieldMapping
from crm_mapping.snapshots import to_org_context, to_snapshot
from crm_mapping.translate import OrgIndex, build_org_index, last_written_of
from crm_mapping.writes import to_record_writes
from detection.config import DEFAULT_CONFIG, DetectionConfig
from detection.deal_sizing import follow_up_ask, size_deal
from detection.documents import account_plan, outreach_draft, qbr_agenda, value_story
from detection.documents.outreach import pick_recipient
from detection.findings import AccountFindings, ChampionIndex, PortfolioBenchmark
from detection.scan import scan_account
from detection.snapshot import AccountSnapshot, OrgContext, PriorScan
from detection.whitespace import render_white_space
from integration.contracts import AccountBundle, OrgData, Record, RecordWrite
from plays.account_plan import plan_account
from plays.config import PlaysConfig
from plays.handoff import needs_draft, plan_handoff, plan_handoff_draft, ready_for_handoff
from workers.files import TITLE_PREFIX, AccountFile
from workers.portfolio import prior_of


@dataclass
class ScanContext:
    """Everything shared by the accounts of one scan."""

    mapping: FieldMapping
    org_data: OrgData
    now: datetime
    benchmark: PortfolioBenchmark | None = None
    champions: ChampionIndex | None = None
    detection: DetectionConfig = DEFAULT_CONFIG
    plays: PlaysConfig = field(default_factory=PlaysConfig)
    competitors: tuple[str, ...] = ()
    _index: OrgIndex | None = None
    _ctx: OrgContext | None = None
    _names: dict[str, str] | None = None

    @property
    def index(self) -> OrgIndex:
        if self._index is None:
            self._index = build_org_index(self.org_data, self.mapping)
        return self._index

    @property
    def ctx(self) -> OrgContext:
        if self._ctx is None:
            competitors = self.competitors or self.detection.competitors
            self._ctx = to_org_context(self.org_data, self.mapping, competitors=competitors)
        return self._ctx

    def user_name(self, user_id: str | None) -> str:
        """The user's name; "" when unknown, so a text says "the AE" rather than an id."""
        user = next((u for u in self.ctx.users if u.id == user_id), None)
        return user.name if user else ""

    @property
    def user_names(self) -> dict[str, str]:
        """User id -> name, for the users the org read has a name for."""
        if self._names is None:
            self._names = {u.id: u.name for u in self.ctx.users if u.name}
        return self._names


@dataclass
class AccountResult:
    account_id: str
    snapshot: AccountSnapshot
    findings: AccountFindings
    writes: list[RecordWrite]
    prior: PriorScan
    issues: list = field(default_factory=list)
    files: list[AccountFile] = field(default_factory=list)
    # the names of the account's CS owner and AE (user id -> name), for the console
    people: dict[str, str] = field(default_factory=dict)


def snapshot_of(bundle: AccountBundle, sc: ScanContext) -> AccountSnapshot:
    return to_snapshot(bundle, sc.mapping, sc.index, sc.now)


def process_bundle(bundle: AccountBundle, sc: ScanContext,
                   prior: PriorScan | None = None) -> AccountResult:
    """Detect, plan and translate the writes for one account."""
    snapshot = snapshot_of(bundle, sc)
    findings = scan_account(snapshot, sc.ctx, prior, sc.benchmark, sc.champions,
                            sc.detection, sc.now)
    white_space_text = (render_white_space(findings.white_space, limit=sc.plays.long_text_limit,
                                           title=snapshot.name)
                        if findings.white_space is not None else None)
    qbr_brief = _qbr_brief(snapshot, findings, sc)
    plan = plan_account(snapshot, findings, sc.ctx, sc.now, sc.plays,
                        white_space_text=white_space_text, qbr_brief=qbr_brief,
                        outreach=_outreach(snapshot, findings, sc))
    for activity in snapshot.activities:
        cs_name = sc.user_name(activity.owner_id if activity.radar_action == "follow_up"
                               else snapshot.csm_id) or sc.user_name(snapshot.csm_id)
        if ready_for_handoff(activity, sc.plays):
            ask = follow_up_ask(snapshot, findings, activity, sc.ctx.products, sc.now)
            deal = size_deal(snapshot, findings, ask, sc.ctx.products, sc.now)
            handoff = plan_handoff(snapshot, findings, activity, sc.now, sc.plays,
                                   estimated_deal_size=deal_size(findings, snapshot),
                                   cs_owner_name=cs_name,
                                   ae_name=sc.user_name(snapshot.owner_id),
                                   competitors=_competitors(findings), deal=deal)
            plan.writes.extend(handoff.writes)
        elif needs_draft(activity, sc.plays):
            ask = follow_up_ask(snapshot, findings, activity, sc.ctx.products, sc.now)
            draft = plan_handoff_draft(
                snapshot, findings, activity, sc.now, sc.plays,
                estimated_deal_size=deal_size(findings, snapshot), cs_owner_name=cs_name,
                deal=size_deal(snapshot, findings, ask, sc.ctx.products, sc.now))
            plan.writes.extend(draft.writes)
    records = _records_by_id(bundle)
    last_written = {
        rid: last_written_of(rec, sc.mapping, kind)
        for rid, (kind, rec) in records.items() if kind in ("account", "contact")
    }
    issues: list = []
    writes = to_record_writes(plan, sc.mapping, last_written, issues,
                              {rid: rec for rid, (_, rec) in records.items()})
    prior_now = prior_of(snapshot, findings.health.score, sc.now)
    people = {uid: sc.user_names[uid] for uid in (snapshot.csm_id, snapshot.owner_id)
              if uid and uid in sc.user_names}
    return AccountResult(snapshot.id, snapshot, findings, writes, prior_now, issues,
                         _files(snapshot, findings, sc, qbr_brief), people)


def _files(snapshot: AccountSnapshot, findings: AccountFindings, sc: ScanContext,
           qbr_brief: str | None) -> list[AccountFile]:
    """The account plan of strategic (T1) accounts and the brief of an upcoming QBR."""
    files = []
    if snapshot.tier == "T1" and findings.routing.play != "renewal_rescue":
        names = {u.id: u.name for u in sc.ctx.users}
        files.append(AccountFile(snapshot.id, TITLE_PREFIX + "Account plan",
                                 account_plan(snapshot, findings, sc.now, user_names=names)))
    if qbr_brief is not None:
        files.append(AccountFile(snapshot.id, TITLE_PREFIX + "QBR brief", qbr_brief))
    return files


def deal_size(findings: AccountFindings, snapshot: AccountSnapshot) -> float:
    """The handoff Opportunity's amount: the top hypothesis' value, else the white-space
    potential, else a fifth of the current ACV (say so in the document)."""
    if findings.hypotheses and findings.hypotheses[0].estimated_value > 0:
        return findings.hypotheses[0].estimated_value
    if findings.white_space is not None and findings.white_space.potential > 0:
        return findings.white_space.potential
    return round((snapshot.arr or 0.0) * 0.2, 2)


def _competitors(findings: AccountFindings) -> tuple[str, ...]:
    return tuple(sorted({s.episode.split(":", 1)[-1] for s in findings.signals
                         if s.type == "competitive_threat"}))


def _qbr_brief(snapshot: AccountSnapshot, findings: AccountFindings,
               sc: ScanContext) -> str | None:
    qbr = snapshot.next_qbr_date
    if qbr is None or not findings.routing.play02_eligible:
        return None
    if not 0 <= (qbr - sc.now.date()).days <= sc.plays.qbr_prep_lead_days:
        return None
    benchmark = sc.benchmark or PortfolioBenchmark()
    return (qbr_agenda(snapshot, findings, benchmark, sc.now, qbr_date=qbr) + "\n\n"
            + value_story(snapshot, findings, benchmark, sc.now))


def _outreach(snapshot: AccountSnapshot, findings: AccountFindings,
              sc: ScanContext) -> str | None:
    if findings.strength != "Strong" or not findings.hypotheses:
        return None
    top = findings.hypotheses[0]
    contact = pick_recipient(snapshot, findings, top)
    if contact is None:
        return None  # nobody with a first name to write to: no draft rather than "Hi ,"
    return outreach_draft(snapshot, findings, top, contact,
                          ae_name=sc.user_name(snapshot.owner_id), now=sc.now)


def _records_by_id(bundle: AccountBundle) -> dict[str, tuple[str, Record]]:
    records: dict[str, tuple[str, Record]] = {bundle.account_id: ("account", bundle.account)}
    for kind in ("contact", "task"):
        for record in bundle.children.get(kind, ()):
            records[record["Id"]] = (kind, record)
    return records
