"""The task's stated numbers (the drafter's reader) and the check that a design uses them."""

from __future__ import annotations

from archproof.frontends.llm.grounding import read_task, unused
from archproof.frontends.yaml_loader import load_text

TASK = (
    "Design a note store: 300 note reads per second and 20 saves per second, p99 reads "
    "under 100ms, 99.9% availability, 5M daily active users. Keep notes 2 years."
)

_DESIGN = """\
meta: {{name: t}}
requirements:
  load: {{daily_active_users: {dau}}}
  slos: {{availability: 99.9%}}
  data: {{retention: 730d}}
  assumptions: [{assumption}]
components:
  api: {{kind: service, tech: stateless-service}}
operations:
  read: {{rate: {read}, slo: {{p99: 100ms}}, calls: [api.handle]}}
  save: {{rate: 20/s, calls: [api.handle]}}
"""


def _design(read: str = "300/s", dau: str = "5M", assumption: str = "") -> object:
    return load_text(_DESIGN.format(read=read, dau=dau, assumption=assumption), "d.yaml")


def _rates(design: object) -> dict[str, tuple[float, float]]:
    ops = design.operations  # type: ignore[attr-defined]
    return {o.id: (o.rate.per_s_float, o.rate.per_s_float) for o in ops}


def test_every_stated_number_becomes_a_fact() -> None:
    _, stated = read_task(TASK)
    kinds = sorted(s.kind for s in stated)
    assert kinds == ["availability", "latency", "people", "rate", "rate", "retention"]
    facts = " | ".join(s.fact() for s in stated)
    assert '"300 note reads per second": an average rate of 300/s' in facts
    assert "a latency target of 100ms" in facts and "data kept for 730 days" in facts


def test_a_design_carrying_every_number_uses_them_all() -> None:
    _, stated = read_task(TASK)
    design = _design()
    assert unused(stated, design, _rates(design)) == []  # type: ignore[arg-type]


def test_a_changed_rate_or_a_dropped_figure_is_unused() -> None:
    _, stated = read_task(TASK)
    design = _design(read="30/s", dau="50M")
    missing = unused(stated, design, _rates(design))  # type: ignore[arg-type]
    assert sorted(s.kind for s in missing) == ["people", "rate"]
    assert missing[0].quantity.text.startswith(("300", "5M"))


def test_an_assumption_quoting_the_number_addresses_it() -> None:
    """The escape hatch the feedback offers: an assumption quoting the task's words."""
    _, stated = read_task(TASK)
    why = "{id: A1, statement: 'the 300 note reads per second are bursts, not the average'}"
    design = _design(read="30/s", assumption=why)
    missing = unused(stated, design, _rates(design))  # type: ignore[arg-type]
    assert [s.kind for s in missing] == []
