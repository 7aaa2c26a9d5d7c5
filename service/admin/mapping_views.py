"""The mapping editor: versions, one version's YAML, a draft to validate and save,
activate, roll back, and the diff of two versions.

Paths stay clear of the JSON mapping API's (``/admin/mapping/versions``, ``/diff``,
``/validate``), which shares the ``/admin/mapping`` prefix.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from crm_mapping.document import MappingInvalid
from crm_mapping.store import VersionNotFound
from service.admin.mapping_form import register_form_routes
from service.admin.mapping_source import MappingSource, Validation, version_yaml
from service.admin.state import state

MAX_DRAFT_CHARS = 512 * 1024  # a full mapping is ~20 KB; this only stops abuse
VERSIONS_PER_PAGE = 20  # an org with thousands of versions still gets a small page


def _source() -> MappingSource:
    return state().sources.mapping


def _author() -> str:
    name = (request.form.get("author") or "").strip()[:80]
    return name or "admin"


def _editor(draft: str, *, validation: Validation | None = None, status: int = 200,
            outcome: str = "") -> tuple[str, int]:
    source = _source()
    listing = source.versions_page(request.args.get("page", 1, type=int), VERSIONS_PER_PAGE)
    active = source.active()
    return render_template("admin_mapping.html", listing=listing, versions=listing.versions,
                           draft=draft, validation=validation, outcome=outcome,
                           outcome_ok=status < 400 and (validation is None or validation.ok),
                           active=active), status


def _binding_text(value: Any) -> str:
    """A diff entry as one readable line (bindings are small dicts)."""
    if value is None:
        return "unmapped"
    if isinstance(value, dict) and "field" in value:
        text = f"{value.get('object')}.{value['field']}"
        if value.get("values"):
            text += " values " + ", ".join(f"{k}={v}" for k, v in value["values"].items())
        if value.get("aliases"):
            text += " aliases " + ", ".join(f"{k}->{v}" for k, v in value["aliases"].items())
        return text
    return value if isinstance(value, str) else json.dumps(value)


def register_mapping_routes(bp: Blueprint) -> None:
    """Add the editor's routes (and its form view's) to the admin blueprint."""
    register_form_routes(bp, _source, _editor)

    @bp.route("/mapping")
    def mapping() -> tuple[str, int]:
        """Versions (active marked) and the editor, loaded with ``?draft_from=N`` or the
        active version."""
        source = _source()
        wanted = request.args.get("draft_from", type=int)
        try:
            base = source.get(wanted) if wanted is not None else source.active()
        except VersionNotFound:
            abort(404, f"Mapping version {wanted} does not exist.")
        return _editor(version_yaml(base))

    @bp.route("/mapping/show/<int:version>")
    def mapping_version(version: int) -> str:
        try:
            found = _source().get(version)
        except VersionNotFound:
            abort(404, f"Mapping version {version} does not exist.")
        return render_template("admin_mapping_version.html", version=found,
                               text=version_yaml(found))

    @bp.route("/mapping/draft", methods=["POST"])
    def mapping_draft() -> tuple[str, int] | Response:
        """Validate the draft, or (action=save) validate and store it as a new version."""
        draft = request.form.get("draft", "")
        if len(draft) > MAX_DRAFT_CHARS:
            return _editor("", status=413, outcome="The draft is too large to be a mapping.")
        source = _source()
        validation = source.validate(draft)
        if request.form.get("action") != "save":
            outcome = "Valid: no errors." if validation.ok else \
                f"{len(validation.errors)} error(s): the draft cannot be saved as it is."
            return _editor(draft, validation=validation, outcome=outcome)
        if not validation.ok:
            return _editor(draft, validation=validation, status=422,
                           outcome="Not saved: fix the errors below first.")
        try:
            saved = source.save(draft, author=_author(),
                                comment=(request.form.get("comment") or "").strip()[:500])
        except MappingInvalid:  # the document changed meaning between validate and save
            return _editor(draft, validation=source.validate(draft), status=422,
                           outcome="Not saved: fix the errors below first.")
        flash(f"Saved as version {saved.version} (not active yet).", "ok")
        return redirect(url_for("admin.mapping", draft_from=saved.version))

    @bp.route("/mapping/activate/<int:version>", methods=["POST"])
    def mapping_activate(version: int) -> tuple[str, int] | Response:
        """Make a saved version active, unless the org check finds errors in it."""
        return _switch(version, rollback=False)

    @bp.route("/mapping/rollback/<int:version>", methods=["POST"])
    def mapping_rollback(version: int) -> tuple[str, int] | Response:
        """Copy an older version into a new active version."""
        return _switch(version, rollback=True)

    @bp.route("/mapping/compare")
    def mapping_compare() -> str:
        """What changed from version ``a`` to version ``b``, per logical field."""
        source = _source()
        a, b = request.args.get("a", type=int), request.args.get("b", type=int)
        if a is None or b is None:
            abort(404, "Choose two versions to compare.")
        try:
            diff = source.diff(a, b)
        except VersionNotFound as exc:
            abort(404, str(exc).strip("'\""))
        return render_template("admin_mapping_diff.html", a=a, b=b, diff=diff,
                               text=_binding_text)


def _switch(version: int, *, rollback: bool) -> tuple[str, int] | Response:
    source = _source()
    try:
        target = source.get(version)
    except VersionNotFound:
        abort(404, f"Mapping version {version} does not exist.")
    text = version_yaml(target)
    # A scan refuses to start on a mapping the org check rejects; refusing here says so
    # while the admin is still looking, instead of at the next scheduled scan.
    validation = source.validate(text)
    if not validation.ok:
        return _editor(text, validation=validation, status=422,
                       outcome=f"Version {version} was not activated: the org check found "
                               "errors in it.")
    if rollback:
        made = source.rollback(version, author=_author())
        flash(f"Rolled back: version {made.version} (a copy of version {version}) is active.",
              "ok")
    else:
        source.activate(version)
        flash(f"Version {version} is active.", "ok")
    return redirect(url_for("admin.mapping"))
