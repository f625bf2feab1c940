"""What each kind of spreadsheet holds: its columns, which are required, and what they mean.

Column names are the model file's field names, so a sheet and the model file say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from standby.inventory.choices import NodeKind


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its name, whether it must be present, and what it holds."""

    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class Entity:
    """One importable kind of thing (``processes``, ``people``, …)."""

    slug: str
    label: str
    columns: tuple[Column, ...]
    node_kind: NodeKind | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


ID = Column(
    "id",
    "Unique across the whole model: letters, digits, . _ -, starting with a letter or digit; "
    "rows update by id.",
    True,
)
NAME = Column("name", "What people call it.", True)
DESCRIPTION = Column("description", "Free text.")
OWNER = Column("owner", "The id of the person who answers for it.")
REQUIRES = Column(
    "requires", "What it needs, e.g. lan; any_of(isp-a, isp-b); 2 of (db-1, db-2, db-3)."
)
RECOVERY_TIME = Column("recovery_time", "Time to recover: 90m, 4h, 2d, 1w, or a number of hours.")

ENTITIES: dict[str, Entity] = {
    e.slug: e
    for e in (
        Entity(
            "processes",
            "Business processes",
            (ID, NAME, DESCRIPTION, OWNER, REQUIRES),
            NodeKind.PROCESS,
        ),
        Entity(
            "services", "IT services", (ID, NAME, DESCRIPTION, OWNER, REQUIRES), NodeKind.SERVICE
        ),
        Entity(
            "assets",
            "Assets",
            (
                ID,
                NAME,
                Column(
                    "type",
                    "hardware, software, network, facility, data, procedure, staff "
                    "or external_service.",
                    True,
                ),
                DESCRIPTION,
                Column("location", "The id of the location (site) it is at."),
                Column("supplier", "The id of its supplier."),
                RECOVERY_TIME,
                REQUIRES,
            ),
            NodeKind.ASSET,
        ),
        Entity(
            "locations",
            "Locations",
            (ID, NAME, DESCRIPTION, Column("kind", "primary or alternate."), RECOVERY_TIME),
            NodeKind.LOCATION,
        ),
        Entity("suppliers", "Suppliers", (ID, NAME, DESCRIPTION, RECOVERY_TIME), NodeKind.SUPPLIER),
        Entity(
            "people",
            "People",
            (
                ID,
                NAME,
                Column("email", "Email address."),
                Column("phone", "Work phone."),
                Column("out_of_hours_phone", "Phone outside working hours."),
                Column("leaves_on", "Planned leaving date, YYYY-MM-DD."),
            ),
        ),
        Entity(
            "teams",
            "Teams",
            (
                ID,
                NAME,
                Column(
                    "members",
                    "person:role; … e.g. alice:leader; bob:technical. Roles: "
                    "leader, technical, user, department_representative.",
                ),
            ),
        ),
        Entity(
            "contracts",
            "Supplier contracts",
            (
                ID,
                Column("supplier", "The id of the supplier it is with.", True),
                Column("name", "A short name."),
                Column("guarantees", "The recovery capability, in words."),
                RECOVERY_TIME,
                Column("expires_on", "Expiry date, YYYY-MM-DD."),
            ),
        ),
    )
}
