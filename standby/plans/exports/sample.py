"""Synthetic plan content (tests, benchmarks, trying the exports without a database)."""

from __future__ import annotations

from standby.plans.content import CONTENT_FORMAT, Contact, PlanContent, Step


def synthetic_content(
    *, steps: int = 5, contacts: int = 4, number: int = 1, title: str = "IT recovery plan"
) -> PlanContent:
    """A complete :class:`PlanContent` with ``steps`` steps and ``contacts`` contacts.

    >>> content = synthetic_content(steps=3, contacts=2)
    >>> [s["after"] for s in content["steps"]]
    [[], [1], [1, 2]]
    """
    people: list[Contact] = [
        {
            "key": f"person-{i}",
            "name": f"Contact Person {i:03d}",
            "email": f"person{i}@example.org",
            "phone": f"+44 20 7946 {i:04d}",
            "out_of_hours_phone": f"+44 7700 9{i:05d}",
            "roles": ["Recovery team: technical"] if i % 2 else ["call tree"],
        }
        for i in range(1, contacts + 1)
    ]
    sequence: list[Step] = [
        {
            "position": i,
            "title": f"Restore component {i:03d}",
            "node": {"key": f"asset-{i}", "name": f"Component {i:03d}", "kind": "asset"},
            "procedure": f"1. Log in to the console of component {i}.\n2. Restore from the "
            f"latest backup.\n\nSee **runbook {i}**.",
            "team": "Server team",
            "owner": people[i % len(people)]["name"] if people else "",
            "expected_duration": 0.5 + (i % 4) * 0.25,
            "verification": f"Component {i} answers its health check.",
            "after": [p for p in (i - 1, i - 2) if p >= 1 and (p == i - 1 or i % 3 == 0)],
        }
        for i in range(1, steps + 1)
    ]
    for step in sequence:
        step["after"].sort()
    return {
        "format": CONTENT_FORMAT,
        "plan": {
            "key": "it-recovery",
            "title": title,
            "template": "itscm",
            "purpose": "Recover the **core IT services** after a site loss.",
            "invocation_triggers": "- Data centre unavailable for more than 1 hour\n- Ransomware",
            "invocation_authority": "The continuity manager; the deputy when absent.",
            "invocation_procedure": "Call the recovery team lead, then follow the call tree.",
            "return_to_normal": "Move services back once the primary site is verified.",
        },
        "version": {
            "number": number,
            "status": "approved",
            "submitted_at": "2025-03-01T09:00:00+00:00",
            "approved_at": "2025-03-02T10:30:00+00:00",
            "approved_by": "Maria Manager",
            "data_as_of": "2025-03-01T08:55:00+00:00",
            "review_by": "2026-03-01",
        },
        "scope": [
            {
                "key": "email",
                "name": "E-mail",
                "kind": "service",
                "priority": 1,
                "mtpd": 24.0,
                "rto": 4.0,
                "rpo": 1.0,
                "required_rto": 4.0,
                "rta": 6.0,
                "gap": "RTA 6 h > RTO 4 h",
            }
        ],
        "steps": sequence,
        "teams": [
            {
                "key": "server-team",
                "name": "Server team",
                "members": [
                    {
                        "name": c["name"],
                        "role": "technical",
                        "phone": c["phone"],
                        "out_of_hours_phone": c["out_of_hours_phone"],
                    }
                    for c in people[:5]
                ],
            }
        ],
        "call_tree": [
            {
                "position": n,
                "caller": "the person who invokes the plan" if n == 1 else people[0]["name"],
                "callee": c["name"],
                "callee_phone": c["phone"],
                "callee_out_of_hours_phone": c["out_of_hours_phone"],
                "fallback": people[-1]["name"],
                "fallback_phone": people[-1]["phone"],
            }
            for n, c in enumerate(people[:5], start=1)
        ],
        "communications": [
            {
                "audience": "All staff",
                "channel": "SMS",
                "timing": "within 1 hour",
                "message": "IT services are down; we expect them back by {time}.",
            }
        ],
        "appendices": {
            "contacts": people,
            "suppliers": [
                {
                    "key": "hoster",
                    "name": "Hosting Ltd",
                    "contracts": [
                        {
                            "key": "hosting-sla",
                            "name": "Hosting SLA",
                            "guarantees": "4 h restore",
                            "recovery_time": 4.0,
                            "expires_on": "2026-12-31",
                        }
                    ],
                }
            ],
            "alternate_sites": [
                {"key": "dr-site", "name": "DR site", "kind": "alternate", "recovery_time": 8.0}
            ],
            "backups": [{"data": "Mail store", "interval": "4 h", "offsite": "yes"}],
            "objectives": [],
        },
        "distribution": people[:3],
    }
