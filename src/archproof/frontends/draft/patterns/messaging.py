"""Real-time messaging: persist first, deliver from a background job."""

from __future__ import annotations

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import primary_rates
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.model import Principle


def messaging(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = primary_rates(ctx, "messaging")
    ctx.comp("lb")
    gateway = ctx.comp(
        "gateway",
        "gateway",
        "connection gateway: holds clients' WebSocket connections and pushes messages to them",
    )
    gateway.notes.append(
        "open connections are not durable state: a client reconnects to "
        "any node and fetches what it missed"
    )
    queue = ctx.queue("delivery_queue", "messages to deliver to online recipients")
    for name in ("Conversation", "Membership", "Message"):
        ctx.entity(name)
    send = ctx.op(
        OpSpec(
            id="send_message",
            description="Send a message: persist it, then hand delivery to a background job",
            pattern="messaging",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client_msg_id chosen by the sender's device (unique per sender): "
            "a resend after a dropped connection is a no-op",
            calls=[
                CallSpec(
                    "lb.route",
                    calls=[
                        CallSpec(
                            "gateway.send",
                            calls=[
                                ctx.db(
                                    "write",
                                    "persist first: the message is durable before "
                                    "the sender sees it as sent",
                                    on_failure="fail_closed",
                                ),
                                ctx.enqueue(
                                    queue,
                                    "delivery to each recipient happens in the background",
                                ),
                            ],
                        )
                    ],
                )
            ],
            keywords=("send", "message", "deliver", "arrive", "chat"),
        )
    )
    worker = ctx.comp("worker")
    worker.work.setdefault("deliver", {"lognormal": {"p50": "500us", "p99": "5ms"}})
    worker.work_notes.setdefault(
        "deliver", "route to the gateways holding the members' connections (in memory)"
    )
    ctx.job(
        "deliver_message",
        queue,
        "deliver",
        [
            ctx.db("read", "the conversation's members (Membership by conversation_id)"),
            CallSpec(
                "gateway.push",
                rationale="push to each online member's connection; "
                "offline members fetch history when they reconnect",
            ),
        ],
        description="Deliver a stored message to the recipients' open connections",
        pattern="messaging",
        idempotency_key="message id: clients drop duplicates they already have",
    )
    history = ctx.op(
        OpSpec(
            id="get_history",
            description="GET /conversations/{id}/messages: recent messages, newest first",
            pattern="messaging",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_history",
                [ctx.db("read", "range on (conversation_id, created_at), newest first")],
            ),
            keywords=("history", "read", "load", "fetch"),
        )
    )
    ctx.access(
        "Message",
        "messages_by_conversation",
        "range",
        ("conversation_id",),
        "created_at",
        history.id,
    )
    ctx.access(
        "Membership",
        "members_of_conversation",
        "lookup",
        ("conversation_id",),
        None,
        "deliver_message",
    )
    ctx.access(
        "Message", "message_by_client_id", "lookup", ("sender_id", "client_msg_id"), None, send.id
    )
    ctx.primary_write = ctx.primary_write or send.id
    ctx.primary_read = ctx.primary_read or history.id
    ctx.decide(
        "messaging-persist-then-deliver",
        "Persist, then deliver in the background",
        "send_message writes the message and enqueues delivery; a worker pushes it",
        Principle.OP,
        "the sender waits only for one durable write; fan-out to recipients (and retries for "
        "slow connections) never holds the send path",
        send.id,
    )
    ctx.decide(
        "messaging-queue-not-hub",
        "Delivery through a job queue, not an event hub",
        "a queue with one consumer per message",
        Principle.EV,
        "delivery is time-sensitive and point-to-point; event hubs are for high-volume data "
        "that can wait",
        queue,
    )
    ctx.notify_sources.append(send.id)
    ctx.use_cases += [
        "Send a message to a conversation",
        "Receive messages in real time",
        "Read a conversation's history",
    ]
    ctx.ledger.ask("Group chats: maximum group size? (fan-out per message grows with it)")
    ctx.ledger.ask("Are read receipts, typing indicators and presence needed?")
    ctx.ledger.ask("End-to-end encryption? How long are messages kept?")
