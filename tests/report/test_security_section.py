"""Issue 20, problem 6: the document had no security section.

A design review asks what data is sensitive and where it lives, whether it is encrypted,
whether logs leak it, what stops a flood at the front door, whose systems the design
trusts, and whether backups meet the recovery objectives. The model types all of these
(classification, encryption, logs[].fields / redact, rate_limit / shed_load, the kind
traits, backup and rpo / rto); the section shows them and says "not stated" for the rest.
"""

from __future__ import annotations

from pathlib import Path

from archproof import numbers
from archproof.backends.report import render_markdown
from archproof.backends.report.document import Badge, Cell, Note, Section, Table
from archproof.backends.report.sections import build_document
from archproof.passes.lower import QueueingModel
from archproof.report import Report

from .helpers import ROOT, design_report, example_report

LEAKY = """
meta: {name: leaky, kind: system}
requirements:
  load: {peak_factor: 1}
  slos: {rpo: 5min, rto: 1h}
components:
  api: {kind: service, tech: stateless-service, replicas: 2, rate_limit: 100/s}
  db: {kind: database, tech: postgresql, backup: {every: 24h, restore: 30min}}
  cache: {kind: cache, tech: redis, state: [User]}
  mailer: {kind: external, tech: external-api}
entities:
  User:
    stored_in: db
    key: [id]
    fields:
      id: {type: uuid}
      email: {type: str, classification: pii}
      password_hash: {type: str, classification: secret}
      plan: {type: str, classification: internal}
operations:
  signup:
    rate: 400/s
    calls: [api.handle, db.write, mailer.send]
observability:
  logs:
    - {operation: signup, on: all, fields: [User.email, User.plan]}
"""

SILENT = """
meta: {name: silent, kind: system}
requirements:
  load: {peak_factor: 1}
components:
  api: {kind: service, tech: stateless-service, replicas: 2}
  db: {kind: database, tech: postgresql}
entities:
  Item: {stored_in: db, key: [id], fields: {id: {type: uuid}, title: {type: str}}}
operations:
  get_item:
    rate: 10/s
    calls: [api.handle, db.read]
"""


def _security(report: Report) -> Section:
    document = build_document(report)
    found = [s for s in document.sections if s.id == "security"]
    assert found, [s.id for s in document.sections]
    return found[0]


def _child(section: Section, key: str) -> Section:
    return next(c for c in section.children if c.id == key)


def _table(section: Section) -> Table:
    return next(b for b in section.blocks if isinstance(b, Table))


def _text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Badge) else cell


def _rows(section: Section) -> list[tuple[str, ...]]:
    return [tuple(_text(c) for c in row) for row in _table(section).rows]


def test_payments_security_section_shows_classified_data_encryption_logs_and_recovery() -> None:
    report = example_report(ROOT / "examples" / "payments.yaml")
    security = _security(report)
    # Merchant.name is pii, stored in db, which is encrypted at rest
    assert ("Merchant", "name (pii)", "db", "at rest") in _rows(_child(security, "classified-data"))
    # the create_payment log carries it, redacted
    logs = _rows(_child(security, "logs"))
    assert logs == [("create_payment", "critical path", "Merchant.name (pii)", "redacted")]
    # the per-merchant quota at the entry point; per-key quotas reject nothing in the model
    entry = {r[0]: r for r in _rows(_child(security, "entry-points"))}
    assert entry["create_payment"][2] == "50/s per api key"
    assert entry["create_payment"][4] == "0"
    # third parties are trust boundaries
    boundaries = {r[0]: r[1] for r in _rows(_child(security, "trust-boundaries"))}
    assert boundaries["psp"] == "someone else's system"
    # WAL shipped every minute against a 1 min RPO, restore 1 h against a 1 h RTO
    recovery = _rows(_child(security, "disaster-recovery"))
    assert recovery[0][:4] == ("db", "60 s ≤ RPO 60 s", "60 min ≤ RTO 60 min", "yes")
    assert "## Security and data protection" in render_markdown(report)


def test_leaky_design_shows_unencrypted_pii_unredacted_logs_rejections_and_missed_rpo(
    tmp_path: Path,
) -> None:
    report = design_report(LEAKY, tmp_path)
    security = _security(report)
    data = _rows(_child(security, "classified-data"))
    fields = "email (pii), password_hash (secret)"  # `internal` is not listed
    assert (
        "User",
        fields,
        "db",
        "not stated",
    ) in data  # the design says nothing about db's encryption
    assert ("User", fields, "cache", "not stated") in data  # the cache holds users too
    logs = _rows(_child(security, "logs"))
    assert logs == [("signup", "all", "User.email (pii)", "not redacted")]
    # the global 100/s limit on api turns away the share the lowering computed
    model = report.get(QueueingModel)
    assert model is not None
    adm = next(a for a in model.admission if a.target == "api")
    assert adm.rejected_share > 0.7  # 400/s arriving, 100/s admitted
    entry = _rows(_child(security, "entry-points"))
    assert entry == [
        ("signup", "400/s", "none", "api: 100/s in all", numbers.percent(adm.rejected_share))
    ]
    boundaries = _rows(_child(security, "trust-boundaries"))
    assert boundaries == [
        ("mailer", "someone else's system", "external-api", "signup", "not stated")
    ]
    recovery = _rows(_child(security, "disaster-recovery"))
    assert recovery[0][:4] == ("db", "24 h > RPO 5 min", "30 min ≤ RTO 60 min", "no")


def test_a_design_that_states_nothing_gets_not_stated_not_invented(tmp_path: Path) -> None:
    report = design_report(SILENT, tmp_path)
    security = _security(report)
    notes = [
        b.text
        for c in security.children
        for b in c.blocks
        if isinstance(b, Note) and b.text.startswith("Not stated")
    ]
    assert len(notes) == 2  # classified data, logs
    assert _rows(_child(security, "entry-points")) == [("get_item", "10/s", "none", "none", "—")]
    recovery = _rows(_child(security, "disaster-recovery"))
    assert recovery == [("db", "no backup stated", "not stated", "—", "—")]
    text = render_markdown(report).split("## Security and data protection")[1]
    text = text.split("## Findings")[0]
    for invented in ("at rest", "redacted", "RPO 5", "encrypted"):
        assert invented not in text
