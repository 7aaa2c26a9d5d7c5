"""What the demo prints: the handoff, the summary, and failures — with rich."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from service.demo_org import FollowUp
from service.supervisor import tail

STRENGTHS = ("Strong", "Moderate", "Weak", "None", "-")


def money(value: Any) -> str:
    """$1,234 (or - when empty)."""
    return "-" if value in (None, "") else f"${float(value):,.0f}"


def render_handoff(console: Console, follow_up: FollowUp, state: dict[str, Any]) -> None:
    """The S2 Opportunity, its contact roles and its handoff document."""
    opp = state["opportunity"]
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    for label, value in (
        ("Opportunity", opp["Name"]), ("Account", follow_up.account_name),
        ("Stage", opp["StageName"]), ("Amount", money(opp["Amount"])),
        ("Close date", opp["CloseDate"]), ("Lead source", opp["LeadSource"]),
        ("Owner (AE)", (opp.get("Owner") or {}).get("Name", "")),
        ("Expansion key", opp["Expansion_Key__c"]), ("Opportunity id", opp["Id"]),
        ("Follow-up Task", f"{follow_up.task_id}: {state['follow_up_status']}"),
        ("CS+AE alignment Event", f"{state['alignment']['Subject']} on "
                                  f"{state['alignment']['ActivityDate']} with "
                                  f"{' and '.join(n for n in state['alignment']['Attendees'] if n)}"),
    ):
        facts.add_row(label, str(value))
    roles = Table("Contact role", "Contact", "Title", "Primary", title="OpportunityContactRole",
                  title_justify="left")
    for row in state["roles"]:
        contact = row.get("Contact") or {}
        roles.add_row(row["Role"], contact.get("Name", ""), contact.get("Title") or "",
                      "yes" if row["IsPrimary"] else "")
    console.print(Panel(Group(facts, Text(""), roles), title="[bold green]S2 Opportunity created",
                        title_align="left"))
    console.print(Panel(Text(opp.get("Description") or "(empty)"),
                        title="Handoff document (Opportunity.Description)", title_align="left"))


def _signals_table(signals: dict[str, dict[str, int]]) -> Table:
    table = Table("Signal", *STRENGTHS, title="Accounts by signal and account strength "
                  "(- = risk or timing signal)", title_justify="left")
    for kind, by_strength in sorted(signals.items()):
        table.add_row(kind, *(str(by_strength.get(s, "")) for s in STRENGTHS))
    return table


def render_summary(console: Console, summary: dict[str, Any]) -> None:
    """Accounts, signals, writes, API calls and where to look in a browser."""
    console.rule("[bold]Summary")
    scan = summary.get("scan", {})
    org = summary["org"]
    console.print(f"Accounts in the org: {summary['accounts_in_org']}, scanned: "
                  f"{summary['accounts_scanned']} (with Last_Expansion_Scan__c set: "
                  f"{org['accounts_scanned']})")
    strength = summary["strength"]
    console.print("Account strength: " + ", ".join(
        f"{s} {strength[s]}" for s in STRENGTHS if s in strength))
    console.print(_signals_table(summary["signals"]))

    before = summary["org_before"]
    writes = Table("Written by the service", "Write ledger", "In the org (new)",
                   title="Tasks and Opportunities (org: Expansion_Key__c set, minus what the "
                   "generator seeded)", title_justify="left")
    written = summary["written"]
    writes.add_row("Tasks created", str(written["tasks"]), str(org["tasks"] - before["tasks"]))
    seeded = before["tasks_by_action"]
    for action, n in sorted(org["tasks_by_action"].items()):
        writes.add_row(f"  {action}", "", str(n - seeded.get(action, 0)))
    writes.add_row("CS-driven Expansion Opportunities", str(written["opportunities"]),
                   str(org["opportunities"] - before["opportunities"]))
    writes.add_row("Accounts updated", str(written["account_updates"]),
                   str(org["accounts_scanned"] - before["accounts_scanned"]))
    writes.add_row("Contacts updated (MEDDICC roles)", str(written["contact_updates"]), "")
    writes.add_row("Failed writes", str(written["failed"]), "")
    console.print(writes)

    calls = Table("Run", "Mode", "Status", "Accounts", "API calls", title="API calls spent "
                  "(run ledger, without logins)", title_justify="left")
    for run in summary["runs"]:
        status = run["status"]
        if run["mode"] == "full" and run["accounts"] and run["accounts_written"] >= run["accounts"]:
            status = "read, written back"  # the run record says reading-done until the next scan
        calls.add_row(run["run_id"], run["mode"], status, str(run["accounts"]), str(run["calls"]))
    console.print(calls)
    api = summary["api"]
    console.print(f"Full scan: {scan.get('emulator_calls', '?')} API calls counted by the org for "
                  f"{scan.get('accounts', '?')} accounts. Org's daily API usage now: "
                  f"{api['used']} of {api['max']} (includes this demo's own queries).")
    deliveries = summary["deliveries"]
    console.print(f"Trigger deliveries: {deliveries.get('delivered', 0)} delivered, "
                  f"{deliveries.get('failed_attempts', 0)} failed attempts.")
    handoff = summary.get("handoff")
    if handoff:
        console.print(f"Handoff: {handoff['seconds']} s from the CS user's save to the "
                      "Opportunity, contact roles, alignment Event and completed follow-up.")

    links = summary["browser"]
    # Plain lines, never wrapped or cut, so the URLs can be copied whole.
    console.rule("[bold]Where to look in a browser")
    if "account" in links:
        console.print(f"The handed-off account: {links['account']}", soft_wrap=True)
    console.print(f"All accounts: {links['accounts']}", soft_wrap=True)
    console.print(f"Admin pages: {links['admin']}  (log in with the token "
                  f"{links['admin_token']})", soft_wrap=True)
    console.print(f"(The emulator's HTTPS certificate is signed by {links['emulator_ca']}: "
                  "accept it in the browser or trust that CA.)", soft_wrap=True)
    console.print(f"Done in {summary['seconds']} s. Logs and summary.json in {summary['workdir']}")


def render_failure(console: Console, message: str, logs: list[Path]) -> None:
    """What failed, with the tail of each log that explains it."""
    console.print(f"\n[bold red]Demo failed:[/] {message}")
    for log in logs:
        console.print(Panel(Text(tail(log) or "(empty)"), title=f"tail of {log}",
                            title_align="left", border_style="red"))
