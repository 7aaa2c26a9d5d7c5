"""The admin blueprint: login, the guard every page passes, dashboard, sync status, digest.

The mapping editor's routes live in ``mapping_views`` and join this blueprint.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import redis
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from service.admin import auth
from service.admin.accounts_table import PLAY_NAMES, accounts_view
from service.admin.charts import bar_chart, stacked_chart
from service.admin.mapping_views import register_mapping_routes
from service.admin.presenters import calls_text, fmt, funnel_rows, money, month_points
from service.admin.sources import PortfolioRow
from service.admin.state import state

log = logging.getLogger(__name__)
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.static"})
# No script at all, styles only from our own file, SVG inline: the pages need nothing else.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


# The strength on a signal is its account's strength when the scan ran (plays log it so).
SIGNAL_CHART_TITLE = "Signals detected in the last scan, by type and account strength"
READINESS_ORDER = ("High", "Medium", "Low", "None")
STRENGTH_ORDER = ("Strong", "Moderate", "Weak", "-")


def _ordered(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """``keys`` in ``order``, unknown ones after it alphabetically (none dropped)."""
    keys = set(keys)
    return [k for k in order if k in keys] + sorted(keys - set(order))


def readiness_counts(portfolio: Iterable[PortfolioRow]) -> list[tuple[str, int]]:
    """Accounts per expansion readiness over the whole portfolio (at-risk ones included:
    the scan sets their readiness too), High first; levels without accounts show 0."""
    counts = Counter(r.readiness or "-" for r in portfolio)
    return [(level, counts.get(level, 0)) for level in _ordered([*READINESS_ORDER, *counts],
                                                                READINESS_ORDER)]


def create_blueprint() -> Blueprint:
    """The ``admin`` blueprint (pages under /admin, its CSS under /admin/static)."""
    bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
                   static_folder="static", static_url_path="/static")

    @bp.before_request
    def guard() -> Response | None:
        if request.endpoint == "admin.static":
            return None
        if request.method == "POST" and not auth.csrf_valid():
            log.warning("admin form without a valid CSRF token refused (%s)", request.path)
            return html_error_page(400, "This form has expired or did not come from this site. "
                                    "Go back, reload the page and try again.")
        if request.endpoint not in PUBLIC_ENDPOINTS and not auth.logged_in():
            return auth.login_redirect()
        return None

    @bp.after_request
    def harden(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "admin.static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @bp.app_template_global()
    def csrf_token() -> str:
        return auth.csrf_token()

    @bp.context_processor
    def page_context() -> dict[str, Any]:
        return {"logged_in": auth.logged_in()}

    @bp.errorhandler(404)
    def not_found(exc: HTTPException) -> Response:
        return html_error_page(404, exc.description or "Not found.")

    @bp.errorhandler(redis.RedisError)
    def redis_down(exc: redis.RedisError) -> Response:
        # Sessions, the login throttle, runs and mappings all live in Redis: without it no
        # admin page can answer truthfully. 503 (not 500): it is an outage, not a bug.
        log.warning("admin %s: Redis unavailable: %s", request.path, exc)
        response = html_error_page(503, REDIS_DOWN_MESSAGE)
        response.headers["Retry-After"] = "30"
        return response

    bp.add_app_template_filter(money, "money")
    bp.add_app_template_filter(fmt, "fmt")

    @bp.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        """The token form; on success a fresh session and a redirect to ``next``."""
        token = state().admin_token
        error = None if token else "Admin login is disabled: RADAR_ADMIN_TOKEN is not set."
        target = auth.safe_next(request.values.get("next"))
        throttle = current_app.extensions.get("radar.auth_throttle")
        wait = throttle.retry_after(request.remote_addr) if throttle else None
        if request.method == "POST" and wait is not None:
            response = html_error_page(429, "Too many failed logins from this address. Try again "
                                        f"in {max(1, round(wait / 60))} minute(s).")
            response.headers["Retry-After"] = str(wait)
            return response
        if request.method == "POST" and token:
            if auth.token_matches(request.form.get("token", ""), token):
                auth.start_session()
                log.info("admin login from %s", request.remote_addr)
                return redirect(target)
            auth.note_failed_login()
            if throttle:
                throttle.record_failure(request.remote_addr)
            error = "That token is not the admin token."
        if request.method == "GET" and auth.logged_in():
            return redirect(target)
        status = 403 if request.method == "POST" else 200
        return render_template("admin_login.html", error=error, next=target), status

    @bp.route("/logout", methods=["POST"])
    def logout() -> Response:
        session.clear()
        return redirect(url_for("admin.login"))

    @bp.route("/", strict_slashes=False)
    def dashboard() -> str:
        """Funnel metrics with goals, charts, the portfolio ranking and what was written."""
        insights = state().sources.insights.insights()
        funnel = insights.funnel
        return render_template(
            "admin_dashboard.html", insights=insights, funnel=funnel,
            rows=funnel_rows(funnel) if funnel else [],
            tiers={k: funnel_rows(funnel, v, k) for k, v in funnel.by_tier.items()}
            if funnel else {},
            month_chart=bar_chart("Signals per month", month_points(funnel)) if funnel else None,
            signal_chart=stacked_chart(SIGNAL_CHART_TITLE, insights.signals),
            signal_total=sum(sum(by.values()) for by in insights.signals.values()),
            readiness=readiness_counts(insights.portfolio),
            accounts=accounts_view(insights.ranked, request.args), play_names=PLAY_NAMES,
            log_strengths=_ordered({s for by in insights.signal_logs.values() for s in by},
                                   STRENGTH_ORDER))

    @bp.route("/sync")
    def sync() -> str:
        """Recent runs, API calls against the budget, queue depths, failed jobs."""
        status = state().sources.status
        return render_template("admin_sync.html", runs=status.recent_runs(),
                               queues=status.queue_depths(), failed=status.failed_jobs(),
                               calls_text=calls_text)

    @bp.route("/sync/retry", methods=["POST"])
    def retry() -> Response:
        job_id = request.form.get("job_id", "")
        if job_id and state().sources.status.retry(job_id):
            flash(f"Job {job_id} is queued again.", "ok")
        else:
            flash(f"Job {job_id} is not a failed job any more; nothing was requeued.", "error")
        return redirect(url_for("admin.sync"))

    @bp.route("/digest")
    def digest() -> str:
        """Signal digest lines per CS owner."""
        insights = state().sources.insights.insights()
        return render_template("admin_digest.html", insights=insights,
                               by_owner=insights.digest_by_owner())

    register_mapping_routes(bp)
    return bp


REDIS_DOWN_MESSAGE = ("Redis does not answer, so the admin pages cannot show or change "
                      "anything. Start Redis (or check REDIS_URL on the web service), then "
                      "reload this page.")


def html_error_page(status: int, message: str) -> Response:
    """The console's HTML error page (with the console's CSP, which lets its stylesheet
    load; also used by the app for unknown ``/admin/...`` URLs outside the blueprint)."""
    response = current_app.make_response(
        render_template("admin_error.html", status=status, message=message,
                        logged_in=auth.logged_in()))
    response.status_code = status
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Cache-Control"] = "no-store"
    return response
