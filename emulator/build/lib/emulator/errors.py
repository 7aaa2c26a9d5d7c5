"""Errors as Salesforce reports them: request-level (a JSON list with an HTTP status) and
record-level (one entry of a save result's ``errors``)."""

from __future__ import annotations

from typing import Any


class RecordError(Exception):
    """A record could not be saved: ``{"statusCode","message","fields"}`` in a save result."""

    def __init__(self, status_code: str, message: str, fields: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code
        self.message = message
        self.fields = list(fields)

    def as_result_error(self) -> dict[str, Any]:
        """The entry for a collection result's ``errors`` list."""
        return {"statusCode": self.status_code, "message": self.message, "fields": self.fields}

    def as_api_error(self) -> dict[str, Any]:
        """The entry for a REST error list (single-record calls use errorCode)."""
        return {"message": self.message, "errorCode": self.status_code, "fields": self.fields}


class ApiError(Exception):
    """A whole request failed: answered ``status`` with ``[{"message","errorCode","fields"?}]``."""

    def __init__(self, status: int, error_code: str, message: str, fields: list[str] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {error_code}: {message}")
        self.status = status
        self.error_code = error_code
        self.message = message
        self.fields = fields
        self.headers = headers or {}

    def body(self) -> list[dict[str, Any]]:
        """The JSON list Salesforce answers with."""
        entry: dict[str, Any] = {"message": self.message, "errorCode": self.error_code}
        if self.fields is not None:
            entry["fields"] = self.fields
        return [entry]


def not_found(message: str = "The requested resource does not exist") -> ApiError:
    """404 NOT_FOUND as Salesforce words it."""
    return ApiError(404, "NOT_FOUND", message)
