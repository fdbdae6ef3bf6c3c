"""Hot keys and rate-limit admission were computed but shown nowhere a person reads.

The lowering states each rate limit's offered / admitted / rejected peak rates
(`QueueingModel.admission`) and the capacity pass judges each hot key against the one
instance that holds it (`CapacityResult.hot_keys`); `analyze` printed them only under
`--format json` and the document not at all. Now the terminal, `analyze --format
markdown` and section 4 of the document show them, read from those figures.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from archproof import numbers
from archproof.backends.report.document import Badge, Cell, Section, Table
from archproof.backends.report.sections import build_document
from archproof.cli.app import app
from archproof.frontends.yaml_loader import load_design
from archproof.passes.capacity import CapacityResult, Status
from archproof.passes.lower import QueueingModel
from archproof.pipeline import run
from archproof.report import Report

ROOT = Path(__file__).resolve().parents[2]

# 400/s arrive, a global 300/s limit on api rejects 25%; 60% of db reads hit one key,
# which lands on one of 8 shards of 4 connections at 50 ms: 80/s against 180/s.
HOT = """
meta: {name: hot, kind: system}
requirements:
  load: {peak_factor: 1}
components:
  api: {kind: service, tech: stateless-service, replicas: 4, rate_limit: 300/s}
  db: {kind: database, tech: postgresql, replicas: 8, concurrency: 4, work: {read: 50ms}}
entities:
  Item:
    stored_in: db
    key: [id]
    fields: {id: {type: uuid}}
    access_patterns:
      - {id: by_id, kind: lookup, by: [id], operation: get_item, hot_key_share: 60%}
operations:
  get_item:
    rate: 400/s
    slo: {p99: 2s}
    calls:
      - call: api.handle
        calls: [db.read]
"""


def _report(tmp_path: Path) -> tuple[Path, Report]:
    path = tmp_path / "hot.yaml"
    path.write_text(HOT, "utf-8")
    return path, run(load_design(path), source_file="hot.yaml")


def _figures(report: Report) -> tuple[str, str, str, str]:
    """The figures as the passes computed them, through the one formatter."""
    model = report.get(QueueingModel)
    cap = report.get(CapacityResult)
    assert model is not None and cap is not None
    (adm,) = model.admission
    (hot,) = cap.hot_keys
    assert adm.rejected_share > 0 and hot.status == Status.SATURATED  # the case is live
    assert hot.rate.value is not None and hot.utilization.value is not None
    return (
        numbers.rate(adm.admitted),
        numbers.percent(adm.rejected_share),
        numbers.rate(hot.rate.value),
        numbers.percent(hot.utilization.value),
    )


def _row_with(text: str, *words: str) -> bool:
    return any(all(w in line for w in words) for line in text.splitlines())


def test_analyze_terminal_shows_rejected_share_and_saturated_hot_key(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    admitted, rejected, key_rate, key_rho = _figures(report)
    for width in (80, 100, 140):
        result = CliRunner().invoke(app, ["analyze", str(path)], env={"COLUMNS": str(width)})
        assert result.exit_code == 0, result.output
        out = result.output
        assert "Rate limits at peak" in out and "Hot keys" in out
        assert _row_with(out, "api", "400/s", admitted, rejected)
        assert _row_with(out, "Item.by_id", key_rate, key_rho, "saturated")


def test_analyze_markdown_shows_them_too(tmp_path: Path) -> None:
    path, report = _report(tmp_path)
    admitted, rejected, key_rate, key_rho = _figures(report)
    result = CliRunner().invoke(app, ["analyze", str(path), "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert _row_with(result.output, "| api |", admitted, rejected)
    assert _row_with(result.output, "| Item.by_id |", key_rate, key_rho, "saturated")


def _text(cell: Cell) -> str:
    return cell.text if isinstance(cell, Badge) else cell


def _find(sections: tuple[Section, ...], key: str) -> Section | None:
    for s in sections:
        if s.id == key:
            return s
        found = _find(s.children, key)
        if found is not None:
            return found
    return None


def test_document_section_4_shows_rate_limits_and_hot_keys(tmp_path: Path) -> None:
    _, report = _report(tmp_path)
    admitted, rejected, key_rate, key_rho = _figures(report)
    document = build_document(report)
    scalability = next(s for s in document.sections if s.id == "scalability")
    limits = _find(scalability.children, "rate-limits")
    hot = _find(scalability.children, "hot-keys")
    assert limits is not None and hot is not None
    (limit_row,) = next(b for b in limits.blocks if isinstance(b, Table)).rows
    assert [_text(c) for c in limit_row[:5]] == [
        "api (component)",
        "300/s in all, reject above",
        "400/s",
        admitted,
        rejected,
    ]
    (hot_row,) = next(b for b in hot.blocks if isinstance(b, Table)).rows
    assert [_text(c) for c in hot_row] == [
        "Item (by_id)",
        "db:primary",
        "60%",
        key_rate,
        key_rho,
        "saturated",
    ]


def test_no_empty_tables_for_a_design_without_limits_or_hot_keys() -> None:
    path = ROOT / "examples" / "chat.yaml"
    report = run(load_design(path))
    model = report.get(QueueingModel)
    cap = report.get(CapacityResult)
    assert model is not None and cap is not None
    assert not model.admission and not cap.hot_keys
    result = CliRunner().invoke(app, ["analyze", str(path)], env={"COLUMNS": "100"})
    assert "Rate limits" not in result.output and "Hot keys" not in result.output
    scalability = next(s for s in build_document(report).sections if s.id == "scalability")
    assert _find(scalability.children, "rate-limits") is None
    assert _find(scalability.children, "hot-keys") is None
