"""Auctions: bids that must beat the current price, and auctions that close at their end.

A bid is accepted by one conditional update of its auction (`… SET current_price = :amount
WHERE id = :id AND status = 'open' AND current_price < :amount AND ends_at > now()`), the
bid row inserted in the same transaction: two bidders racing with the same amount cannot
both lead, and no bid lands after the end. A worker closes the auctions whose end has
passed and records the winner (the current leader); the auction pages read the current
price, which the database holds (a cache only when the reads call for one).
"""

from __future__ import annotations

from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.entities import Template
from archproof.frontends.draft.patterns.common import primary_rates
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle

# How often the closing job looks for auctions past their end (assumed): a winner is
# known within a minute of the end; the bids after it are refused by the bid's own check.
CLOSE_EVERY = Fraction(60)


def auction(ctx: Ctx) -> None:
    bids, views, bid_note, view_note = primary_rates(ctx, "auction")
    ctx.entity(
        "Auction",
        Template(
            {
                "id": "uuid",
                "seller_id": "ref(User)",
                "status": "enum(open|closed)",
                "current_price": "decimal",
                "leader_id": "ref(User)?",
                "ends_at": "datetime",
            },
            states=("open", "closed"),
            transitions={"open": ("closed",)},
            note="the current price and leader live on the auction row: a bid is one "
            "conditional update of it",
        ),
    )
    ctx.entity(
        "Bid",
        Template(
            {
                "id": "uuid",
                "auction_id": "ref(Auction)",
                "bidder_id": "ref(User)",
                "amount": "decimal",
                "created_at": "datetime",
            },
            note="every accepted bid, inserted with the auction's update (one transaction)",
        ),
    )
    place = ctx.op(
        OpSpec(
            id="place_bid",
            description="POST /auctions/{id}/bids: accepted only if it beats the current price "
            "before the end",
            pattern="auction",
            rate=bids,
            rate_note=bid_note,
            critical=True,
            reads=False,
            idempotency_key="the bidder's request id (unique on Bid): a retried bid is "
            "accepted once",
            calls=ctx.front(
                "place_bid",
                [
                    ctx.db(
                        "write",
                        "UPDATE Auction SET current_price = :amount, leader_id = :bidder WHERE "
                        "id = :id AND status = open AND current_price < :amount AND ends_at > "
                        "now(), and insert the Bid, in one transaction: 0 rows means outbid "
                        "or ended",
                        on_failure="fail_closed",
                    )
                ],
            ),
            keywords=("bid", "place", "offer"),
        )
    )
    view = ctx.op(
        OpSpec(
            id="view_auction",
            description="GET /auctions/{id}: the auction page with its current price",
            pattern="auction",
            rate=views,
            rate_note=view_note,
            calls=ctx.front(
                "view_auction", [ctx.db("read", "the auction row by id (its current price)")]
            ),
            keywords=("view", "page", "price", "show", "auction"),
        )
    )
    ctx.op(
        OpSpec(
            id="close_auctions",
            description="Every minute: close the auctions past their end, the leader wins",
            pattern="auction",
            rate=1 / CLOSE_EVERY,
            rate_note="once a minute (assumed)",
            sync=False,
            reads=False,
            idempotency_key="status open → closed once: closing a closed auction is a no-op",
            calls=[
                CallSpec(
                    "worker.close",
                    time="50ms",
                    calls=[
                        ctx.db(
                            "write",
                            "status → closed where status = open and ends_at < now(); the "
                            "leader is the winner",
                        )
                    ],
                )
            ],
        )
    )
    ctx.comp("worker")
    ctx.access("Auction", "auction_by_id", "lookup", ("id",), None, view.id)
    ctx.access("Auction", "auctions_ending", "range", ("status", "ends_at"), None, None)
    ctx.access("Bid", "bids_of_auction", "range", ("auction_id",), "created_at", None)
    ctx.lookups.append((view.id, "Auction"))
    ctx.primary_write = place.id
    ctx.primary_read = view.id
    ctx.notify_sources.append("close_auctions")
    ctx.handled.add("consistency")
    ctx.decide(
        "auction-one-leader",
        "A bid wins by one conditional update",
        "the auction row holds the current price and leader; a bid updates it only WHERE it "
        "beats the price and the auction is open, with the Bid inserted in the same "
        "transaction",
        Principle.DB,
        "two bidders reading the same price both think they lead; only the update's WHERE "
        "clause decides between them atomically, and ends_at > now() refuses a late bid",
        "db",
    )
    ctx.use_cases += ["Place a bid", "View an auction and its current price", "Close auctions"]
    ctx.ledger.ask("Proxy (automatic) bidding? Reserve prices? Do bids near the end extend it?")
