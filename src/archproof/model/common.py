"""Small value types shared by components and operations: service-time distributions,
retries, circuit breakers, availability."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, model_validator

from archproof.model.base import Node, located
from archproof.units import Duration, Percent

# z-score of the 99th percentile of the standard normal distribution.
_Z99 = 2.3263478740408408


class Distribution(Node):
    """A service-time distribution.

    Short form: a duration (`2ms`) means an exponential distribution with that mean,
    which is what M/M/c queueing formulas assume. Long forms:
    `{fixed: 2ms}`, `{exponential: 2ms}`, `{lognormal: {p50: 2ms, p99: 20ms}}`,
    `{lognormal: {mean: 2ms, cv: 1.5}}`, or explicitly `{dist: lognormal, p50: .., p99: ..}`.
    """

    dist: Literal["fixed", "exponential", "lognormal"] = Field(
        default="exponential", description="Shape of the distribution."
    )
    mean: Duration | None = Field(
        default=None, description="Mean service time (fixed, exponential, or lognormal+cv)."
    )
    p50: Duration | None = Field(default=None, description="Median (lognormal by percentiles).")
    p99: Duration | None = Field(default=None, description="99th percentile (lognormal).")
    cv: Fraction | None = Field(
        default=None, gt=0, description="Coefficient of variation (lognormal by mean and cv)."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return located(data, {"dist": "exponential", "mean": data})
        if isinstance(data, dict) and len(data) == 1:
            ((key, value),) = data.items()
            if key in ("fixed", "exponential", "exp"):
                dist = "exponential" if key == "exp" else key
                return located(data, {"dist": dist, "mean": value})
            if key == "lognormal" and isinstance(value, dict):
                return located(data, {"dist": "lognormal", **value})
        return data

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        if self.dist in ("fixed", "exponential"):
            if self.mean is None:
                raise ValueError(f"a {self.dist} distribution needs 'mean'")
            if self.p50 is not None or self.p99 is not None or self.cv is not None:
                raise ValueError(f"a {self.dist} distribution takes only 'mean'")
        else:
            by_pct = self.p50 is not None and self.p99 is not None
            by_mean = self.mean is not None and self.cv is not None
            if by_pct == by_mean:
                raise ValueError("a lognormal distribution needs either p50+p99 or mean+cv")
            if self.p50 is not None and self.p99 is not None and self.p99 <= self.p50:
                raise ValueError("lognormal p99 must be larger than p50")
        if self.mean is not None and self.mean.seconds <= 0:
            raise ValueError("a service time must be positive")
        if self.p50 is not None and self.p50.seconds <= 0:
            raise ValueError("a service time must be positive")
        return self

    def lognormal_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal, in seconds (lognormal only)."""
        if self.p50 is not None and self.p99 is not None:
            mu = math.log(float(self.p50.seconds))
            sigma = (math.log(float(self.p99.seconds)) - mu) / _Z99
            return mu, sigma
        assert self.mean is not None and self.cv is not None
        sigma2 = math.log(1.0 + float(self.cv) ** 2)
        return math.log(float(self.mean.seconds)) - sigma2 / 2, math.sqrt(sigma2)

    def mean_s(self) -> float:
        """Mean in seconds."""
        if self.dist == "lognormal" and self.mean is None:
            mu, sigma = self.lognormal_params()
            return math.exp(mu + sigma * sigma / 2)
        assert self.mean is not None
        return float(self.mean.seconds)

    def cv2(self) -> float:
        """Squared coefficient of variation (0 fixed, 1 exponential)."""
        if self.dist == "fixed":
            return 0.0
        if self.dist == "exponential":
            return 1.0
        _, sigma = self.lognormal_params()
        return math.exp(sigma * sigma) - 1.0

    def min_s(self) -> float:
        """The fastest possible service time in seconds (0 unless fixed)."""
        return self.mean_s() if self.dist == "fixed" else 0.0

    def describe(self) -> str:
        if self.dist == "fixed":
            return f"fixed {self.mean}"
        if self.dist == "exponential":
            return f"exp(mean {self.mean})"
        if self.p50 is not None:
            return f"lognormal(p50 {self.p50}, p99 {self.p99})"
        return f"lognormal(mean {self.mean}, cv {float(self.cv or 0):g})"


class Retry(Node):
    """Retries of a failed or timed-out call. Short form: an integer count."""

    count: int = Field(ge=0, le=20, description="How many times the call is retried.")
    backoff: Duration | None = Field(
        default=None, description="Wait before the first retry; none means immediate retries."
    )
    multiplier: Fraction = Field(
        default=Fraction(2), ge=1, description="Backoff growth per attempt (2 = exponential)."
    )
    jitter: Percent | None = Field(
        default=None, description="Random spread applied to each backoff (e.g. 50%)."
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, int) and not isinstance(data, bool):
            return {"count": data}
        return data


class Breaker(Node):
    """A circuit breaker on a call edge. Short form: `true` for the defaults."""

    failure_rate: Percent = Field(
        default_factory=lambda: Percent(Fraction(1, 2)),
        description="Share of failed calls in the window that opens the breaker.",
    )
    window: int = Field(default=20, ge=1, description="Rolling window, in calls.")
    open_for: Duration = Field(
        default_factory=lambda: Duration(Fraction(10)),
        description="How long the breaker stays open before a half-open probe.",
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if data is True:
            return {}
        return data


class Availability(Node):
    """Availability of one replica: a percentage, or MTBF and MTTR."""

    percent: Percent | None = Field(default=None, description="Steady-state availability.")
    mtbf: Duration | None = Field(default=None, description="Mean time between failures.")
    mttr: Duration | None = Field(default=None, description="Mean time to repair.")

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return located(data, {"percent": data})
        return data

    @model_validator(mode="after")
    def _one_form(self) -> Availability:
        has_pct = self.percent is not None
        has_mt = self.mtbf is not None or self.mttr is not None
        if has_pct == has_mt:
            raise ValueError("give availability as a percentage or as mtbf + mttr")
        if has_mt and (self.mtbf is None or self.mttr is None):
            raise ValueError("mtbf and mttr go together")
        return self

    def fraction(self) -> Fraction:
        """Availability as an exact fraction in [0, 1]."""
        if self.percent is not None:
            return self.percent.fraction
        assert self.mtbf is not None and self.mttr is not None
        return self.mtbf.seconds / (self.mtbf.seconds + self.mttr.seconds)
