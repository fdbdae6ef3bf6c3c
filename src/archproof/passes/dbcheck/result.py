"""dbcheck's frozen results: per engine, per access pattern, the plan and the timings; findings
located on the access pattern with the plan as evidence and the re-checked fixing index."""

from __future__ import annotations

from dataclasses import dataclass

from archproof.passes.dbcheck.data import Scale
from archproof.passes.dbcheck.plans import Access, Plan
from archproof.passes.review.finding import Severity
from archproof.span import Span


@dataclass(frozen=True)
class FindingKind:
    """A dbcheck finding code. Codes are never reused (STYLE.md §5)."""

    code: str
    name: str
    summary: str


FULL_SCAN = FindingKind(
    "DB101",
    "access-pattern-full-scan-measured",
    "The engine answers the access pattern by reading the whole table.",
)
UNSERVED_ORDER = FindingKind(
    "DB102",
    "access-pattern-sort-measured",
    "An index finds the rows but not in the pattern's order: the engine sorts them.",
)
KINDS = (FULL_SCAN, UNSERVED_ORDER)


# PostgreSQL sorts the matches itself when there are few (a bitmap scan and an in-memory
# sort beat an ordered index walk); up to ten pages (the query's LIMIT is 20) is no finding.
SORTED_ROWS = 200


def sorts_page(plan: Plan) -> bool:
    """Whether the plan sorts more than SORTED_ROWS rows (unknown counts: any sort counts)."""
    return plan.sort and (plan.sort_rows is None or plan.sort_rows > SORTED_ROWS)


@dataclass(frozen=True)
class Fix:
    """The index that fixes a finding, and the plan once it exists (re-checked)."""

    columns: tuple[str, ...]
    sql: str  # CREATE INDEX in the engine's dialect
    plan: Plan | None  # the plan with the index in place; None when not re-checked
    note: str = ""

    @property
    def verified(self) -> bool:
        """The plan with the index reads the index and sorts no more than a page."""
        return (
            self.plan is not None and self.plan.access is Access.INDEX and not sorts_page(self.plan)
        )


@dataclass(frozen=True)
class PatternCheck:
    """One access pattern on one engine: the query, its plan and its latency."""

    entity: str
    pattern: str
    kind: str
    span: Span | None
    sql: str
    params: tuple[str, ...]  # the values of the EXPLAINed run (shown as evidence)
    plan: Plan
    runs: int
    p50_ms: float
    p95_ms: float
    table_rows: int  # rows loaded
    design_rows: float  # rows at the design's scale


@dataclass(frozen=True)
class DbFinding:
    """A finding located on an access pattern, with the plan as evidence."""

    kind: FindingKind
    severity: Severity
    engine: str
    entity: str
    pattern: str
    span: Span | None
    message: str
    evidence: tuple[str, ...]  # the plan lines
    fix: Fix | None

    @property
    def code(self) -> str:
        return self.kind.code


@dataclass(frozen=True)
class LoadedTable:
    """One table as loaded: rows, rows dropped as duplicates, seconds to load and index."""

    entity: str
    rows: int
    dropped: int
    design_rows: float
    assumed: bool
    load_s: float


@dataclass(frozen=True)
class EngineRun:
    """Everything dbcheck measured on one engine."""

    engine: str  # sqlite / postgres
    version: str
    where: str  # the scratch space used (already gone)
    tables: tuple[LoadedTable, ...]
    checks: tuple[PatternCheck, ...]
    findings: tuple[DbFinding, ...]
    load_s: float
    check_s: float
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DbcheckResult:
    """dbcheck's result: the scale and one run per engine."""

    scale: Scale
    runs: tuple[EngineRun, ...]
    seed: int

    @property
    def findings(self) -> tuple[DbFinding, ...]:
        return tuple(f for run in self.runs for f in run.findings)
