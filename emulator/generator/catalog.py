"""The generated org's fixed parts: products and their standard prices, the AE and CSM users,
and the vocabulary (names, titles, departments, case texts) accounts are built from.

Everything here is constant, so any account can be generated on its own (streaming) and
the truth can be computed without the rest of the org. Key prefixes follow
emulator/standard_objects.py; the ids are ``make_id(prefix, n)`` with small ``n`` (the
store reserves the top of the sequence space for its own records).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.ids import make_id

SEAT, STORAGE, API, ADDON, SERVICE = "seat", "storage", "api", "addon", "service"


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """One Product2 with its standard price (per unit per year) and how it is metered.

    ``unit_per_employee`` sizes a typical purchase: units = employees x it (clamped to
    ``min_units``..``max_units``); it is also the list-price fallback used for white-space.
    """

    key: int
    name: str
    code: str
    family: str
    metering: str
    list_price: float
    keywords: str
    unit_per_employee: float
    min_units: int
    max_units: int
    features: tuple[str, ...] = ()
    active: bool = True
    id: str = field(init=False)  # Product2 Id
    entry_id: str = field(init=False)  # its standard PricebookEntry Id

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", make_id("01t", self.key))
        object.__setattr__(self, "entry_id", make_id("01u", self.key))

    @property
    def metered(self) -> bool:
        return self.metering != SERVICE

    def typical_units(self, employees: int) -> int:
        """The units a customer of this size typically licenses."""
        return int(min(self.max_units, max(self.min_units, round(employees * self.unit_per_employee))))


# Keywords are whole words/phrases no other product's name or keywords contain, so a case
# text points at exactly one product (emulator/tests/generator checks this).
PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(1, "Collaboration Suite", "COLLAB-SEAT", "Seats", SEAT, 360.0,
                "collaboration; shared workspace; team chat", 0.30, 50, 20000,
                features=("Whiteboards", "Video Rooms")),
    ProductSpec(2, "Analytics Pro", "ANLT-SEAT", "Seats", SEAT, 600.0,
                "analytics, dashboards, BI reporting", 0.10, 50, 8000,
                features=("Scheduled Exports",)),
    ProductSpec(3, "Field Service Mobile", "FSM-SEAT", "Seats", SEAT, 480.0,
                "field service; dispatch; technician app", 0.08, 50, 6000),
    ProductSpec(4, "Cloud Storage", "STOR-100GB", "Storage", STORAGE, 240.0,
                "storage, terabytes, file archive", 0.20, 60, 12000),
    ProductSpec(5, "Backup Vault", "BKP-100GB", "Storage", STORAGE, 180.0,
                "backup; restore; snapshots", 0.15, 60, 9000),
    ProductSpec(6, "API Gateway", "API-10K", "API", API, 120.0,
                "API; rate limit; API keys", 0.50, 100, 30000, features=("Webhook Deliveries",)),
    ProductSpec(7, "Data Connectors", "DC-SYNC", "API", API, 300.0,
                "connector; ETL; data sync", 0.05, 50, 3000),
    ProductSpec(8, "Security Shield", "SEC-ADDON", "Add-on Modules", ADDON, 120.0,
                "SSO; SAML; audit log", 0.25, 50, 15000),
    ProductSpec(9, "AI Assistant", "AI-ADDON", "Add-on Modules", ADDON, 240.0,
                "AI; copilot; summarization", 0.12, 50, 8000),
    ProductSpec(10, "Workflow Automation", "WF-ADDON", "Add-on Modules", ADDON, 180.0,
                "workflow; automation; approvals", 0.12, 50, 8000),
    ProductSpec(11, "Premium Support", "SUP-PREM", "Services", SERVICE, 25000.0,
                "premium support; technical account manager; 24x7", 0.0, 1, 1),
    ProductSpec(12, "Onboarding Services", "SVC-ONB", "Services", SERVICE, 2000.0,
                "onboarding; training; implementation", 0.004, 5, 40),
    ProductSpec(13, "Legacy Reports", "LEG-RPT", "Add-on Modules", ADDON, 200.0,
                "legacy reports; crystal", 0.05, 50, 2000, active=False),
)
ACTIVE_PRODUCTS = tuple(p for p in PRODUCTS if p.active)
INACTIVE_PRODUCT = next(p for p in PRODUCTS if not p.active)
PRODUCT_BY_ID = {p.id: p for p in PRODUCTS}
PRODUCT_BY_KEY = {p.key: p for p in PRODUCTS}
# Features that appear only when a new use case is planted (never in a quiet baseline).
NEW_FEATURES = {1: "Breakout Rooms", 2: "Embedded Views", 6: "Event Streams", 4: "Cold Tier",
                5: "Cross-Region Copies", 7: "Reverse Sync", 3: "Route Planner", 8: "Device Trust",
                9: "Meeting Notes", 10: "Form Builder"}

COMPETITORS = ("Gainsight", "ChurnZero", "Totango", "Catalyst", "Vitally")

AE_NAMES = (("Maya", "Patel"), ("Jordan", "Reyes"), ("Lena", "Fischer"), ("Omar", "Haddad"),
            ("Grace", "Kim"), ("Daniel", "Okoye"), ("Sofia", "Marino"), ("Ethan", "Brooks"),
            ("Priya", "Nair"), ("Lucas", "Moreau"))
CSM_NAMES = (("Hannah", "Schmidt"), ("Wei", "Zhang"), ("Carlos", "Mendes"), ("Aisha", "Bello"),
             ("Tom", "Lindqvist"), ("Yuna", "Park"), ("Felix", "Novak"), ("Nora", "Quinn"),
             ("Ravi", "Iyer"), ("Elena", "Petrova"))
USER_DOMAIN = "northstar-saas.example"


@dataclass(frozen=True, slots=True)
class UserSpec:
    key: int
    first: str
    last: str
    title: str
    id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", make_id("005", self.key))


AES = tuple(UserSpec(1 + k, f, last, "Account Executive") for k, (f, last) in enumerate(AE_NAMES))
CSMS = tuple(UserSpec(101 + k, f, last, "Customer Success Manager")
             for k, (f, last) in enumerate(CSM_NAMES))

# Values of Contracted_Departments__c (the hand-kept metadata's picklist).
DEPARTMENTS = ("Sales", "Marketing", "Finance", "HR", "IT", "Engineering", "Operations",
               "Customer Support", "Legal", "Product", "Procurement", "Data")
# Non-senior titles per department (seniority rank < 5 and no leadership words).
STAFF_TITLES = {
    "Sales": ("Sales Manager", "Account Manager", "Sales Operations Analyst", "Director of Sales"),
    "Marketing": ("Marketing Manager", "Content Strategist", "Director of Marketing"),
    "Finance": ("Controller", "Financial Analyst", "Finance Manager"),
    "HR": ("HR Business Partner", "Talent Manager", "People Operations Specialist"),
    "IT": ("IT Manager", "Systems Administrator", "Director of IT"),
    "Engineering": ("Engineering Manager", "Staff Engineer", "Software Engineer", "Director of Engineering"),
    "Operations": ("Operations Manager", "Business Analyst", "Director of Operations"),
    "Customer Support": ("Support Manager", "Support Specialist", "Team Lead, Support"),
    "Legal": ("Counsel", "Contracts Manager", "Paralegal"),
    "Product": ("Product Manager", "Product Designer", "Director of Product"),
    "Procurement": ("Procurement Manager", "Buyer", "Vendor Manager"),
    "Data": ("Data Engineer", "Data Analyst", "Analytics Manager"),
}
SENIOR_TITLES = {
    "Sales": ("VP of Sales", "Chief Revenue Officer"), "Marketing": ("VP Marketing", "CMO"),
    "Finance": ("CFO", "VP Finance"), "HR": ("Chief People Officer", "VP People"),
    "IT": ("CIO", "VP of IT"), "Engineering": ("CTO", "SVP Engineering"),
    "Operations": ("COO", "VP Operations"), "Customer Support": ("VP Customer Support",),
    "Legal": ("Chief Legal Officer", "VP Legal"), "Product": ("CPO", "VP Product"),
    "Procurement": ("VP Procurement",), "Data": ("Chief Data Officer", "VP Data"),
}
FIRST_NAMES = ("Alex", "Sam", "Taylor", "Morgan", "Jamie", "Chris", "Robin", "Casey", "Drew",
               "Avery", "Riley", "Quinn", "Harper", "Rowan", "Emery", "Kai", "Noa", "Mina",
               "Ivan", "Lea", "Mateo", "Zoe", "Hugo", "Ines", "Leo", "Mila", "Aria", "Ben",
               "Clara", "Dev", "Ella", "Finn", "Gita", "Hana", "Isaac", "Jonas", "Kira", "Liam")
LAST_NAMES = ("Smith", "Garcia", "Chen", "Mueller", "Rossi", "Silva", "Kowalski", "Tanaka",
              "Dubois", "Jensen", "Costa", "Ahmed", "Ivanova", "Murphy", "Nakamura", "Larsen",
              "Romero", "Weber", "Singh", "Cohen", "Olsen", "Khan", "Lopez", "Berg", "Sato",
              "Hughes", "Varga", "Horvat", "Santos", "Meyer", "Wright", "Das", "Lund")
# Departed champions get names from these lists only (never used elsewhere), made unique by
# the account index, so a "first + last name" match can only be the planted arrival.
DEPARTED_FIRST = ("Adaeze", "Bartholomew", "Cosima", "Dmitri", "Esperanza", "Florian",
                  "Guinevere", "Horatio", "Isolde", "Jovan", "Katalin", "Leopold", "Marisol")
DEPARTED_LAST_A = ("Ashdown", "Blackwood", "Carrow", "Delacroix", "Everly", "Fairbank",
                   "Greystone", "Hollister", "Ingram", "Jessop", "Kingsley", "Lockhart")

NAME_WORDS_A = ("Blue", "North", "Silver", "Iron", "Bright", "Summit", "Cedar", "Harbor",
                "Granite", "Maple", "Falcon", "Crescent", "Pioneer", "Atlas", "Vertex", "Coral")
NAME_WORDS_B = ("field", "stone", "wave", "ridge", "gate", "point", "bridge", "line", "path",
                "works", "forge", "peak")
NAME_SUFFIX = ("Logistics", "Health", "Foods", "Systems", "Energy", "Media", "Bank", "Labs",
               "Retail", "Manufacturing", "Insurance", "Telecom", "Partners", "Group")
INDUSTRIES = ("Technology", "Finance", "Healthcare", "Manufacturing", "Retail", "Education",
              "Media", "Transportation", "Energy", "Telecommunications", "Insurance", "Banking")

# Case texts of a quiet account: none names a product, keyword or competitor.
CASE_ISSUES = ("Cannot log in", "Password reset request", "Invoice address change",
               "Slow page loads", "Export to CSV fails", "User permissions question",
               "Error message after update", "Notification emails not received",
               "Timezone displays wrong", "Question about license count",
               "Page layout looks broken", "Duplicate records after import")
TASK_SUBJECTS = ("Check-in call", "Adoption review", "Follow-up email", "Roadmap walkthrough",
                 "Success plan update", "Stakeholder intro")
NPS_COMMENTS_LOW = ("Works, but getting new users started is slow.", "Support response could be faster.",
                    "Decent value; missing a few reports we need.")
NPS_COMMENTS_HIGH = ("Our teams rely on it every day, great partnership.",
                     "Fantastic product and a responsive team.",
                     "Rolled it out company-wide, everyone loves it.")
CS_SIGNAL_SUBJECTS = {
    "reference_offer": "Customer offered to be a reference",
    "qbr_mention": "QBR: customer mentioned rolling out to more teams",
    "direct_request": "Customer asked for a quote for more seats",
    "business_event": "Customer announced a new regional office",
}
