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

# --- issue 14: what the review assumes where a design is silent, and when it calls a
# figure too much. Each is a reviewer's rule of thumb, stated once.

# The p99 a person waits for a user-facing request that states no latency SLO: the review
# reports the missing SLO and the analysis judges the operation against this (~1 s is
# where a page or an API call stops feeling immediate).
DEFAULT_USER_P99 = Fraction(1)
# Service time on a synchronous, human-facing request path beyond which nobody waits for
# the answer whatever the SLO says (seconds): hand the work to a background job.
HUMAN_WAIT = Fraction(10)
# New rows a day past which an entity with no retention outgrows one store within a year
# (100M/day ≈ 36B rows/year): say how long rows are kept.
FAST_GROWTH_ROWS_PER_DAY = 100_000_000
# New rows a day past which one time-bucket partition (today's) takes every write.
HOT_PARTITION_ROWS_PER_DAY = 1_000_000
# A TTL longer than this on data that is written, with no invalidation, serves stale data
# for longer than users tolerate (seconds).
LONG_CACHE_TTL = Fraction(3600)
# Peak calls/s below which a database serves "one small feature" (a few a second on average;
# one PostgreSQL serves thousands): another store of record for it costs more (backups,
# failover, on-call) than a table in the existing one.
SMALL_FEATURE_RATE = Fraction(50)
# Writes per new row past which a request's writes update aggregates in place (counters,
# per-minute totals, "last seen") rather than record something: ten updates of every row
# made is no longer "insert, then a correction or two".
UPDATES_PER_NEW_ROW = 10
# Peak reads/s of one cache above which expiring entries stampede the store behind it
# unless misses are coalesced or TTLs jittered.
STAMPEDE_READ_RATE = Fraction(1000)
# Distinct series (product of the label value counts) one metric may have before the
# metrics store's memory and cost explode.
MAX_METRIC_SERIES = 100_000
# Peak events/s below which a hub of its own is not worth running: a trickle (a few an hour
# or a day) fits a direct call or a topic the design already has.
TRICKLE_EVENTS = Fraction(1)
# Peak requests/s from which a user-facing operation needs admission control (a rate limit
# or load shedding); below it, a rare action or an internal tool has no burst to shed.
ADMISSION_CONTROL_FROM = Fraction(1)
# Mean seconds of work per job above which a queue in front of it is a work queue (the work
# is slow), not an event hub to justify by volume.
SLOW_JOB = Fraction(1)
# Share of requests a cache must answer (its hit branch) to be worth the round trip every
# request pays to ask it; below it the store does nearly all the work anyway.
MIN_HIT_RATIO = Fraction(1, 5)

# --- issue 20, item 10: point estimates near the knee are not evidence.

# Uncertainty of a design's inputs: its service times and its rates are each taken as known
# to ±10% (a real stack adds a millisecond or two per request and calls run a little
# longer than written). Near the knee each latency and utilization figure carries the band
# this spans.
INPUT_UNCERTAINTY = Fraction(1, 10)
# Utilization of a pool from which its figures, and the latency of the operations that
# wait on it, are near the knee and carry a band (the growth plan's target: below it a 10%
# input error moves latency by about as much; above it, by several times that).
SENSITIVE_FROM = TARGET_UTILIZATION
# Utilization of any pool above which the design's latency prediction is fragile, and the
# analysis says so plainly (at 75%, +10% in each of service time and rate is 91%).
FRAGILE_FROM = 0.75
