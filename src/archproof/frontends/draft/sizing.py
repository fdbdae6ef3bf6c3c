"""Capacity arithmetic the drafter decides with: catalog service times, node capacity,
utilization and replica counts. Estimates in floats; every formula is stated where used.

    busy (Erlangs)  = Σ peak rate × time held          (Little's law)
    utilization     = max(busy / concurrency, peak rate / max_throughput)   per node
    nodes needed    = ⌈utilization / target⌉            target: 50% stateful, 70% stateless
    p99 of a path   ≈ Σ p99 of its calls                (conservative: percentiles don't add)
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from functools import cache
from statistics import NormalDist

from archproof.catalog import CatalogEntry, load_catalog
from archproof.model import Distribution
from archproof.numbers import plain, rate, rounded
from archproof.policy import DRAFT_STATEFUL_TARGET, TARGET_UTILIZATION_EXACT
from archproof.units import Duration, Rate, parse_rate
from archproof.utilization import rho

# Utilization targets: stateful nodes keep headroom for a replica loss and failover;
# stateless ones scale out quickly, so they can run hotter.
# (The figures are policy, stated once in archproof/policy.py.)
TARGET_STATEFUL = DRAFT_STATEFUL_TARGET
TARGET_STATELESS = TARGET_UTILIZATION_EXACT
# The capacity pass adds queueing waits and retries to holding times; the drafter's
# formula (own time + nested calls' means) leaves them out, so sizing adds 2%.
WAIT_ALLOWANCE = 1.02  # beyond this, a cache is cheaper than more followers

# Preferred technology per role, most boring first; the first one in the catalog wins.
ROLE_TECH: dict[str, tuple[str, ...]] = {
    "db": ("postgresql", "mysql"),
    "cache": ("redis", "memcached"),
    "kv": ("redis",),
    "queue": ("rabbitmq", "sqs"),
    "events": ("kafka",),
    "blobs": ("s3",),
    "lb": ("haproxy", "nginx"),
    "cdn": ("cdn",),
    "search": ("opensearch", "elasticsearch"),
    "api": ("stateless-service",),
    "gateway": ("stateless-service",),
    "worker": ("worker",),
    "external": ("external-api",),
}
ROLE_KIND: dict[str, str] = {
    "db": "database",
    "cache": "cache",
    "kv": "database",
    "queue": "queue",
    "events": "queue",
    "blobs": "object_store",
    "lb": "load_balancer",
    "cdn": "cdn",
    "search": "search_index",
    "api": "service",
    "gateway": "service",
    "worker": "worker",
    "external": "external",
}
# Used only when the catalog has no technology for a role.
DEFAULT_WORK: dict[str, str] = {
    "database": "2ms",
    "cache": "500us",
    "queue": "2ms",
    "object_store": "50ms",
    "load_balancer": "200us",
    "cdn": "20ms",
    "search_index": "20ms",
    "service": "2ms",
    "worker": "50ms",
    "external": "200ms",
}
DEFAULT_CONCURRENCY: dict[str, int] = {
    "database": 100,
    "cache": 32,
    "queue": 64,
    "object_store": 1000,
    "load_balancer": 1000,
    "cdn": 10000,
    "search_index": 13,
    "service": 32,
    "worker": 8,
    "external": 100,
}

_Z99 = 2.3263478740408408


@cache
def tech_for(role: str) -> str | None:
    """The catalog technology for a role, or None when the catalog has none."""
    catalog = load_catalog()
    ids = catalog.ids()
    for tech in ROLE_TECH.get(role, ()):
        if tech in ids:
            return tech
    kind = ROLE_KIND.get(role)
    for entry in catalog.entries:
        fits = kind is not None and any(k.value == kind for k in entry.kinds)
        if fits and (role == "events" or entry.id != "kafka"):
            return entry.id
    return None


def entry_of(tech: str | None) -> CatalogEntry | None:
    return load_catalog().get(tech)


def catalog_work(tech: str | None, work: str) -> Distribution | None:
    """Service time the catalog gives for `work` on `tech` (its own, else its default)."""
    entry = entry_of(tech)
    if entry is None:
        return None
    return entry.work.get(work) or entry.work.get("default")


def distribution(text: str | dict[str, object]) -> Distribution:
    return _distribution(json.dumps(text, sort_keys=True))


@cache
def _distribution(key: str) -> Distribution:
    return Distribution.model_validate(json.loads(key))


def mean_s(dist: Distribution) -> float:
    return dist.mean_s()


def p99_s(dist: Distribution) -> float:
    if dist.dist == "fixed":
        return dist.mean_s()
    if dist.dist == "exponential":
        return dist.mean_s() * math.log(100)
    mu, sigma = dist.lognormal_params()
    return math.exp(mu + _Z99 * sigma)


def quantile_s(dist: Distribution, tail: float) -> float:
    """The service time exceeded with probability ``tail`` (0 < tail < 1)."""
    if dist.dist == "fixed":
        return dist.mean_s()
    if dist.dist == "exponential":
        return dist.mean_s() * math.log(1.0 / tail)
    mu, sigma = dist.lognormal_params()
    return math.exp(mu + NormalDist().inv_cdf(1.0 - tail) * sigma)


def concurrency_of(tech: str | None, kind: str, own: int | None) -> int:
    if own is not None:
        return own
    entry = entry_of(tech)
    return entry.concurrency if entry else DEFAULT_CONCURRENCY.get(kind, 1)


def replicas_of(tech: str | None, own: int | None) -> int:
    if own is not None:
        return own
    entry = entry_of(tech)
    return entry.replicas if entry else 1


def max_throughput(tech: str | None) -> float | None:
    entry = entry_of(tech)
    if entry is None or entry.max_throughput is None:
        return None
    try:
        return parse_rate(entry.max_throughput).per_s_float
    except ValueError:
        return None


def utilization(busy: float, rate: float, concurrency: int, ceiling: float | None) -> float:
    """The load one node must carry, to size by: the larger of the capacity pass's ρ on one
    node (`archproof.utilization.rho`, `busy` erlangs) and the share of the catalog's
    throughput ceiling the rate takes (a bound the capacity pass does not model: a load
    balancer's packets, MySQL's measured point-select ceiling)."""
    by_time = rho(busy, 1, concurrency) if concurrency else 0.0
    by_rate = rate / ceiling if ceiling else 0.0
    return max(by_time, by_rate)


def nodes_for(util: float, target: Fraction) -> int:
    return max(1, math.ceil(util / float(target) - 1e-9))


def pct(value: float) -> str:
    """A utilization as people read it: 0.4% / 19% / 230%."""
    if 0 < value < 0.001:
        return "<0.1%"
    if value < 0.01:
        return f"{value * 100:.1f}%"
    return f"{value * 100:.0f}%"


def per_s(value: float) -> str:
    """A rate per second, rounded for reading (0.12/s, 38.6/s, 2,000/s, 11.6k/s): the one
    number formatter the report uses (`archproof.numbers.rate`), so a figure reads the same
    in the draft's comments and decisions, the summary and the report."""
    return rate(value)


def ms(seconds: float) -> str:
    if seconds >= 1:
        return f"{plain(seconds, 3)}s"
    return f"{plain(seconds * 1000, 3)}ms"


def nice_duration(seconds: float) -> str:
    """A round duration at or above `seconds` (5ms, 20ms, 50ms, 100ms, 2s...)."""
    steps = (1, 2, 5)
    exponent = math.floor(math.log10(max(seconds, 1e-4)))
    for power in (exponent, exponent + 1):
        for step in steps:
            value = step * 10.0**power
            if value >= seconds - 1e-12:
                return str(Duration(Fraction(value).limit_denominator(10**6)))
    return str(Duration(Fraction(seconds).limit_denominator(10**6)))


_READABLE_UNITS = (("s", 1), ("min", 60), ("h", 3600), ("day", 86_400), ("month", 2_592_000))


def rate_text(per_second: Fraction) -> str:
    """Rate text in the units module's spelling (`100M/month`): exact when that reads well,
    else rounded to 3 significant figures in the first unit where it is at least 1
    (`666/s`, never `(2000000/3003)/s`). Only derived rates are ever that ragged; a figure
    the task states is written exactly."""
    exact = str(Rate(per_second))
    if "(" not in exact and "/" in exact:
        return exact
    for unit, seconds in _READABLE_UNITS:
        amount = per_second * seconds
        if amount >= 1 or unit == "month":
            return str(Rate(rounded(float(amount)) / seconds))
    return exact  # pragma: no cover - the loop always returns
