"""Expected access for the spreadsheet import routes (merged into the inventory's ``ACCESS``).

Only editors (manager, deputy) import. The preview of an unknown token answers 200 with a
"no longer waiting" notice, so the walk needs no pending upload.
"""

from __future__ import annotations

from typing import Any

from standby.common.tests.access import EDITORS, Access

ACCESS: dict[str, Access] = {
    "inventory:tabular_import": Access(get=EDITORS, post=EDITORS),
    "inventory:tabular_preview": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"token": o["tabular_token"]}
    ),
    "inventory:tabular_template": Access(get=EDITORS, kwargs=lambda o: {"entity": "assets"}),
}


def make_objects(manager: Any) -> dict[str, Any]:
    """A well-formed token with no upload behind it."""
    return {"tabular_token": "t" * 43}
