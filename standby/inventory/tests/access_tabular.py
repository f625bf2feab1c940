"""Expected access for the spreadsheet import routes (merged into the inventory's ``ACCESS``).

Only editors (manager, deputy) import. The preview of a token with no pending upload answers 200
with a "no longer waiting" notice, so the walk needs no upload and no objects.
"""

from __future__ import annotations

from standby.common.tests.access import EDITORS, Access

NO_UPLOAD = "t" * 43  # well-formed, never issued

ACCESS: dict[str, Access] = {
    "inventory:tabular_import": Access(get=EDITORS, post=EDITORS),
    "inventory:tabular_preview": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"token": NO_UPLOAD}
    ),
    "inventory:tabular_template": Access(get=EDITORS, kwargs=lambda o: {"entity": "assets"}),
}
