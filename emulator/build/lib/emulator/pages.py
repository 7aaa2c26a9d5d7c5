"""Read-only HTML pages: an Account list and one page per Account with its fields, related
Contacts, Opportunities and open / closed Tasks — what a CRM user would see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, redirect, request
from markupsafe import Markup

from emulator.sqlstore import fetch_dicts
from emulator.values import from_storage, looks_like_id, normalize_id

if TYPE_CHECKING:
    from emulator.org import Org

bp = Blueprint("emulator_pages", __name__)
PAGE_SIZE = 50
_STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem;color:#181818}table{border-collapse:collapse;"
          "margin-bottom:1.5rem}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}"
          "th{background:#f3f3f3}h2{margin-top:2rem}")
_STYLE_MARKUP = Markup(_STYLE)  # noqa: S704 - a constant of this module, no user input


def _org() -> Org:
    return current_app.config["EMULATOR_ORG"]


def _page(title: str, body: Markup) -> Response:
    html = Markup("<!doctype html><html><head><meta charset='utf-8'><title>{}</title><style>{}</style>"
                  "</head><body>{}</body></html>").format(title, _STYLE_MARKUP, body)
    return Response(str(html), content_type="text/html; charset=utf-8")


def _table(rows: list[dict[str, Any]], columns: list[str], link: str | None = None) -> Markup:
    if not rows:
        return Markup("<p><em>None</em></p>")
    head = Markup("").join(Markup("<th>{}</th>").format(c) for c in columns)
    lines = []
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            text = "" if value is None else str(value)
            if link and column == "Name":
                cells.append(Markup("<td><a href='{}'>{}</a></td>").format(link.format(row["Id"]), text))
            else:
                cells.append(Markup("<td>{}</td>").format(text))
        lines.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
    return Markup("<table><tr>{}</tr>{}</table>").format(head, Markup("").join(lines))


@bp.get("/")
def home() -> Response:
    """Send a browser to the Account list."""
    return redirect("/lightning/o/Account/list")  # type: ignore[return-value]


@bp.get("/lightning/o/Account/list")
def account_list() -> Response:
    """Accounts by name, 50 a page (?page=N)."""
    page = max(int(request.args.get("page", "1") or 1), 1)
    with _org().store.connection() as conn:
        rows = fetch_dicts(conn, 'SELECT * FROM "Account" WHERE IsDeleted = 0 ORDER BY Name LIMIT ? OFFSET ?',
                           (PAGE_SIZE, (page - 1) * PAGE_SIZE))
        total = conn.execute('SELECT COUNT(*) FROM "Account" WHERE IsDeleted = 0').fetchone()[0]
    columns = [c for c in ("Name", "Industry", "Tier__c", "Health_Score__c", "NumberOfEmployees") if
               _org().schema.object("Account").has_field(c)]
    nav = Markup("<p>{} accounts — page {}. <a href='?page={}'>next</a></p>").format(total, page, page + 1)
    return _page("Accounts", Markup("<h1>Accounts</h1>") + nav +
                 _table(rows, columns, "/lightning/r/Account/{}/view"))


@bp.get("/lightning/r/Account/<record_id>/view")
def account_view(record_id: str) -> Response:
    """One Account with its related lists."""
    org = _org()
    if not looks_like_id(record_id):
        return Response("not found", status=404)
    account_id = normalize_id(record_id)
    account = org.store.get_row("Account", account_id)
    if account is None:
        return Response("not found", status=404)
    obj = org.schema.object("Account")
    details = [{"Field": f.label or f.name, "Value": from_storage(f, account.get(f.name))}
               for f in obj.fields.values() if account.get(f.name) not in (None, "")]
    with org.store.connection() as conn:
        contacts = fetch_dicts(conn, 'SELECT * FROM "Contact" WHERE AccountId = ? AND IsDeleted = 0 ORDER BY Name',
                               (account_id,))
        opportunities = fetch_dicts(conn, 'SELECT * FROM "Opportunity" WHERE AccountId = ? AND IsDeleted = 0 '
                                    "ORDER BY CloseDate DESC", (account_id,))
        tasks = fetch_dicts(conn, 'SELECT * FROM "Task" WHERE (WhatId = ? OR AccountId = ?) AND IsDeleted = 0 '
                            "ORDER BY ActivityDate DESC", (account_id, account_id))
    body = (Markup("<h1>{}</h1><p><a href='/lightning/o/Account/list'>All accounts</a></p>").format(account["Name"])
            + Markup("<h2>Details</h2>") + _table(details, ["Field", "Value"])
            + Markup("<h2>Contacts</h2>") + _table(contacts, ["Name", "Title", "Department", "Email"])
            + Markup("<h2>Opportunities</h2>") + _table(opportunities, ["Name", "StageName", "Amount", "CloseDate"])
            + Markup("<h2>Open Activities</h2>")
            + _table([t for t in tasks if not t["IsClosed"]], ["Subject", "Status", "Priority", "ActivityDate"])
            + Markup("<h2>Activity History</h2>")
            + _table([t for t in tasks if t["IsClosed"]], ["Subject", "Status", "ActivityDate", "Description"]))
    return _page(account["Name"] or "", body)
