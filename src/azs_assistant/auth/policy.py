"""Who may call each API route, and how its data is scoped: one table, read by the scope-matrix test
(every route of the OpenAPI document must have a row, and the route's role check must agree with it)
and printed into docs/security.md.

Roles: an admin may do everything. Scope kinds:
- ``none``: not about one station's data (or admin-only);
- ``stations``: results are limited to the caller's stations and regions; a request that names another
  station is refused (403); a caller with no station at all is refused (403);
- ``record``: one object of a station (a form record); outside the scope it does not exist (404);
- ``ticket``: a complaint: managers see their stations', support staff their department's (else 404);
- ``audience``: knowledge-base documents marked for some roles or regions (else 404, and never cited);
- ``owner``: the caller's own conversation or answer; managers over the asker's stations too (else 404);
- ``token``: public, by the secret in the customer's status link (else 404).
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC: frozenset[str] = frozenset()
ANYONE = frozenset({"operator", "manager", "support", "admin"})
OPERATOR = frozenset({"operator", "admin"})
MANAGER = frozenset({"manager", "admin"})
FIELD_STAFF = frozenset({"operator", "manager", "admin"})
STAFF = frozenset({"manager", "support", "admin"})
ADMIN = frozenset({"admin"})
SCOPES = ("none", "stations", "record", "ticket", "audience", "owner", "token")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # empty: public, no sign-in
    scope: str = "none"

    def __post_init__(self) -> None:
        assert self.scope in SCOPES, self.scope


POLICY: dict[str, Rule] = {
    "GET /api/v1/health": Rule(PUBLIC),
    "GET /api/v1/health/live": Rule(PUBLIC),
    "GET /api/v1/health/ready": Rule(PUBLIC),
    "POST /api/v1/ask": Rule(ANYONE, "audience"),
    "POST /api/v1/ask/stream": Rule(ANYONE, "audience"),
    "GET /api/v1/conversations": Rule(ANYONE, "owner"),
    "GET /api/v1/conversations/{conversation_id}": Rule(ANYONE, "owner"),
    "PATCH /api/v1/conversations/{conversation_id}": Rule(ANYONE, "owner"),
    "DELETE /api/v1/conversations/{conversation_id}": Rule(ANYONE, "owner"),
    "GET /api/v1/search": Rule(ANYONE, "audience"),
    "POST /api/v1/answers/{answer_id}/feedback": Rule(ANYONE, "owner"),
    "POST /api/v1/answers/{answer_id}/correction": Rule(MANAGER, "owner"),
    "GET /api/v1/documents": Rule(ANYONE, "audience"),
    "POST /api/v1/documents": Rule(ADMIN),
    "GET /api/v1/documents/{document_id}": Rule(ANYONE, "audience"),
    "DELETE /api/v1/documents/{document_id}": Rule(ADMIN),
    "GET /api/v1/documents/{document_id}/summary": Rule(ANYONE, "audience"),
    "GET /api/v1/documents/{document_id}/changes": Rule(ANYONE, "audience"),
    "GET /api/v1/documents/{document_id}/original": Rule(ANYONE, "audience"),
    "PUT /api/v1/documents/{document_id}/audience": Rule(ADMIN),
    "GET /api/v1/jargon": Rule(ANYONE),
    "POST /api/v1/jargon": Rule(ADMIN),
    "PUT /api/v1/jargon/{term}": Rule(ADMIN),
    "DELETE /api/v1/jargon/{term}": Rule(ADMIN),
    "POST /api/v1/ocr": Rule(OPERATOR),
    "POST /api/v1/forms/{form}/records": Rule(OPERATOR, "stations"),
    "GET /api/v1/forms/{form}/records": Rule(FIELD_STAFF, "stations"),
    "PUT /api/v1/records/{record_id}": Rule(OPERATOR, "record"),
    "GET /api/v1/forms/{form}/export": Rule(FIELD_STAFF, "stations"),
    "POST /api/v1/reports/ask": Rule(MANAGER, "stations"),
    "POST /api/v1/reports/run": Rule(MANAGER, "stations"),
    "GET /api/v1/reports/export": Rule(MANAGER, "stations"),
    "GET /api/v1/incidents": Rule(MANAGER, "stations"),
    "POST /api/v1/incidents/sync": Rule(ADMIN),
    "POST /api/v1/incidents/import": Rule(ADMIN),
    "GET /api/v1/stations": Rule(ANYONE, "stations"),
    "POST /api/v1/stations": Rule(ADMIN),
    "POST /api/v1/stations/import": Rule(ADMIN),
    "POST /api/v1/tickets": Rule(ANYONE),
    "GET /api/v1/tickets": Rule(STAFF, "ticket"),
    "POST /api/v1/tickets/classify": Rule(STAFF),
    "GET /api/v1/tickets/rules": Rule(STAFF),
    "POST /api/v1/tickets/rules/reload": Rule(ADMIN),
    "POST /api/v1/tickets/train": Rule(ADMIN),
    "GET /api/v1/tickets/{number}": Rule(STAFF, "ticket"),
    "GET /api/v1/tickets/{number}/public": Rule(PUBLIC, "token"),
    "POST /api/v1/tickets/{number}/status": Rule(STAFF, "ticket"),
    "POST /api/v1/tickets/{number}/comments": Rule(STAFF, "ticket"),
    "POST /api/v1/tickets/{number}/assign": Rule(STAFF, "ticket"),
    "POST /api/v1/tickets/{number}/labels": Rule(STAFF, "ticket"),
    "POST /api/v1/tickets/{number}/ack": Rule(STAFF, "ticket"),
    "GET /api/v1/tickets/{number}/photo": Rule(STAFF, "ticket"),
    "GET /api/v1/audit": Rule(ADMIN),
    "GET /api/v1/audit/export": Rule(ADMIN),
    "GET /api/v1/jobs": Rule(ADMIN),
    "GET /api/v1/jobs/schedules": Rule(ADMIN),
    "POST /api/v1/jobs/schedules": Rule(ADMIN),
    "DELETE /api/v1/jobs/schedules/{name}": Rule(ADMIN),
    "GET /api/v1/jobs/{job_id}": Rule(ADMIN),
    "POST /api/v1/jobs/{job_id}/retry": Rule(ADMIN),
    "POST /api/v1/jobs/{job_id}/cancel": Rule(ADMIN),
}


def markdown_table() -> str:
    """The policy as the Markdown table that docs/security.md carries (a test keeps them equal)."""
    order = ["operator", "manager", "support", "admin"]
    lines = ["| route | who | scope |", "|---|---|---|"]
    for route, rule in POLICY.items():
        who = "public" if not rule.roles else ", ".join(r for r in order if r in rule.roles)
        lines.append(f"| `{route}` | {who} | {rule.scope} |")
    return "\n".join(lines)
