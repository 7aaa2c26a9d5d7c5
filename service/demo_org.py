"""The demo's view of the emulated org, through its REST API with simple-salesforce: what
the service wrote, and a CS user qualifying a follow-up Task as they would in the UI.

The CS user logs in as themselves (the emulator gives every user the same password), so
the change is theirs in LastModifiedById, as it would be in a real org, and the back-sync
does not mistake it for the service's own write-back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from simple_salesforce import Salesforce, format_soql

TIMEOUT = 15
HANDOFF_LEAD_SOURCE = "CS-driven Expansion"
# Four of the five qualification fields (Budget stays empty): the handoff needs 4 of 5.
QUALIFICATION = {
    "Qual_Pain__c": "Month-end reporting hits the seat limit; two teams share logins",
    "Qual_Metrics__c": "Close the books 2 days faster; every analyst on their own seat",
    "Qual_Timeline__c": "Decision before the Q1 budget freeze",
}


@dataclass(frozen=True)
class FollowUp:
    """The follow-up Task the CS user qualifies."""

    task_id: str
    subject: str
    account_id: str
    account_name: str
    owner_username: str
    owner_name: str


class OrgClient:
    """REST access to the emulator with its CA trusted (and only its CA)."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = dict(env)
        self.http = requests.Session()
        self.http.verify = self.env["SALESFORCE_CA_BUNDLE"]
        # requests lets REQUESTS_CA_BUNDLE override Session.verify (psf/requests#3829);
        # ignoring the environment keeps the emulator's CA in force.
        self.http.trust_env = False
        self.instance_url = self.env["SALESFORCE_INSTANCE_URL"]
        self._service: Salesforce | None = None

    def login(self, username: str | None = None) -> Salesforce:
        """A simple-salesforce client for ``username`` (default: the integration user),
        from the OAuth username-password flow of the emulator's connected app."""
        response = self.http.post(
            f"{self.env['SALESFORCE_LOGIN_URL']}/services/oauth2/token", timeout=TIMEOUT,
            data={"grant_type": "password", "client_id": self.env["SALESFORCE_CLIENT_ID"],
                  "client_secret": self.env["SALESFORCE_CLIENT_SECRET"],
                  "username": username or self.env["SALESFORCE_USERNAME"],
                  "password": self.env["SALESFORCE_PASSWORD"]})
        response.raise_for_status()
        return Salesforce(session_id=response.json()["access_token"], instance_url=self.instance_url,
                          session=self.http, version=self.env["SALESFORCE_API_VERSION"])

    @property
    def sf(self) -> Salesforce:
        """The integration user's client (made on first use)."""
        if self._service is None:
            self._service = self.login()
        return self._service

    def answers(self) -> bool:
        """True when the emulator answers its versions list."""
        try:
            return self.http.get(f"{self.instance_url}/services/data/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def control(self, path: str, method: str = "GET", **body: Any) -> Any:
        """Call one of the emulator's control endpoints (stats, clock, faults...)."""
        response = self.http.request(
            method, f"{self.instance_url}/__emulator/{path}", json=body or None, timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {self.env['RADAR_EMULATOR_CONTROL_TOKEN']}"})
        response.raise_for_status()
        return response.json()

    def org_id(self) -> str:
        """The Organization id (for the webhook's org allow-list)."""
        return self.sf.query("SELECT Id FROM Organization")["records"][0]["Id"]

    def count(self, soql: str) -> int:
        """``SELECT COUNT() ...`` as an int."""
        return int(self.sf.query(soql)["totalSize"])

    # -- the CS user -----------------------------------------------------------------------
    def strong_follow_up(self) -> FollowUp | None:
        """The earliest-due open High-priority follow-up of a Strong signal."""
        rows = self.sf.query(
            "SELECT Id, Subject, AccountId, Account.Name, Owner.Username, Owner.Name FROM Task "
            "WHERE Radar_Action__c = 'follow_up' AND Priority = 'High' "
            "AND Signal_Strength__c = 'Strong' AND IsClosed = false "
            "ORDER BY ActivityDate, Id LIMIT 1")["records"]
        if not rows:
            return None
        row = rows[0]
        return FollowUp(row["Id"], row["Subject"], row["AccountId"], row["Account"]["Name"],
                        row["Owner"]["Username"], row["Owner"]["Name"])

    def decision_maker_name(self, account_id: str) -> str:
        """A current contact of the account to name as decision maker (the stakeholder map's
        Economic Buyer or Decision Maker when there is one)."""
        rows = self.sf.query(format_soql(
            "SELECT Name, MEDDICC_Role__c FROM Contact WHERE AccountId = {} "
            "AND Left_Company__c = false ORDER BY Name", account_id))["records"]
        rank = {"Economic Buyer": 0, "Decision Maker": 1}
        rows.sort(key=lambda r: rank.get(r.get("MEDDICC_Role__c") or "", 2))
        return rows[0]["Name"] if rows else "The VP who owns the budget"

    def qualify(self, follow_up: FollowUp, decision_maker: str) -> dict[str, str]:
        """Fill four of the five qualification fields as the Task's owner (the CS user)."""
        fields = {**QUALIFICATION, "Qual_Decision_Maker__c": decision_maker}
        self.login(follow_up.owner_username).Task.update(follow_up.task_id, fields)
        return fields

    # -- what the service wrote ------------------------------------------------------------
    def handoff(self, follow_up: FollowUp) -> dict[str, Any] | None:
        """The handed-off state once complete: the S2 Opportunity with its contact roles,
        the CS+AE alignment Event with both attendees and the follow-up completed; None until
        then."""
        opps = self.sf.query(format_soql(
            "SELECT Id, Name, StageName, Amount, CloseDate, LeadSource, Type, Expansion_Key__c, "
            "Description, Owner.Name, Metrics__c, Identified_Pain__c, Economic_Buyer__c, "
            "Champion__c FROM Opportunity WHERE AccountId = {} AND LeadSource = {} "
            "AND Expansion_Key__c != null", follow_up.account_id, HANDOFF_LEAD_SOURCE))["records"]
        if not opps:
            return None
        opp = opps[0]
        roles = self.sf.query(format_soql(
            "SELECT Contact.Name, Contact.Title, Role, IsPrimary FROM OpportunityContactRole "
            "WHERE OpportunityId = {} ORDER BY IsPrimary DESC, Role", opp["Id"]))["records"]
        task = self.sf.Task.get(follow_up.task_id)
        alignment = self.sf.query(format_soql(
            "SELECT Id, Subject, Owner.Name, ActivityDate FROM Event WHERE WhatId = {} "
            "AND Radar_Action__c = 'handoff_alignment'", follow_up.account_id))["records"]
        if not roles or not alignment or task.get("Status") != "Completed":
            return None  # the handoff's writes are still arriving
        invited = self.sf.query(format_soql("SELECT RelationId FROM EventRelation WHERE EventId = {}",
                                            alignment[0]["Id"]))["records"]
        names = [self.sf.User.get(r["RelationId"]).get("Name") for r in invited]
        if not names:
            return None  # the invitation is written right after the Event
        alignment[0]["Attendees"] = [(alignment[0].get("Owner") or {}).get("Name"), *names]
        return {"opportunity": opp, "roles": roles, "alignment": alignment[0],
                "follow_up_status": task["Status"], "opportunities": len(opps)}

    def org_counts(self) -> dict[str, Any]:
        """What the org holds of the service's writes, counted with SOQL."""
        by_action = self.sf.query(
            "SELECT Radar_Action__c, COUNT(Id) n FROM Task WHERE Expansion_Key__c != null "
            "GROUP BY Radar_Action__c")["records"]
        return {
            "tasks": self.count("SELECT COUNT() FROM Task WHERE Expansion_Key__c != null"),
            "tasks_by_action": {r["Radar_Action__c"]: r["n"] for r in by_action},
            "opportunities": self.count(format_soql(
                "SELECT COUNT() FROM Opportunity WHERE LeadSource = {} "
                "AND Expansion_Key__c != null", HANDOFF_LEAD_SOURCE)),
            "accounts_scanned": self.count(
                "SELECT COUNT() FROM Account WHERE Last_Expansion_Scan__c != null"),
            "accounts": self.count("SELECT COUNT() FROM Account"),
        }
