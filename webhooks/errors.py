"""The one exception webhook code raises to refuse a request.

It is an ``HTTPException`` so the app-wide error handler renders it in the same JSON
envelope as Flask's own 404/405/413/415; ``reason`` is a short machine-readable slug used
as the ``reason`` label of the rejection metric.
"""

from __future__ import annotations

from typing import Any

from werkzeug.exceptions import HTTPException


class Rejection(HTTPException):
    """A refused webhook request.

    Args:
        code: the HTTP status (4xx, or 503 when the service cannot take the event now).
        reason: metric label, e.g. ``bad_signature``, ``stale_timestamp``, ``xml_forbidden``.
        message: human-readable message for the envelope.
        errors: details keyed by location (``headers``, ``json``, ``xml``, ``path``), as
            flask-smorest does.
    """

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        errors: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(description=message)
        self.code = code
        self.reason = reason
        self.errors: dict[str, Any] = errors or {}
