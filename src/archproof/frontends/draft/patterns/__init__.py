"""Building blocks: what each pattern adds to a design (operations, entities, components)
and the decisions that follow from the framework regardless of the numbers.

Numeric decisions (replicas, caches, event hub vs queue, counters in the database or in
Redis, CDN) are made in `compose`, after every block has added its load.
"""

from __future__ import annotations

from collections.abc import Callable

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.aggregation import aggregation
from archproof.frontends.draft.patterns.auction import auction
from archproof.frontends.draft.patterns.bill_run import bill_run
from archproof.frontends.draft.patterns.booking import booking
from archproof.frontends.draft.patterns.collab import collab
from archproof.frontends.draft.patterns.content import feed, media
from archproof.frontends.draft.patterns.crawler import crawler
from archproof.frontends.draft.patterns.deploy import deploy
from archproof.frontends.draft.patterns.donations import donations
from archproof.frontends.draft.patterns.filesync import file_sync
from archproof.frontends.draft.patterns.finance import finance
from archproof.frontends.draft.patterns.graph import graph
from archproof.frontends.draft.patterns.idgen import id_generator
from archproof.frontends.draft.patterns.keyvalue import cache_service, kv_store
from archproof.frontends.draft.patterns.live_captures import live_captures
from archproof.frontends.draft.patterns.live_updates import live_updates
from archproof.frontends.draft.patterns.lookup import crud, shortener
from archproof.frontends.draft.patterns.match_state import match_state
from archproof.frontends.draft.patterns.matching import matching
from archproof.frontends.draft.patterns.message_queue import message_queue
from archproof.frontends.draft.patterns.messaging import messaging
from archproof.frontends.draft.patterns.otp import otp
from archproof.frontends.draft.patterns.payments import payments
from archproof.frontends.draft.patterns.planner import planner
from archproof.frontends.draft.patterns.platform import (
    analytics,
    auth,
    batch,
    notifications,
    rate_limit,
)
from archproof.frontends.draft.patterns.points import points
from archproof.frontends.draft.patterns.poller import poller
from archproof.frontends.draft.patterns.proximity import proximity
from archproof.frontends.draft.patterns.ranking import ranking
from archproof.frontends.draft.patterns.rentals import rentals
from archproof.frontends.draft.patterns.rides import rides
from archproof.frontends.draft.patterns.scheduler import scheduler
from archproof.frontends.draft.patterns.search import search
from archproof.frontends.draft.patterns.signalling import signalling
from archproof.frontends.draft.patterns.stream_rules import stream_rules
from archproof.frontends.draft.patterns.telemetry import telemetry
from archproof.frontends.draft.patterns.transit_fares import transit_fares
from archproof.frontends.draft.patterns.waiting_pool import waiting_pool
from archproof.frontends.draft.patterns.webapp import webapp
from archproof.frontends.draft.patterns.webhooks import webhooks

BLOCKS: dict[str, Callable[[Ctx], None]] = {
    "shortener": shortener,
    "crud": crud,
    "payments": payments,
    "messaging": messaging,
    "feed": feed,
    "media": media,
    "search": search,
    "rides": rides,
    "rate_limit": rate_limit,
    "notifications": notifications,
    "analytics": analytics,
    "auth": auth,
    "batch": batch,
    "crawler": crawler,
    "poller": poller,
    "stream_rules": stream_rules,
    "waiting_pool": waiting_pool,
    "ranking": ranking,
    "id_generator": id_generator,
    "scheduler": scheduler,
    "aggregation": aggregation,
    "finance": finance,
    "graph": graph,
    "matching": matching,
    "collab": collab,
    "kv_store": kv_store,
    "cache_service": cache_service,
    "booking": booking,
    "webapp": webapp,
    "file_sync": file_sync,
    "proximity": proximity,
    "telemetry": telemetry,
    "webhooks": webhooks,
    "otp": otp,
    "deploy": deploy,
    "signalling": signalling,
    "message_queue": message_queue,
    "points": points,
    "match_state": match_state,
    "bill_run": bill_run,
    "live_captures": live_captures,
    "live_updates": live_updates,
    "auction": auction,
    "rentals": rentals,
    "donations": donations,
    "transit_fares": transit_fares,
    "planner": planner,
}

# Blocks that add steps to other blocks' operations run last.
LATE = ("search", "notifications", "analytics", "rate_limit")

__all__ = ["BLOCKS", "LATE"]
