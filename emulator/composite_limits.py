"""Composite's per-call limits on heavy subrequests.

"You can have up to 25 subrequests in a single call. Up to 5 of these subrequests can be
sObject Collections or query operations, including Query and QueryAll requests" (REST
API Developer Guide, "Composite",
https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-composite-post.html).
A query's next page (``query/01g...-2000``) is a Query More and counts as a query too.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.errors import ApiError

MAX_HEAVY_SUBREQUESTS = 5
_HEAVY = re.compile(r"^/services/data/v\d+\.\d/(query|queryAll|composite/sobjects)(/|\?|$)")


def is_heavy(url: str) -> bool:
    """True for a Query, QueryAll, Query More or sObject Collections subrequest."""
    return bool(_HEAVY.match(url))


def check_heavy_subrequests(requests_: list[Any]) -> None:
    """400 when more than five subrequests are queries or sObject Collections."""
    heavy = sum(1 for sub in requests_ if isinstance(sub, dict) and is_heavy(str(sub.get("url", ""))))
    if heavy > MAX_HEAVY_SUBREQUESTS:
        raise ApiError(400, "INVALID_API_INPUT",
                       f"A composite request may hold at most {MAX_HEAVY_SUBREQUESTS} query or "
                       f"sObject Collections subrequests; this one holds {heavy}")
