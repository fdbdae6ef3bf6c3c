"""Thresholds of judgement, stated once: every stage that sizes or warns imports them here.

These are policy, not physics: the figures a reviewer would use to call a pool busy or a
store idle. The drafter sizes with them, the rules warn with them, the growth plan plans
with them and the report colours by them, so the four never disagree about "busy".
"""

from __future__ import annotations

from fractions import Fraction

# Utilization the growth plan sizes replicas for, at which a pool is reported busy (the
# report's warning colour, the queueing table's "warning" status), and the drafter's
# target for stateless nodes (they scale out quickly, so they can run this hot).
TARGET_UTILIZATION_EXACT = Fraction(7, 10)
TARGET_UTILIZATION = float(TARGET_UTILIZATION_EXACT)
# A pool this busy at peak has little headroom left (OP007); at 1 it is saturated (OP006).
NEAR_SATURATION = 0.85
# Utilization the drafter sizes stateful components for: half, so losing one of two
# replicas, or a doubling of load, still leaves the survivor below saturation.
DRAFT_STATEFUL_TARGET = Fraction(1, 2)
# Share of a shard's target the drafter lets writes take (the rest is for reads).
SHARD_WRITE_SHARE = Fraction(7, 10)
# A store that would stay below this utilization without its cache does not need it (CA).
PREMATURE_CACHE_BELOW = 0.5
# Utilization of a database primary at which it needs relief (DB007) ...
BUSY_PRIMARY = 0.7
# ... and the share of that load from reads that makes read replicas the relief.
READ_DOMINATED = 0.5
# A single call whose tail alone takes more than this share of the p99 budget (OP008).
DOMINANT_SHARE = 0.5
# Past this many read replicas the answer is a cache, sharding or another store, not more
# followers (replication lag and fan-out of the write stream grow with each one).
MAX_READ_REPLICAS = 3
# A pool this busy at peak is worth a load test before launch (the report's "what to
# validate early"); below it only the bottleneck, the pool that saturates first, is named.
VALIDATE_EARLY_FROM = 0.5
