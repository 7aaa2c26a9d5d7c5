"""The default mapping document (crm_mapping/default_mapping.yaml) generated from the catalog.

Regenerate after a catalog change with ``python -m crm_mapping.defaults``; a test checks the
committed file still equals what the catalog produces.
"""

from __future__ import annotations

import yaml

from crm_mapping.document import default_mapping
from crm_mapping.store import DEFAULT_YAML

HEADER = """\
# Expansion Radar: default field mapping (DESIGN.md "Default org schema").
# Generated from field_specs by `python -m crm_mapping.defaults`; do not edit by hand.
# An org's own mapping lists only what differs, e.g.
#   fields:
#     account.tier: {field: Customer_Tier__c, values: {T1: Strategic, T2: Growth, T3: Scale}}
#     account.health_score: CS_Health__c
#     opportunity.stage_name: {values: {S2: Qualification}}
# `values` maps logical value -> org value; `aliases` maps extra org values -> logical value.
"""


def default_yaml() -> str:
    """The YAML text of the default mapping, header included."""
    body = yaml.safe_dump(default_mapping().document(), sort_keys=False, allow_unicode=True,
                          width=100)
    return HEADER + body


if __name__ == "__main__":
    DEFAULT_YAML.write_text(default_yaml(), encoding="utf-8")
    print(f"wrote {DEFAULT_YAML}")
