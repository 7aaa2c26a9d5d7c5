"""What the org's services (Bulk 2.0 jobs, triggers) need of the org they serve.

``emulator.org.Org`` builds those services and satisfies this protocol; declaring it here
keeps the services below the org in the import graph instead of importing it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from emulator.clock import Clock
    from emulator.schema import Schema
    from emulator.store import Store


class OrgView(Protocol):
    """The parts of an emulated org its services read."""

    clock: Clock
    schema: Schema
    store: Store
    instance_url: str

    @property
    def api_version(self) -> str: ...
