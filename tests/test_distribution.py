"""`Distribution` is a tagged union of its shapes; short forms and figures are unchanged."""

from __future__ import annotations

import math

import pytest

from archproof.frontends.yaml_loader import load_text
from archproof.model import Distribution
from archproof.model.common import (
    ExponentialDistribution,
    FixedDistribution,
    LognormalDistribution,
)

Z99 = 2.3263478740408408


@pytest.mark.parametrize(
    ("written", "shape", "mean_s", "cv2"),
    [
        ("3ms", ExponentialDistribution, 0.003, 1.0),
        ({"exp": "3ms"}, ExponentialDistribution, 0.003, 1.0),
        ({"exponential": "3ms"}, ExponentialDistribution, 0.003, 1.0),
        ({"mean": "3ms"}, ExponentialDistribution, 0.003, 1.0),
        ({"fixed": "3ms"}, FixedDistribution, 0.003, 0.0),
        ({"dist": "fixed", "mean": "3ms"}, FixedDistribution, 0.003, 0.0),
        ({"lognormal": {"mean": "3ms", "cv": "1.5"}}, LognormalDistribution, 0.003, 2.25),
    ],
)
def test_short_and_long_forms_parse_to_their_shape(
    written: object, shape: type, mean_s: float, cv2: float
) -> None:
    d = Distribution.model_validate(written)
    assert isinstance(d.root, shape)
    assert d.dist == d.root.dist
    assert d.mean_s() == pytest.approx(mean_s)
    assert d.cv2() == pytest.approx(cv2)


def test_lognormal_by_percentiles_matches_the_closed_form() -> None:
    d = Distribution.model_validate({"lognormal": {"p50": "10ms", "p99": "40ms"}})
    mu, sigma = d.lognormal_params()
    assert mu == pytest.approx(math.log(0.010))
    assert sigma == pytest.approx((math.log(0.040) - math.log(0.010)) / Z99)
    assert d.mean_s() == pytest.approx(math.exp(mu + sigma**2 / 2))
    assert d.cv2() == pytest.approx(math.exp(sigma**2) - 1)
    assert d.min_s() == 0.0
    assert d.describe() == "lognormal(p50 10ms, p99 40ms)"


def test_only_a_lognormal_has_lognormal_parameters() -> None:
    with pytest.raises(TypeError, match="fixed distribution"):
        Distribution.model_validate({"fixed": "2ms"}).lognormal_params()


def test_a_shape_holds_only_its_own_fields() -> None:
    assert set(FixedDistribution.model_fields) == {"span", "dist", "mean"}
    assert set(ExponentialDistribution.model_fields) == {"span", "dist", "mean"}
    assert Distribution.model_validate({"fixed": "2ms"}).min_s() == pytest.approx(0.002)


def test_equal_hashable_and_round_trips() -> None:
    a = Distribution.model_validate({"fixed": "2ms"})
    b = Distribution.model_validate({"dist": "fixed", "mean": "2ms"})
    assert a == b and hash(a) == hash(b)
    assert a != Distribution.model_validate({"exp": "2ms"})
    assert a.model_dump(mode="json") == {"dist": "fixed", "mean": "2ms"}
    assert Distribution.model_validate(a.model_dump()) == a


def test_loaded_work_keeps_its_place() -> None:
    design = load_text(
        "meta: {name: t}\ncomponents:\n  db:\n    kind: database\n"
        "    work: {read: {lognormal: {p50: 1ms, p99: 9ms}}, write: 4ms}\n",
        "d.yaml",
    )
    work = design.components[0].work
    assert work["read"].dist == "lognormal" and work["write"].dist == "exponential"
    assert work["read"].span is not None and work["read"].span.line == 5


def test_an_unknown_shape_is_a_located_invalid_value() -> None:
    from archproof.errors import DesignError

    with pytest.raises(DesignError) as info:
        load_text(
            "meta: {name: t}\ncomponents:\n  db:\n    kind: database\n"
            "    work: {read: {dist: gamma, mean: 2ms}}\n",
            "d.yaml",
        )
    (d,) = info.value.diagnostics
    assert (d.code, d.message, d.hint) == (
        "AP014",
        "invalid value 'gamma' for 'dist'",
        "expected 'fixed', 'exponential' or 'lognormal'",
    )
    assert d.span is not None and (d.span.line, d.span.column) == (5, 25)
