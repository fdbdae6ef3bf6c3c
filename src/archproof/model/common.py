"""Small value types shared by components and operations: service-time distributions,
retries, circuit breakers, availability."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, RootModel, field_validator, model_validator

from archproof.model.base import Node, located
from archproof.numbers import sig
from archproof.span import Span
from archproof.units import (
    MAX_BREAKER_WINDOW,
    MAX_CV,
    MAX_MULTIPLIER,
    MAX_TAIL_RATIO,
    Duration,
    Percent,
    Rate,
)

# z-score of the 99th percentile of the standard normal distribution.
_Z99 = 2.3263478740408408


class _Shape(Node):
    """What every service-time distribution answers, whatever its shape."""

    def mean_s(self) -> float:
        """Mean in seconds."""
        raise NotImplementedError

    def cv2(self) -> float:
        """Squared coefficient of variation (0 fixed, 1 exponential)."""
        raise NotImplementedError

    def min_s(self) -> float:
        """The fastest possible service time in seconds (0 unless fixed)."""
        return 0.0

    def describe(self) -> str:
        raise NotImplementedError


def _positive(value: Duration | None) -> Duration | None:
    if value is not None and value.seconds <= 0:
        raise ValueError("a service time must be positive")
    return value


class FixedDistribution(_Shape):
    """Every call takes exactly `mean` (`{fixed: 2ms}`)."""

    dist: Literal["fixed"] = Field(description="Shape of the distribution.")
    mean: Duration = Field(description="The service time.")

    _check_mean = field_validator("mean")(_positive)

    def mean_s(self) -> float:
        return float(self.mean.seconds)

    def cv2(self) -> float:
        return 0.0

    def min_s(self) -> float:
        return self.mean_s()

    def describe(self) -> str:
        return f"fixed {self.mean}"


class ExponentialDistribution(_Shape):
    """Memoryless service times with mean `mean` (`2ms`, `{exponential: 2ms}`): M/M/c's."""

    dist: Literal["exponential"] = Field(
        default="exponential", description="Shape of the distribution."
    )
    mean: Duration = Field(description="Mean service time.")

    _check_mean = field_validator("mean")(_positive)

    def mean_s(self) -> float:
        return float(self.mean.seconds)

    def cv2(self) -> float:
        return 1.0

    def describe(self) -> str:
        return f"exp(mean {self.mean})"


class LognormalDistribution(_Shape):
    """A long right tail, given by p50 + p99 or by mean + cv (`{lognormal: {...}}`)."""

    dist: Literal["lognormal"] = Field(description="Shape of the distribution.")
    mean: Duration | None = Field(default=None, description="Mean service time (with cv).")
    p50: Duration | None = Field(default=None, description="Median (with p99).")
    p99: Duration | None = Field(default=None, description="99th percentile (with p50).")
    cv: Fraction | None = Field(
        default=None, gt=0, le=MAX_CV, description="Coefficient of variation (with mean)."
    )

    @model_validator(mode="after")
    def _one_form(self) -> LognormalDistribution:
        by_pct = self.p50 is not None and self.p99 is not None
        by_mean = self.mean is not None and self.cv is not None
        if by_pct == by_mean:
            raise ValueError("a lognormal distribution needs either p50+p99 or mean+cv")
        if self.p50 is not None and self.p99 is not None and self.p99 <= self.p50:
            raise ValueError("lognormal p99 must be larger than p50")
        if (
            self.p50 is not None
            and self.p99 is not None
            and self.p99.seconds > self.p50.seconds * MAX_TAIL_RATIO
        ):
            raise ValueError(f"lognormal p99 may be at most {MAX_TAIL_RATIO} × p50")
        _positive(self.mean)
        _positive(self.p50)
        return self

    def lognormal_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal, in seconds."""
        if self.p50 is not None and self.p99 is not None:
            mu = math.log(float(self.p50.seconds))
            sigma = (math.log(float(self.p99.seconds)) - mu) / _Z99
            return mu, sigma
        assert self.mean is not None and self.cv is not None  # by _one_form
        sigma2 = math.log(1.0 + float(self.cv) ** 2)
        return math.log(float(self.mean.seconds)) - sigma2 / 2, math.sqrt(sigma2)

    def mean_s(self) -> float:
        if self.mean is not None:
            return float(self.mean.seconds)
        mu, sigma = self.lognormal_params()
        return math.exp(mu + sigma * sigma / 2)

    def cv2(self) -> float:
        _, sigma = self.lognormal_params()
        return math.exp(sigma * sigma) - 1.0

    def describe(self) -> str:
        if self.p50 is not None:
            return f"lognormal(p50 {self.p50}, p99 {self.p99})"
        return f"lognormal(mean {self.mean}, cv {sig(float(self.cv or 0), 6)})"


Shape = Annotated[
    FixedDistribution | ExponentialDistribution | LognormalDistribution,
    Field(discriminator="dist"),
]


class Distribution(RootModel[Shape]):
    """A service-time distribution: one of its shapes, told apart by `dist`.

    Short form: a duration (`2ms`) means an exponential distribution with that mean,
    which is what M/M/c queueing formulas assume. Long forms:
    `{fixed: 2ms}`, `{exponential: 2ms}`, `{lognormal: {p50: 2ms, p99: 20ms}}`,
    `{lognormal: {mean: 2ms, cv: 1.5}}`, or explicitly `{dist: lognormal, p50: .., p99: ..}`.

    `root` is the shape (match on it); the methods below answer for any shape.
    """

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
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
        if isinstance(data, dict) and "dist" not in data:
            # No `dist` means exponential, as in the short form.
            return located(data, {"dist": "exponential", **data})
        return data

    @property
    def dist(self) -> Literal["fixed", "exponential", "lognormal"]:
        """The shape's name."""
        return self.root.dist

    @property
    def span(self) -> Span | None:
        return self.root.span

    def lognormal_params(self) -> tuple[float, float]:
        """(mu, sigma) of the underlying normal, in seconds (lognormal only)."""
        if not isinstance(self.root, LognormalDistribution):
            raise TypeError(f"a {self.dist} distribution has no lognormal parameters")
        return self.root.lognormal_params()

    def mean_s(self) -> float:
        """Mean in seconds."""
        return self.root.mean_s()

    def cv2(self) -> float:
        """Squared coefficient of variation (0 fixed, 1 exponential)."""
        return self.root.cv2()

    def min_s(self) -> float:
        """The fastest possible service time in seconds (0 unless fixed)."""
        return self.root.min_s()

    def describe(self) -> str:
        return self.root.describe()


def below_hundred(value: Percent | None) -> Percent | None:
    """A target (availability, durability) must leave room for failure: below 100%."""
    if value is not None and value.fraction >= 1:
        raise ValueError("a target of 100% cannot be met; give e.g. 99.99%")
    return value


class Retry(Node):
    """Retries of a failed or timed-out call. Short form: an integer count."""

    count: int = Field(ge=0, le=20, description="How many times the call is retried.")
    backoff: Duration | None = Field(
        default=None, description="Wait before the first retry; none means immediate retries."
    )
    multiplier: Fraction = Field(
        default=Fraction(2),
        ge=1,
        le=MAX_MULTIPLIER,
        description="Backoff growth per attempt (2 = exponential).",
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
    window: int = Field(
        default=20, ge=1, le=MAX_BREAKER_WINDOW, description="Rolling window, in calls."
    )
    open_for: Duration = Field(
        default_factory=lambda: Duration(Fraction(10)),
        description="How long the breaker stays open before a half-open probe.",
    )
    key: Literal["edge", "tenant", "endpoint"] = Field(
        default="edge",
        description="What one breaker covers: `edge` one breaker for the whole edge; `tenant` "
        "or `endpoint` one per tenant / per endpoint, so one bad tenant or URL does not open "
        "it for everyone.",
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


class RateLimit(Node):
    """An admission limit: arrivals above `rate` are rejected or queued.

    Short form: a rate (`rate_limit: 100/s`)."""

    rate: Rate = Field(description="Admitted rate; above it arrivals are rejected or queued.")
    per: Literal["global", "tenant", "user", "ip", "api_key"] = Field(
        default="global",
        description="What one quota covers: the whole (`global`) or each tenant, user, IP or "
        "API key.",
    )
    over: Literal["reject", "queue"] = Field(
        default="reject",
        description="What happens above the limit: `reject` (429 at once) or `queue` (wait).",
    )

    @classmethod
    def _expand(cls, data: Any) -> Any:
        if isinstance(data, str | int | float) and not isinstance(data, bool):
            return located(data, {"rate": data})  # a bare number: the Rate check explains
        return data

    @field_validator("rate")
    @classmethod
    def _positive_rate(cls, value: Rate) -> Rate:
        if value.per_second <= 0:
            raise ValueError("a rate limit must be positive")
        return value
