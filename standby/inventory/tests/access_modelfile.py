"""Expected access for the model file routes (merged into the inventory's ``ACCESS``).

Only editors (manager, deputy) import; every role may export. The preview of a token with no
pending upload answers 200 with a "no longer waiting" notice, so the walk needs no upload.
"""

from __future__ import annotations

from standby.common.tests.access import ALL, EDITORS, Access

NO_UPLOAD = "m" * 43  # well-formed, never issued

ACCESS: dict[str, Access] = {
    "inventory:modelfile_import": Access(get=EDITORS, post=EDITORS),
    "inventory:modelfile_preview": Access(
        get=EDITORS, post=EDITORS, kwargs=lambda o: {"token": NO_UPLOAD}
    ),
    "inventory:modelfile_export": Access(get=ALL),
    "api:model_import": Access(get=EDITORS, post=EDITORS, api=True),
    "api:model_export": Access(get=ALL, api=True),
}
