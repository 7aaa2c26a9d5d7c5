"""The domain's view of one account at scan time, plus the portfolio-wide context.

This is the contract between `crm_mapping` (which builds snapshots from Salesforce records
through an org's field mapping) and `detection` (which reads them). Everything here is
plain, immutable data in the product's own vocabulary: no Salesforce API names, no I/O.

A value the org does not provide (field unmapped, or missing in the org) is ``None`` and
its logical name is listed in ``AccountSnapshot.unavailable`` so detection can say what
it could not judge instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Tier = Literal["T1", "T2", "T3"]
ActivityKind = Literal["Task", "Event"]


@dataclass(frozen=True, slots=True)
class Product:
    """An entry of the catalog (Product2 with its standard price book entry)."""

    id: str
    name: str
    code: str | None = None
    family: str | None = None
    is_active: bool = True
    keywords: tuple[str, ...] = ()
    list_price: float | None = None  # standard PricebookEntry.UnitPrice (per unit per year)


@dataclass(frozen=True, slots=True)
class LineItem:
    """An OpportunityLineItem: a product on an opportunity."""

    id: str
    product_id: str
    quantity: float
    unit_price: float | None
    total_price: float | None


@dataclass(frozen=True, slots=True)
class ContactRole:
    """An OpportunityContactRole row."""

    contact_id: str
    role: str | None
    is_primary: bool = False


@dataclass(frozen=True, slots=True)
class Opportunity:
    id: str
    name: str
    stage: str | None
    is_closed: bool
    is_won: bool
    amount: float | None
    close_date: date | None
    created_date: datetime | None
    type: str | None = None
    lead_source: str | None = None
    owner_id: str | None = None
    account_id: str | None = None
    expansion_key: str | None = None  # set on Opportunities the service created
    line_items: tuple[LineItem, ...] = ()
    contact_roles: tuple[ContactRole, ...] = ()
    competitors: tuple[str, ...] = ()  # OpportunityCompetitor.CompetitorName


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    first_name: str | None
    last_name: str
    title: str | None
    department: str | None
    email: str | None
    created_date: datetime | None
    last_activity_date: date | None
    email_bounced_date: datetime | None = None
    left_company: bool = False
    linkedin_url: str | None = None
    meddicc_role: str | None = None  # current value of Contact.MEDDICC_Role__c
    account_roles: tuple[str, ...] = ()  # AccountContactRelation.Roles for this account

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.first_name else self.last_name


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    subject: str | None
    description: str | None
    type: str | None
    status: str | None
    priority: str | None
    created_date: datetime | None
    contact_id: str | None = None
    product_id: str | None = None
    is_closed: bool = False


@dataclass(frozen=True, slots=True)
class Activity:
    """A Task or Event on the account (WhatId = account, or WhoId = one of its contacts).

    ``radar_action`` is set on activities the service wrote; ``signal_type`` on a Task a
    CS user (or an enrichment tool) recorded to log a signal by hand.
    """

    id: str
    kind: ActivityKind
    subject: str | None
    type: str | None
    status: str | None
    activity_date: date | None
    created_date: datetime | None
    who_id: str | None = None
    what_id: str | None = None
    owner_id: str | None = None
    description: str | None = None
    priority: str | None = None
    radar_action: str | None = None
    signal_type: str | None = None
    signal_strength: str | None = None
    expansion_key: str | None = None
    qual_pain: str | None = None
    qual_metrics: str | None = None
    qual_timeline: str | None = None
    qual_decision_maker: str | None = None
    qual_budget: str | None = None
    handoff_confirmed: bool = False  # CS read the draft and confirmed (confirm-first orgs)


@dataclass(frozen=True, slots=True)
class UsageRow:
    """One month of Product_Usage__c for one product (and optionally one feature)."""

    id: str
    product_id: str | None
    period_start: date
    active_users: float | None
    licensed_units: float | None
    usage_units: float | None
    feature: str | None = None


@dataclass(frozen=True, slots=True)
class Asset:
    id: str
    product_id: str | None
    quantity: float | None
    status: str | None
    usage_end_date: date | None = None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """A field-history row (AccountHistory / ContactHistory): how a value changed, when."""

    record_id: str
    field: str  # logical field name, e.g. "account.employees", "contact.title"
    old_value: str | None
    new_value: str | None
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Everything detection may look at for one account, at one moment."""

    id: str
    name: str
    industry: str | None = None
    employees: int | None = None
    annual_revenue: float | None = None
    owner_id: str | None = None  # the AE
    csm_id: str | None = None  # the CS owner
    tier: Tier | None = None  # translated from the org's own values by the mapping
    health_score: float | None = None  # the org's score when mapped, 0-100
    arr: float | None = None  # current ACV
    renewal_date: date | None = None
    nps_score: float | None = None
    nps_comment: str | None = None
    nps_date: date | None = None
    next_qbr_date: date | None = None
    contracted_departments: tuple[str, ...] = ()
    website: str | None = None
    # what the service wrote last time (to diff, and to never overwrite a human's edit)
    white_space_text: str | None = None
    white_space_json: str | None = None  # the Lightning panel's document (plays.panel)
    white_space_potential: float | None = None
    expansion_readiness: str | None = None
    last_expansion_scan: datetime | None = None
    contacts: tuple[Contact, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()
    cases: tuple[Case, ...] = ()
    activities: tuple[Activity, ...] = ()
    usage: tuple[UsageRow, ...] = ()
    assets: tuple[Asset, ...] = ()
    history: tuple[FieldChange, ...] = ()
    # logical field names this org does not provide (unmapped or absent)
    unavailable: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class PriorScan:
    """What the previous scan of this account remembered (kept by the service)."""

    scanned_at: datetime
    health_score: float | None = None
    employees: int | None = None
    contact_titles: tuple[tuple[str, str], ...] = ()  # (contact id, title)
    champion_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str | None = None
    role: str | None = None  # "AE", "CSM", ... as the org labels them
    is_active: bool = True
    manager_id: str | None = None  # User.ManagerId: where an SLA miss escalates


@dataclass(frozen=True, slots=True)
class OrgContext:
    """Portfolio-wide data read once per scan and shared by every account's detection."""

    org_id: str
    time_zone: str = "America/Los_Angeles"  # Organization.TimeZoneSidKey
    products: tuple[Product, ...] = ()
    users: tuple[User, ...] = ()
    competitors: tuple[str, ...] = ()  # configured competitor names
