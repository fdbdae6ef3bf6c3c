"""Known coding tasks: their interface, typed signatures, core data structures and the choice.

Each kit is what a careful engineer would write down first for the task: the Protocol its
methods belong to (with typed signatures and the errors they raise), the entities with
ids, enums and lifecycles (fields that exist only in some states say so), and the core
data structure with the reason for it. The code stage (`archproof code`) turns these into
Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archproof.frontends.draft.entities import Template

# (method name, Python signature, what it does, errors it raises)
Method = tuple[str, str, str, tuple[str, ...]]


@dataclass(frozen=True)
class Kit:
    """A known coding task: its methods, data structures and the design choice."""

    regex: str
    protocol: str
    methods: tuple[Method, ...]
    entities: dict[str, Template]
    choice: str
    because: str
    relations: dict[str, tuple[tuple[str, str, str | None], ...]] = field(default_factory=dict)


def _enum(values: str, type_name: str | None = None) -> dict[str, object]:
    out: dict[str, object] = {"type": "enum", "values": values.split("|")}
    if type_name is not None:
        out["type_name"] = type_name
    return out


def _at_least(type_: str, minimum: int) -> dict[str, object]:
    return {"type": type_, "minimum": minimum}


def _only_in(spec: str | dict[str, object], *states: str) -> dict[str, object]:
    base: dict[str, object] = {"type": spec} if isinstance(spec, str) else dict(spec)
    if isinstance(spec, str) and spec.startswith("ref("):
        base = {"type": "ref", "ref": spec[4:-1]}
    return {**base, "states": list(states)}


_RANKS = "ace|two|three|four|five|six|seven|eight|nine|ten|jack|queen|king"

KITS: tuple[Kit, ...] = (
    Kit(
        r"\b(?:lru|lfu|least[- ]recently)\b|\bcache\b",
        "LRUCache",
        (
            ("get", "get(key: K) -> V | None", "return the value and mark it most recent", ()),
            (
                "put",
                "put(key: K, value: V) -> None",
                "insert or update; evict the least recently used entry beyond capacity",
                (),
            ),
        ),
        {"CacheConfig": Template({"capacity": _at_least("int", 1)}, key=())},
        "a hash map from key to a node of a doubly linked list (collections.OrderedDict)",
        "get and put are O(1): the map finds the node, the list keeps recency order",
    ),
    Kit(
        r"rate[- ]?limit|token\s+bucket|leaky\s+bucket|throttl",
        "RateLimiter",
        (
            (
                "allow",
                "allow(client_key: ClientKey, *, now: datetime | None = None) -> bool",
                "take a token if one is left",
                (),
            ),
        ),
        {
            "TokenBucket": Template(
                {
                    "client_key": "str(200)",
                    "tokens": _at_least("float", 0),
                    "refilled_at": "datetime",
                },
                key=("client_key",),
            )
        },
        "one token bucket per client key, refilled lazily from the elapsed time",
        "O(1) per call and no background timer thread",
    ),
    Kit(
        r"\bparking\b",
        "ParkingLot",
        (
            (
                "park",
                "park(vehicle: Vehicle) -> IssuedTicket",
                "put the vehicle in a free spot that fits; issue a ticket",
                ("LotFull",),
            ),
            (
                "pay",
                "pay(ticket_id: TicketId, *, fee: Decimal) -> PaidTicket",
                "record the fee paid for a ticket",
                (),
            ),
            (
                "leave",
                "leave(ticket_id: TicketId) -> ClosedTicket",
                "free the spot of a paid ticket",
                ("TicketNotPaid",),
            ),
            (
                "free_spots",
                "free_spots(*, size: SpotSize | None = None) -> int",
                "count free spots, optionally of one size",
                (),
            ),
        ),
        {
            "Spot": Template(
                {"id": "int", "size": _enum("motorcycle|compact|large", "SpotSize")},
                states=("free", "occupied"),
                transitions={"free": ("occupied",), "occupied": ("free",)},
            ),
            "Vehicle": Template(
                {"plate": "str(16)", "size": _enum("motorcycle|compact|large", "SpotSize")},
                key=("plate",),
            ),
            "Ticket": Template(
                {
                    "id": "int",
                    "spot_id": "ref(Spot)",
                    "plate": "ref(Vehicle)",
                    "issued_at": "datetime",
                    "paid_at": _only_in("datetime", "paid", "closed"),
                    "fee": _only_in(_at_least("decimal", 0), "paid", "closed"),
                },
                states=("issued", "paid", "closed"),
                transitions={"issued": ("paid",), "paid": ("closed",)},
            ),
        },
        "free spots in one set per size (O(1) park and leave); tickets by id in a map",
        "park, pay and leave are O(1); a ticket's type says whether it is paid",
    ),
    Kit(
        r"call\s+cent(?:re|er)",
        "CallCentre",
        (
            (
                "dispatch",
                "dispatch(call_id: CallId) -> EmployeeId | None",
                "give a queued call to the first free employee of its rank",
                (),
            ),
            (
                "escalate",
                "escalate(call_id: CallId) -> Rank",
                "hand the call to the next rank up",
                ("CannotEscalate",),
            ),
            (
                "end_call",
                "end_call(call_id: CallId) -> None",
                "end the call; free its employee",
                (),
            ),
        ),
        {
            "Employee": Template(
                {
                    "id": "int",
                    "name": "str(100)",
                    "rank": _enum("respondent|manager|director", "Rank"),
                },
                states=("free", "busy"),
                transitions={"free": ("busy",), "busy": ("free",)},
            ),
            "Call": Template(
                {
                    "id": "int",
                    "caller": "str(100)",
                    "rank": _enum("respondent|manager|director", "Rank"),
                    "received_at": "datetime",
                    "employee_id": _only_in("ref(Employee)", "assigned"),
                },
                states=("queued", "assigned", "escalated", "ended"),
                transitions={
                    "queued": ("assigned", "ended"),
                    "assigned": ("escalated", "ended"),
                    "escalated": ("assigned", "ended"),
                },
            ),
        },
        "one FIFO queue (collections.deque) of waiting calls per rank; free employees per rank",
        "dispatch is O(1) per rank; escalation moves a call to the next rank's queue",
    ),
    Kit(
        r"deck\s+of\s+cards|\bcards?\b.*\bdeck\b|\bblackjack\b",
        "Deck",
        (
            (
                "shuffle",
                "shuffle(*, seed: int | None = None) -> None",
                "shuffle the remaining cards (seeded for tests)",
                (),
            ),
            (
                "deal",
                "deal(hand_id: HandId, *, count: int = 1) -> tuple[Card, ...]",
                "deal cards from the top into a hand",
                ("DeckEmpty",),
            ),
            ("score", "score(hand: Hand) -> int", "blackjack score of a hand", ()),
        ),
        {
            "Card": Template(
                {
                    "suit": _enum("clubs|diamonds|hearts|spades", "Suit"),
                    "rank": _enum(_RANKS, "Rank"),
                },
                key=("suit", "rank"),
            ),
            "Hand": Template({"id": "int"}),
        },
        "cards as frozen value objects (suit and rank enums); the deck a list popped from the end",
        "deal is O(1) per card; a card cannot hold a suit or rank outside the enums",
        relations={"Hand": (("Card", "one_to_many", None),)},
    ),
    Kit(
        r"hash\s*map|hash\s*table",
        "HashMap",
        (
            (
                "put",
                "put(key: K, value: V) -> None",
                "insert or replace; resize past the load factor",
                (),
            ),
            ("get", "get(key: K) -> V | None", "the value for a key, if present", ()),
            ("remove", "remove(key: K) -> bool", "remove a key; whether it was present", ()),
        ),
        {
            "HashMapConfig": Template(
                {"initial_capacity": _at_least("int", 1), "max_load_factor": "float"}, key=()
            )
        },
        "an array of buckets with separate chaining; doubling the array past the load factor",
        "put, get and remove are O(1) on average; resizing is amortised O(1)",
    ),
    Kit(
        r"\bchat\b",
        "ChatServer",
        (
            ("join", "join(user_id: UserId, room_id: RoomId) -> None", "add a user to a room", ()),
            (
                "send",
                "send(user_id: UserId, room_id: RoomId, body: str) -> Message",
                "append a message to a room's history",
                ("NotAMember",),
            ),
            (
                "history",
                "history(room_id: RoomId, *, limit: int = 50) -> Iterator[Message]",
                "a room's messages in order, newest last (a generator)",
                (),
            ),
        ),
        {
            "User": Template(
                {"id": "int", "name": "str(100)"},
                states=("online", "offline"),
                transitions={"online": ("offline",), "offline": ("online",)},
            ),
            "Room": Template({"id": "int", "name": "str(100)"}),
            "Message": Template(
                {
                    "id": "int",
                    "room_id": "ref(Room)",
                    "user_id": "ref(User)",
                    "body": "str(4000)",
                    "sent_at": "datetime",
                    "seq": _at_least("int", 0),
                }
            ),
        },
        "per room, an append-only list of messages numbered by a sequence; members in a set",
        "send is O(1); history reads in order without copying (a generator)",
    ),
    Kit(
        r"circular\s+buffer|ring\s+buffer",
        "CircularBuffer",
        (
            ("push", "push(item: T) -> None", "append; overwrite the oldest item when full", ()),
            ("pop", "pop() -> T", "remove and return the oldest item", ("BufferEmpty",)),
            ("peek", "peek() -> T | None", "the oldest item without removing it", ()),
        ),
        {
            "Buffer": Template(
                {"capacity": _at_least("int", 1), "size": _at_least("int", 0)},
                key=(),
                states=("empty", "partial", "full"),
                transitions={
                    "empty": ("partial", "full"),
                    "partial": ("partial", "full", "empty"),
                    "full": ("full", "partial", "empty"),
                },
            )
        },
        "a fixed list with head and size indices, wrapping modulo the capacity",
        "push, pop and peek are O(1) with no reallocation",
    ),
    Kit(
        r"\btrie\b|prefix\s+tree|autocomplete|auto-complete",
        "Trie",
        (
            ("insert", "insert(word: str) -> None", "add a word", ()),
            ("search", "search(word: str) -> bool", "exact match", ()),
            (
                "starts_with",
                "starts_with(prefix: str) -> Iterator[str]",
                "words with a prefix",
                (),
            ),
        ),
        {"TrieNode": Template({"prefix": "str(200)", "terminal": "bool"}, key=("prefix",))},
        "a trie of dict-children nodes; completions are yielded lazily (a generator)",
        "operations are O(length of the word), independent of the number of words",
    ),
)
