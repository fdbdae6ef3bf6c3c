"""The one availability model: what a component's availability means, for every stage.

An instance is up a fraction `a` of the time (the design's `availability`, else the
catalog's). A pool of `n` instances behind health checks is unavailable only while all
`n` are down at once:

    U = (1 − a)^n          (instances fail independently)

Outages last minutes to hours (MTTR), far longer than a request and its retries, so:

- **Retries do not buy availability.** A call that reaches an unavailable component fails
  on every attempt; retry amplification counts timeouts only (an attempt fails when the
  callee's service time exceeds the timeout), not availability.
- **An operation fails while a component it needs is down**, for the share `f_X` of its
  requests that need `X` (fail-open, async and fallback edges do not need it):
  A(op) = Π_X (1 − U_X · f_X).
- **A job fed by a durable queue is delayed, not failed**: the queue redelivers its
  message after the outage, so its availability is 1 and the outage shows as delay.
- **A short simulation samples a stretch of time in which nothing is down**: it injects
  no random errors from availability. Outages are drilled explicitly (`--fault`,
  `scenarios:`), where the share of failed requests is the same `f_X`.

The capacity pass, the simulator and the review rules all read these figures; none keeps
its own notion of availability.
"""

from __future__ import annotations


def unavailability(availability: float, instances: int) -> float:
    """U = (1 − a)^n: the share of time all `instances` are down at once."""
    if instances <= 0:
        return 1.0
    return float((1.0 - availability) ** instances)
