"""`archproof report --dbcheck`: the data section shows the evidence from the database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from archproof.cli.app import app

from .conftest import EXAMPLES

runner = CliRunner()


def _without_link_index(tmp_path: Path) -> Path:
    text = (EXAMPLES / "url_shortener.yaml").read_text()
    cut = text.replace("    indexes:\n      - [owner_id, created_at]\n", "")
    path = tmp_path / "no_index.yaml"
    path.write_text(cut)
    return path


def test_report_data_section_shows_plans_and_findings(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    args = ["report", str(_without_link_index(tmp_path)), "--dbcheck", "--dbcheck-rows", "3000"]
    result = runner.invoke(app, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    data = text[text.index("## 3 Data design") : text.index("## 4 ")]
    measured = data[data.index("### Measured on a real database") :]
    assert "| Link.by_code | index primary key |" in measured
    assert "| Link.owner_links | full scan + sort |" in measured
    assert "DB101" in measured and "SCAN Link" in measured  # the plan as evidence
    assert 'CREATE INDEX "ix_Link_owner_id_created_at"' in measured
    assert "verified: SEARCH Link USING INDEX" in measured  # the fix, re-checked


def test_report_html_with_dbcheck(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(
        app,
        ["report", str(EXAMPLES / "payments.yaml"), "--dbcheck", "--dbcheck-rows", "3000",
         "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "Measured on a real database" in html and "Payment.merchant_recent" in html


def test_report_without_dbcheck_has_no_measured_section(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["report", str(EXAMPLES / "payments.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Measured on a real database" not in out.read_text()


def test_report_dbcheck_unusable_database_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["report", str(EXAMPLES / "payments.yaml"), "--dbcheck", "--dbcheck-postgres",
         "postgresql://u:p@127.0.0.1:1/db", "-o", str(tmp_path / "r.md")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "cannot connect to PostgreSQL" in result.output
    assert not (tmp_path / "r.md").exists()
