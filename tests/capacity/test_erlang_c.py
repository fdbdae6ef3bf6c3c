"""Erlang C / M/M/c against published values and an independent implementation."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archproof.passes.capacity.erlang_c import (
    allen_cunneen_wait,
    erlang_b,
    erlang_c,
    mmc_wait,
    wait_variance,
)


def erlang_b_recursion(c: int, a: float) -> float:
    """Independent: the textbook recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1))."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c_direct(c: int, a: Fraction) -> Fraction:
    """Independent, exact: C = (a^c/c!)·c/(c−a) / (Σ_{k<c} a^k/k! + (a^c/c!)·c/(c−a))."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**k / math.factorial(k) for k in range(c)) + top)


def test_wolfram_example_c3_a2() -> None:
    # Wolfram Language documentation, ErlangC "Basic Examples": ErlangC[3, 2] = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-12)
    assert erlang_c_direct(3, Fraction(2)) == Fraction(4, 9)


@pytest.mark.parametrize(
    ("agents", "published_pw", "published_asa_s"),
    [(11, 0.6821, 122.8), (12, 0.4494, 40.4), (13, 0.2853, 17.1), (14, 0.1741, 7.8)],
)
def test_call_centre_worked_example(
    agents: int, published_pw: float, published_asa_s: float
) -> None:
    # Call Centre Helper, "Erlang C Formula – Made Simple with an Easy Worked Example":
    # 100 calls in 30 minutes, average handling time 180 s → A = 100·180/1800 = 10 erlangs.
    # Published: P(wait) 68.21% with 11 agents, iterated to 14 agents (17.4%).
    # ASA = P(wait)·AHT/(N − A).
    a = 100 * 180 / 1800
    assert erlang_c(agents, a) == pytest.approx(published_pw, abs=5e-5)
    assert mmc_wait(agents, a, 180.0) == pytest.approx(published_asa_s, abs=0.05)
    assert erlang_c(agents, a) == pytest.approx(float(erlang_c_direct(agents, Fraction(10))))


def test_textbook_ten_servers() -> None:
    # Kleinrock-style exercise: 120 customers/h, 3 min each, 10 servers → a = 6 erlangs;
    # "from the Erlang C curve, the probability of waiting is about 0.10".
    assert erlang_c(10, 6.0) == pytest.approx(0.10, abs=0.005)
    assert erlang_c(10, 6.0) == pytest.approx(float(erlang_c_direct(10, Fraction(6))), rel=1e-12)


def test_mm1_closed_form() -> None:
    # M/M/1: P(wait) = ρ, Wq = ρ / (μ − λ), W = 1 / (μ − λ), Var(W) = 1/(μ − λ)².
    lam, mu = 50.0, 100.0
    rho = lam / mu
    assert erlang_c(1, rho) == pytest.approx(rho)
    assert mmc_wait(1, rho, 1 / mu) == pytest.approx(rho / (mu - lam))
    # Allen–Cunneen is exact for exponential service (cs² = 1).
    assert allen_cunneen_wait(1, rho, 1 / mu, 1.0) == pytest.approx(rho / (mu - lam))
    # Sojourn is exponential(μ − λ): variance of wait + variance of service.
    var_w = wait_variance(1, rho, 1 / mu, 1.0) + (1 / mu) ** 2
    assert var_w == pytest.approx(1 / (mu - lam) ** 2)


def test_md1_pollaczek_khinchine() -> None:
    # M/D/1 (cs² = 0): Allen–Cunneen halves the M/M/1 wait, which is the exact P-K result
    # Wq = ρ·E[S] / (2(1 − ρ)).
    rho, s = 0.8, 0.01
    assert allen_cunneen_wait(1, rho, s, 0.0) == pytest.approx(rho * s / (2 * (1 - rho)))


def test_saturation_refused() -> None:
    with pytest.raises(ValueError, match="saturated"):
        erlang_c(4, 4.0)


def test_large_pools_agree_with_recursion() -> None:
    for c, a in [(500, 480.0), (2000, 1950.0), (5000, 10.0), (64, 0.5)]:
        expected_b = erlang_b_recursion(c, a)
        assert erlang_b(c, a) == pytest.approx(expected_b, rel=1e-9, abs=1e-300)


@given(st.integers(min_value=1, max_value=200), st.floats(min_value=0.01, max_value=0.999))
def test_agrees_with_recursion(c: int, rho: float) -> None:
    a = rho * c
    b = erlang_b_recursion(c, a)
    expected = c * b / (c - a * (1 - b))
    assert erlang_c(c, a) == pytest.approx(expected, rel=1e-9, abs=1e-300)
    assert 0.0 <= erlang_c(c, a) <= 1.0
