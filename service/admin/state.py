"""What ``init_admin`` stores on the app for the admin pages: their data sources and token."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from service.admin.mapping_source import MappingSource
from service.admin.sources import InsightsSource, StatusSource

EXTENSION_KEY = "radar.admin"


@dataclass(frozen=True)
class AdminSources:
    """The three data sources the pages read."""

    mapping: MappingSource
    status: StatusSource
    insights: InsightsSource


@dataclass(frozen=True)
class AdminState:
    sources: AdminSources
    admin_token: str | None


def state() -> AdminState:
    """The sources and token ``init_admin`` stored on the app."""
    return current_app.extensions[EXTENSION_KEY]
