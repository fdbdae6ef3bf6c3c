"""What kind of task this is (system or coding) and which building blocks it asks for.

Detection is by keywords, deliberately: it is predictable, explainable (each pattern
records the words that triggered it) and fast. The primary pattern is the one whose
keyword appears first in the task, since tasks name their main job first ("Design a
URL shortener that also tracks click analytics").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archproof.frontends.draft.derive import PATTERN_SUBJECTS
from archproof.frontends.draft.fleet import reporting_fleet
from archproof.frontends.draft.lexicon import CURRENCY_SIGNS, CURRENCY_WORDS
from archproof.frontends.draft.quantities import Reading
from archproof.frontends.draft.text import singular
from archproof.frontends.draft.things import main_thing, thing_counted

# Who follows people, not things: a feed's follows ("follow other users", "follow creators").
_PEOPLE = (
    r"users?|people|persons?|accounts?|friends?|creators?|authors?|artists?|celebrit\w+"
    r"|others?|them|him|her|me|us|you|influencers?|members?|each"
)
# The thing followed, its noun the group: "fans follow live games", "following that game".
FOLLOWED = (
    # "a flight-following app" follows flights, not the app
    r"(?<!-)\b(?:follow(?:s|ed|ing)?|subscrib\w*\s+to)\s+(?:(?:that|the|this|each|every|a|an|their"
    rf"|its|live|\d+)\s+)*(?!(?:{_PEOPLE})\b)([a-z]+)\b"
)

# Pattern id → (description, trigger regex). Order breaks ties at the same position.
PATTERNS: dict[str, tuple[str, str]] = {
    "id_generator": (
        "unique ID generation: time-ordered IDs from stateless generators with leased "
        "worker ids (Snowflake)",
        # "unique 64-bit IDs", "unique numeric identifiers"
        r"unique\s+(?:[\w-]+\s+){0,2}(?:ids?|identifiers?)\b|\bids?\s+generat"
        r"|generat\w*\s+(?:of\s+)?unique"
        r"|snowflake|unique\s+(?:\w+\s+)?numbers?\b",
    ),
    "otp": (
        "one-time passcodes (login and verification codes by SMS or email, 2FA): a code's "
        "keyed hash with its expiry and tries, sent by workers through the provider",
        r"\bone[- ]time\s+(?:pass\s?codes?|passwords?|codes?|pins?)\b|\botps?\b|\b2fa\b"
        r"|\btwo[- ]factor\b|\bmfa\b|\bmulti[- ]factor\b|\bpass\s?codes?\b|\bmagic\s+links?\b"
        r"|\b(?:log[- ]?in|sign[- ]?in|verification|confirmation|security|sms|e-?mail|\d+[- ]digit)"
        r"\s+(?:log[- ]?in\s+|verification\s+)?codes?\b",
    ),
    "deploy": (
        "build and release (CI/CD): commits queued for build workers, artifacts in an object "
        "store, releases rolled out in waves by a rollout worker and rolled back on errors",
        # a system that builds or deploys, not a service that is deployed ("we deploy our
        # API on Kubernetes") nor a press release
        r"\b(?:deploy(?:ment)?|release|build|ci|cd)\s+(?:system|pipeline|platform|service"
        r"|tool(?:ing)?|orchestrat\w*)\b|\bci\s*/\s*cd\b|\bcontinuous\s+(?:integration"
        r"|delivery|deployment)\b|\b(?:canary|blue[- ]green|staged|phased)\s+(?:releases?"
        r"|deploy\w*|rollouts?)\b|\b(?:releases?|deploys?|deployments?|rollouts?|roll(?:s|ed|ing)?"
        r"\s+out)\s+in\s+(?:waves|stages|phases|batches)\b",
    ),
    "signalling": (
        "real-time call signalling (WebRTC, video and voice calls, meetings): signalling "
        "servers relay offers and answers within a call, calls and participants in a store, "
        "media through an SFU/TURN",
        # calls people hold, not a video that is uploaded or streamed, nor a recording
        r"\bwebrtc\b|\b(?:call|video|voice)\s+signall?ing\b|\bsignall?ing\s+(?:servers?"
        r"|service|system)\b|\b(?:video|voice|audio|group|conference|1:1|one[- ]to[- ]one)"
        r"\s+calls?\b(?!\s+(?:recordings?|transcripts?))|\bvideo\s+(?:conferenc\w*|meetings?"
        r"|chats?)\b|\b(?:like|as)\s+(?:zoom|facetime|google\s+meet)\b|\bzoom[- ]like\b"
        r"|\bzoom\s+(?:competitor|clone|alternative)\b"
        r"|\bmeetings?\b[^.]{0,80}\bparticipants?\b",
    ),
    "scheduler": (
        "job scheduler: due runs enqueued by a scheduler, executed at least once by workers",
        r"(?:job|task)\s+scheduler|schedul\w*\s+(?:[\d.,]+\s+)?(?:\w+\s+){0,2}(?:jobs|tasks)\b"
        r"|batch\s+tasks|cron[- ]style|\b(?:job|task)\s+queue|runs?\s+[\d.,]+\s+(?:\w+\s+){0,2}"
        r"(?:jobs|tasks)\b",
    ),
    "aggregation": (
        "event aggregation (ad clicks, impressions): a stream of events, windowed counts by "
        "aggregation workers, raw events archived",
        r"\bad\s+clicks?|click\s+(?:event\s+)?aggregat|\bimpressions?\b|click[- ]through"
        # counting a stream of events: "view counter", "count views", "counts per video"
        r"|\b[a-z]+\s+counters?\b|(?<!\bthe\s)\bcount(?:s|ing)?\s+(?:the\s+)?(?!as\b)[a-z]+s\b|\bcounts?\s+per\b"
        # distinct things counted ("counts unique visitors per page", "distinct viewers")
        r"|\b(?:unique|distinct)\s+(?:visitors?|users?|viewers?|devices?|listeners?|ips?)\b"
        # votes cast to be counted: results, totals or a winner come of them
        r"|\bvot(?:e|es|ing)\b(?=[^\n]{0,300}?\b(?:results?|tall(?:y|ies)|totals?|winners?"
        r"|counted)\b)",
    ),
    "finance": (
        "account aggregation: scheduled sync from bank APIs, categorization, budgets, alerts",
        r"personal\s+finance|finance\s+aggregat|\bmint\b|budget(?:ing)?\s+app"
        r"|bank\s+(?:accounts?|apis?|integrations?)|(?:from|with)\s+(?:the\s+)?banks\b",
    ),
    "graph": (
        "social-graph search: adjacency lists sharded by person, BFS by a lookup service",
        r"social[- ]graph|shortest\s+path|people\s+you\s+may\s+know|how\s+are\s+two\s+\w+"
        r"\s+connected|degrees?\s+of\s+separation|friends?\s+of\s+friends?"
        # "how many hops between A and B over the follower graph", "the distance in the
        # friendship graph between two members"
        r"|\b(?:follower|following|friend(?:ship)?|connection|social)s?\s+graph\b"
        r"|\bhops?\s+(?:between|from|away)\b",
    ),
    "webhooks": (
        "webhook delivery: events POSTed to the endpoints subscribers register, at least "
        "once, by background workers with backoff over a retry horizon",
        # our outgoing webhooks, not a provider's that we receive ("the PSP notifies us of
        # outcomes (webhooks)"): delivered, sent, registered, or offered to subscribers
        r"\bweb\s?hooks?\s+(?:deliver\w*|dispatch\w*|sender|service|platform|system)"
        # sent by us or by the system drafted, not by a provider ("Stripe sends us webhooks")
        r"|(?:\b(?:we|our\s+\w+|(?:system|service|platform|app|backend|tool)\s+(?:that|which))"
        r"\s+(?:will\s+|must\s+|should\s+|can\s+|need\s+to\s+|want\s+to\s+)?|(?:^|[.:!?\n]\s*"
        r"|\bto\s+))(?:reliably\s+)?(?:deliver|send|dispatch|fire|emit|push)\w*\s+(?:out\s+)?"
        r"(?:\w+\s+){0,2}?web\s?hooks?\b"
        r"|\bweb\s?hooks?\s+(?:to|for)\s+(?:\w+\s+){0,2}(?:merchants?|customers?|subscribers?"
        r"|clients?|developers?|partners?|integrations?|apps?|tenants?)\b"
        r"|[- ]style\s+web\s?hooks?|\boutgoing\s+web\s?hooks?"
        r"|\b(?:register|subscrib)\w*\s+(?:\w+\s+){0,3}(?:web\s?hooks?|callback\s+urls?)\b"
        # endpoints registered to be sent events, not ones we check ("customers register
        # 400k HTTP endpoints and each endpoint is checked every 60 seconds")
        r"|\b(?:register|subscrib)\w*\s+(?:\w+\s+){0,3}(?:https?\s+)?endpoints?\b"
        r"(?=[^\n]{0,400}?\b(?:deliver\w*|events?\s+(?:go|goes|are\s+sent|is\s+sent)\b))",
    ),
    "matching": (
        "order matching: an in-memory matching engine per instrument, journaled",
        r"matching\s+engine|order\s+books?|stock\s+exchange|crypto\s+exchange|trading\s+pairs?",
    ),
    "collab": (
        "collaborative editing: sessions per document, an operation log, OT/CRDT merge",
        r"collaborative|google\s+docs|co-?edit|whiteboard|edit\s+(?:one|the\s+same)\s+document",
    ),
    "auction": (
        "auctions: a bid accepted only if it beats the current price (one conditional update "
        "of the auction), auctions closed at their end by a worker",
        # auctions people bid in, not "auction-style pricing" alone: bids or a winner
        r"\bauctions?\b(?=[^\n]*?\b(?:bid\w*|highest|winners?|wins?)\b)"
        r"|\b(?:place|places|placing)\s+(?:\w+\s+){0,2}bids?\b|\bhighest\s+bid(?:der)?s?\b",
    ),
    "booking": (
        "booking: inventory held then sold by conditional updates, never twice; a waiting "
        "room for on-sale rushes",
        r"ticketmaster|ticket(?:ing)?\s+(?:booking|sales?|system)|\bseats?\b.*\b(?:held|hold|"
        r"sold|book)|hotel\s+(?:reservation|booking)|reservation\s+system|double\s+booking"
        r"|book(?:ing)?\s+(?:seats?|rooms?|tickets?)|\btables?\s+(?:bookings?|reservations?)"
        # seats that run out: a seat count never exceeded, a waitlist when full
        r"|\bseat\s+counts?\b|\bseats?\b[^.]{0,200}\bwait\s?lists?\b"
        # a room, table or seat reserved, said without 'booking' ("Guests reserve rooms at
        # 20,000 partner hotels", "Diners reserve a table")
        r"|\breserv(?:e|es|ed|ing)\s+(?:a\s+|an\s+|the\s+|their\s+)?(?:\w+\s+)?"
        r"(?:rooms?|tables?|seats?|tickets?|beds?|cabins?|berths?)\b",
    ),
    "file_sync": (
        "file sync: content-addressed chunks in an object store, file versions in a "
        "database, a change feed per device",
        r"dropbox|google\s+drive|onedrive|file\s+sync|sync\s+tool|sync(?:s|ed)?\s+to\s+(?:the\s+)?"
        r"other\s+devices"
        # said in other words: a person's files or folder kept the same on all their devices
        # ("a person's work folder to look the same on every computer and phone they own")
        r"|\b(?:files?|folders?|documents?|directory|directories)\b[^.:;]{0,40}?\b(?:the\s+same"
        r"|identical|in\s+sync|mirrored)\s+(?:on|across)\s+(?:every|all|each)\s+(?:of\s+)?"
        r"(?:(?:their|your|my|his|her|our)\s+)?(?:devices?|computers?|machines?|phones?"
        r"|laptops?|tablets?|pcs?)\b",
    ),
    "proximity": (
        "proximity search: places indexed by geohash, nearby cells read in one query",
        r"\byelp\b|nearby\s+(?:places|businesses|restaurants|shops|stores)|proximity\s+(?:search|"
        r"service)|points?\s+of\s+interest|places\s+near",
    ),
    "webapp": (
        "scaling a web app in stages: stateless web tier, static content on a CDN, read "
        "replicas, cache and shards as the numbers call for them",
        r"single[- ]server\s+web|scal(?:e|es|ing)\s+(?:it|our|the|a|this)\b[^.]{0,40}"
        r"\b(?:web\s?app|site|users)|scales?\s+from\s+(?:one|1|a\s+single)\s+user"
        r"|walk\s+us\s+through\s+scaling|\bscale\s+our\b",
    ),
    "cache_service": (
        "distributed cache: consistent hashing over cache nodes, LRU, TTL, memory budget",
        r"(?:key[- ]value|distributed|query|in-memory)\s+cache\b|\bcache\s+for\b"
        r"|memcached",
    ),
    "kv_store": (
        "key-value store: partitioned, replicated keys with expiry",
        r"key[- ]value\s+(?:store|database)|\bkv\s+store",
    ),
    "stream_rules": (
        "stream matcher: a stream of events checked against stored rules (alerts, "
        "thresholds), the rules that fire notified",
        # alerts that fire when something crosses a stored threshold
        r"\b(?:\w+\s+)?alerts?\b(?=[^\n]{0,300}?\b(?:thresholds?|cross(?:es|ing)?|drops?\s+"
        r"below|rises?\s+above|goes\s+(?:above|below)|fires?)\b)|\bnotify\s+(?:me|them|users?|"
        r"people)\s+when\b",
    ),
    "match_state": (
        "session-state servers (a multiplayer game's match servers, live rooms): each server "
        "owns whole sessions in memory, clients send their inputs to the one that owns theirs",
        # the servers that run sessions, not a matchmaker that forms them
        r"\b(?:servers?|hosts?)\s+(?:that|which)\s+owns?\s+(?:the|a|each|every|its|their)\s+"
        r"(?:match|game|room|session)\b|\b(?:match|game)[- ](?:state\s+)?servers?\b"
        r"|\b(?:game|match|world)\s+state\b|\btick[- ]rate\b|\bauthoritative\s+(?:game\s+)?"
        r"servers?\b|\b(?:runs?|hosts?|simulates?)\s+the\s+(?:matches|games)\b",
    ),
    "waiting_pool": (
        "waiting pool / matchmaker: requests wait until a group of compatible ones forms",
        r"\bmatch\s?mak\w+|\blobb(?:y|ies)\b|\b(?:a|each|every|one)\s+(?:match|game|team|party)"
        r"\s+(?:needs|takes|has|of)\s+\d+|\bwait\w*\b[^.]{0,40}\bfor\s+(?:a|an)\s+(?:match|"
        r"game|opponent|partner|group)\b",
    ),
    "poller": (
        "periodic poller: many external sources each polled on a period; a scheduler "
        "enqueues the due ones, fetch workers poll them and store what is new",
        r"\b(?:poll(?:ed|s|ing)?|re-?fetch(?:ed)?|checked|pinged|probed)\b[^.]{0,40}\bevery\b"
        # a poll, not "the pollution charts" after "every 60 seconds"
        r"|\bevery\s+[\w.]+\s+(?:seconds?|minutes?|mins?|hours?)\b[^.]{0,30}"
        r"\bpoll(?:s|ed|ing|ers?)?\b"
        r"|\brss\b|\batom\s+feeds?|\b(?:feed|news|rss)\s+readers?\b|\bpodcast\s+(?:app|player)",
    ),
    "crawler": (
        "web crawler: URL frontier, polite fetch workers, page bodies in an object store",
        r"\bcrawl|\bweb\s+spider|\bscraper\b"
        # a crawler described, not named: "visits pages across the public web"
        # ("downloads pages from across the internet", "goes through pages on the open web")
        r"|\b(?:visit|fetch|download|retriev|scan|go(?:es)?\s+through|walk\w*\s+through)\w*\s+"
        r"(?:\w+\s+){0,3}?(?:web\s?)?(?:pages|sites|websites)\s+(?:(?:across|on|from|of|over"
        r"|throughout)\s+){1,2}(?:the\s+|all\s+(?:of\s+)?the\s+)?(?:public\s+|whole\s+|open"
        r"\s+|entire\s+)?(?:web|internet)\b",
    ),
    "ranking": (
        "top-k / rankings: batch aggregation over event logs, or a live sorted set",
        r"\branks?\b|\brankings?\b|\btop[- ]?k\b|\btop\s+(?:\d+|ten|twenty|fifty|hundred)\b"
        r"|trending|leader[- ]?board|best[- ]?sellers?|most\s+(?:played|popular|viewed|sold)"
        r"|\bstandings\b|\bleague\s+tables?\b",
    ),
    "shortener": (
        "URL shortener / paste bin: create a key, resolve it (read-heavy lookup)",
        r"url[- ]?shorten|shorten(?:er|ing)?\s+(?:urls?|links?)"
        r"|(?:short|tiny)\s+(?:urls?|links?|codes?)"
        # described, not named: "swaps long web addresses for tiny codes"
        r"|\blong\s+(?:web\s+)?(?:addresses|urls|links)\b[^.]{0,40}\b(?:codes?|keys?|aliases)\b"
        r"|tiny\s?url|bit\.ly|pastebin|paste\s?bin|\bpastes?\b",
    ),
    "live_captures": (
        "live sessions whose clients send captures on a timer (webcam snapshots in a "
        "proctored exam): captures to an object store, checked by workers off a queue",
        r"\b(?:webcams?|cameras?)\b[^.\n]{0,60}\b(?:snapshots?|screenshots?|frames?|photos?"
        r"|images?)\b[^.\n]{0,30}\bevery\b",
    ),
    "rentals": (
        "shared vehicles rented on the spot (bike-share docks, e-scooters): an unlock holds "
        "one vehicle for one rider by a conditional update, a return frees it, docks or "
        "vehicles report their state on a timer",
        # a car shared on the street, not a car rental company's branches (a booking)
        r"\b(?:e-?)?(?:bikes?|bicycles?|cycles?|scooters?|mopeds?)[- ]?(?:shar(?:e|ing)"
        r"|hire|rentals?)\b|\bcars?[- ]?shar(?:e|ing)\b|\bdocking\s+stations?\b"
        r"|\bunlock\w*\s+(?:(?:a|the|their|his|her|one)\s+)?(?:e-?)?(?:bikes?|bicycles?|scooters?|mopeds?)\b|\b(?:hire|rent)s?\s+(?:a|the)"
        r"\s+(?:e-?)?(?:bikes?|bicycles?|scooters?|mopeds?)\b",
    ),
    "donations": (
        "donations (a charity's donation page, a fundraiser, pledges): each donation charged "
        "once through the card provider, a running total kept by a worker for viewers",
        r"\bdonat(?:e|es|ed|ing|ions?|ors?)\b|\bfund[- ]?rais\w*|\btelethons?\b"
        # money pledged, not a pledge of privacy
        r"|\bpledg(?:e|es|ed|ing)\b(?=[^\n]{0,300}?\b(?:money|cards?|amounts?|raised|totals?"
        r"|donat\w*|charit\w*)\b)",
    ),
    "transit_fares": (
        "transit fares (a travel card tapped at gates, readers, validators): the gate decides "
        "by itself, taps are uploaded to a queue and workers price and charge each trip once",
        r"\b(?:travel|transit|metro|subway|fare|smart|transport|stored[- ]value)\s+cards?\b"
        r"|\b(?:fare|ticket)\s+(?:gates?|barriers?|validators?|collection)\b|\bturnstiles?\b"
        r"|\btap(?:s|ped|ping)?\b[^.\n]{0,60}\b(?:on|at)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}"
        r"(?:gates?|readers?|validators?|barriers?)\b|\btap[- ](?:ins?|outs?)\b",
    ),
    # a periodic computation of a plan over everything (routes for vans, a rota), named
    # as such: "a planner", "a route planner", "route optimisation"
    "planner": (
        "planner: on a period a scheduled job reads the current states and computes a plan "
        "(routes, a rota) within a deadline",
        r"\b(?:route|routing|rota|roster|shift|fleet|swap|delivery|dispatch)?\s*planners?\b"
        r"|\b(?:route|routing|rota|roster|shift|delivery)\s+(?:planning|optimi[sz](?:ation|er))\b",
    ),
    "bill_run": (
        "bill run: once a period a scheduled job prices every account's usage by its tariff "
        "and writes its bill, within the window the task gives",
        r"\b(?:bill|billing|invoice|invoicing)\s+runs?\b|\b(?:hourly|daily|weekly|monthly"
        r"|yearly|annual(?:ly)?)\s+(?:bills|invoices|billing|invoicing)\b|\bbilling\s+cycles?\b",
    ),
    "payments": (
        "transactional payments: idempotent, fail-closed money movement",
        r"\bpayments?\b|\bpay\b|\bpays\b|checkout|\brefunds?\b|\bwallet"
        r"|money|\bfares?\b|\binvoice|stripe"
        # a person charged is money taken ("a customer must never be charged twice")
        r"|\b(?:customers?|buyers?|shoppers?|riders?|guests?|passengers?|patients?|members?)"
        r"\s+(?:\w+\s+){0,3}charged\b",
    ),
    "points": (
        "loyalty points (miles, credits, rewards): an append-only ledger of earns and "
        "redemptions with a balance per member, redeemed never below zero",
        # points people earn and spend, not data points a sensor collects nor the credits a
        # student earns for a course (credits only where they are redeemed or spent)
        r"\bloyalty\b|\bfrequent[- ]flyer\b|\b(?:reward|bonus|loyalty)\s+points?\b"
        r"|\b(?:earn|redeem|collect)\w*\s+(?:(?!data\b)\w+\s+){0,2}?(?:points?|miles)\b"
        r"|\bredeem\w*\s+(?:\w+\s+){0,2}?credits?\b"
        r"|\bstore\s+credits?\b|\bin[- ]game\s+(?:credits?|coins?|currenc\w*)\b",
    ),
    "message_queue": (
        "message queue / log (Kafka-like): publishes appended to a partitioned, replicated "
        "log; every consumer group fetches every message from its own offset",
        # the system to build, not a chat ("messaging app") nor a queue another system uses
        # (kept only as the main job: see PRIMARY_ONLY)
        r"\bmessage\s+(?:queues?|brokers?|bus(?:es)?)\b|\bpub\s?/\s?sub\b|\bpub[- ]sub\b"
        r"|\bpublish[-/ ]subscribe\b|\blike\s+(?:apache\s+)?kafka\b|\bkafka[- ](?:like|style"
        r"|clone)\b|\bevent[- ]streaming\s+platform\b|\b(?:distributed|replicated|partitioned"
        r"|append[- ]only)\s+(?:commit\s+)?logs?\b(?!\s+lines?)",
    ),
    "live_updates": (
        "live updates pushed to the followers of a thing (a game's score, a flight's "
        "position): updates taken in and kept, fanned out by workers to the followers' open "
        "connections, the live state read from a cache",
        # a thing followed (not people: a feed), whose updates must reach its followers
        FOLLOWED + r"(?=[^\n]*?\b(?:updates?|tall(?:y|ies)|scores?|positions?)\b[^.\n]{0,160}?"
        r"\b(?:reach\w*|push\w*|sent\s+to|delivered\s+to)\s+(?:\w+\s+){0,4}?(?:every\w*|all"
        r"|followers?|fans?|subscribers?)\b)",
    ),
    "messaging": (
        "real-time messaging: persist, then deliver to connected clients",
        # a text message is an SMS (notifications), not a conversation
        r"\bchat|(?<!\btext\s)messag|whatsapp|slack|messenger|instant\s+messag|websocket"
        r"|real[- ]?time\s+"
        r"(?:chat|messag|communication)",
    ),
    "feed": (
        "fan-out feed: posts fanned out to followers' timelines in the background",
        r"news\s?feed|\bfeeds?\b|timeline|followers?|\bfollows?\b|twitter|social\s+"
        r"network|\btweets?\b",
    ),
    "media": (
        "file/media pipeline: direct upload to object storage, processing in background jobs",
        r"\bupload|\bphotos?\b|\bimages?\b|\bvideos?\b|\bmedia\b|youtube|dropbox|thumbnail"
        r"|transcod|\bfiles?\b|file[- ]shar|google\s+drive|netflix|twitch"
        # video streaming, not an event / data / log stream
        r"|(?<!event\s)(?<!events\s)(?<!data\s)(?<!log\s)\bstream(?:ed|s|ing)?\b",
    ),
    "search": (
        "search / autocomplete: a derived index fed in the background",
        # not the people who own it ("our search team needs a program that visits pages")
        r"\bsearch(?!\s+(?:team|group|engineers?|department|org)\b)|autocomplete|auto-complete"
        r"|typeahead|type-ahead|full[- ]text|suggestions?\b"
        # a typeahead described: "show the 8 most likely completions as a shopper types"
        r"|\bcompletions?\b",
    ),
    "rides": (
        "ride sharing / location: frequent location updates, nearby matching",
        r"ride[- ]?shar|ride[- ]?hail|\buber\b|\blyft\b|\briders?\b|nearby|"
        # couriers on the road report where they are; "a courier" is also the business that
        # ships parcels ("Parcel tracking for a courier": scans, not rides)
        r"geospatial|\blocations?\b|\bgps\b|\bcouriers\b|food\s+delivery"
        # a driver alone is anyone at a wheel ("Driver pay in the app" at a parking garage):
        # drivers who take trips, riders or deliveries
        r"|\bdrivers?\b(?=[^\n]{0,300}?\b(?:passengers?|trips?|rides?|fares?|dispatch\w*"
        r"|pick(?:\s|-)?ups?|deliver\w*)\b)|\b(?:passengers?|trips?|rides?)\b(?=[^\n]{0,300}?"
        r"\bdrivers?\b)",
    ),
    "rate_limit": (
        "rate limiting: a shared counter checked on every request",
        r"rate[- ]?limit|throttl|\bquotas?\b|token\s+bucket|leaky\s+bucket|sliding\s+window"
        # described, not named: a caller's allowance of calls, or what a caller may make in a
        # window ("may make at most 600 calls a minute"), not what a site may receive
        r"|\ballowances?\b(?=[^.\n]{0,200}\b(?:calls?|requests?)\b)"
        r"|\b(?:calls?|requests?)\b[^.\n]{0,200}\ballowances?\b"
        r"|\b(?:may|can|could)\s+(?:make|send|issue|place)\s+(?:at\s+most|no\s+more\s+than"
        r"|up\s+to)\s+[\w.,]+\s+(?:\w+\s+)?(?:calls|requests)\s+(?:a|an|per|each)\s+"
        r"(?:second|minute|hour|day)\b"
        r"|\b(?:is|are)\s+allowed\s+(?:at\s+most|no\s+more\s+than|up\s+to)\s+[\w.,]+\s+"
        r"(?:\w+\s+)?(?:calls|requests)\s+(?:a|an|per|each)\s+(?:second|minute|hour|day)\b",
    ),
    "notifications": (
        "notifications: send through providers from background jobs",
        r"notif|\bemails?\b|\bsms\b|\btext\s+messages?\b|push\s+(?:messages?|notifications?"
        r"|vendor|provider)"
        r"|\breminders?\b",
    ),
    "analytics": (
        "analytics events: high-volume, not time-sensitive; event hub + batch aggregation",
        r"analytic|clickstream|click\s+tracking|tracking\s+events|\bmetrics?\b|telemetry"
        r"|dashboards?|statistic|\bstats\b|\bevents?\s+(?:per|a|each)\b|\bingest|\biot\b"
        r"|sensor|\blog\s+lines?\b|\blogging\b|\blog\s+(?:aggregation|management|pipeline)",
    ),
    "auth": (
        "authentication: sign-up and log-in, critical and fail-closed",
        r"\blog[- ]?in\b|\blogins?\b|\bsign[- ]?in\b|password|\bsessions?\b"
        # an account's sign-up, not signing up for a course, an event or a newsletter
        r"|(?<!course\s)(?<!class\s)(?<!event\s)(?<!newsletter\s)\bsign[- ]?ups?\b"
        # (a sign-up for something else than an account or the product is a registration:
        # "Swim-lesson sign-up for a city", "sign up for a course")
        r"(?!\s+(?:for|to)\s+(?!(?:a\s+|an\s+|the\s+|our\s+|your\s+)?(?:new\s+|free\s+)?"
        r"(?:accounts?|apps?|services?|sites?|websites?|platforms?|products?|free|it|them)\b))"
        # "sign-up opens at 9:00": a registration window, not accounts
        r"(?!\s+(?:opens?|closes?|windows?|periods?|deadlines?)\b)"
        # authentication, authorization, authn; not the authors of a blog
        r"|\bauth(?!or(?:s|'s|ed|ing|ship)?\b)|oauth|\bsso\b|user\s+accounts?",
    ),
    "batch": (
        "scheduled/batch jobs: periodic work off the request path",
        r"nightly|\bbatch|scheduled|\bcron\b|every\s+night|periodic|reconcil|\bexports?\b"
        # a report produced on a schedule or by the system, not a document people read or
        # file ("patients view their lab reports", "employees file expense reports")
        r"|\b(?:daily|weekly|monthly|quarterly|yearly|annual|hourly|end[- ]of[- ]day)\s+reports?"
        r"|\b(?:generat|produc|compil|build|run)\w*\s+(?:\w+\s+){0,2}reports?\b"
        r"|\breport\s+generation\b|\breports?\s+(?:are|is)\s+(?:generated|produced|built)"
        # work done on a calendar: "timetables are generated twice a year by a solver job"
        r"|\b(?:generated|computed|recomputed|rebuilt|built)\s+(?:once|twice|thrice|every|each"
        r"|daily|weekly|monthly|yearly|nightly|hourly)\b",
    ),
    "crud": (
        "generic create/read of the main entity (read-heavy lookup)",
        r"\bcrud\b|\bcatalog|\bprofiles?\b|\blookup|key[- ]value|\binventory|\bbookings?\b"
        # "orders", not "delivered in order" / "price-time order"
        r"|reservations?|\borders\b|(?:an?|the|new|place|places|placing|customer|purchase)"
        r"\s+order\b|\border\s+(?:history|status|management|service|system)\b"
        r"|\bproducts?\b|\btickets?\b",
    ),
}

# Words that call a block only when the task also speaks of money: a patient's transfer, a
# battery's charge, a ledger of loyalty points or a utility's billing run are not card
# payments (fresh9's hospital beds were drafted as payments for "admission, discharge,
# transfer"). Pattern id → (the words, the money that must be beside them).
MONEY_WORDS: dict[str, tuple[str, str]] = {
    "payments": (
        r"billing|\bcharge[sd]?\b|\bledger|\btransfers?\b",
        "["
        + "".join(sorted(CURRENCY_SIGNS))
        + "]|\\b(?:"
        + "|".join(sorted(CURRENCY_WORDS))
        + r"|cards?|banks?|funds?|prices?|fees?|paid|pay(?:s|ing|ments?|outs?|able)?|money"
        r"|currenc\w*|subscriptions?)\b",
    ),
}

# Money that names what something costs us, spent by us ("the thing that eats our money is
# swapping batteries", "costs us a lot of money"): nothing is charged, so it makes no
# "charge" a payment (fresh12's scooter battery swaps were drafted as card payments).
_COST = re.compile(
    r"\b(?:eat|eats|ate|eating|cost|costs|costing|spend|spends|spent|spending|waste|wastes"
    r"|wasted|wasting|lose|loses|lost|losing|burn|burns|burned|burnt|burning|save|saves|saved"
    r"|saving)\s+(?:\w+\s+){0,4}?money\b",
    re.IGNORECASE,
)

# A main block that does the job another block would otherwise do: the other is dropped
# when the first is primary ("impressions ... for billing" is not a payment flow).
ABSORBS: dict[str, frozenset[str]] = {
    "id_generator": frozenset({"crud"}),
    # the commits and artifacts are its own (not a CRUD over commits nor media uploads),
    # the rollout its own schedule
    "deploy": frozenset({"crud", "media", "batch", "scheduler"}),
    # a call's video goes through the SFU, not an upload pipeline
    "signalling": frozenset({"crud", "media"}),
    "scheduler": frozenset({"batch", "crud"}),
    "aggregation": frozenset({"analytics", "batch", "payments", "crud", "media"}),
    "finance": frozenset({"crud", "payments", "batch"}),
    "graph": frozenset({"feed", "search", "crud"}),
    "matching": frozenset({"crud"}),
    "collab": frozenset({"crud"}),
    "cache_service": frozenset({"crud", "search"}),
    "booking": frozenset({"crud", "search"}),
    # the bids and auctions are its own rows, the closing its own job
    "auction": frozenset({"crud", "batch", "scheduler"}),
    "webapp": frozenset({"crud", "media"}),
    "proximity": frozenset({"crud", "rides", "search"}),
    "file_sync": frozenset({"crud", "media"}),
    "kv_store": frozenset({"crud", "auth"}),
    # a board's lookups are its rank reads ("Position lookups ~3k/s"), not a CRUD of its own
    "ranking": frozenset({"feed", "crud"}),
    # a typeahead's "most popular completions" are its precomputed suggestions, not a
    # leaderboard (only as the main job: a ranking with a search box keeps its ranking)
    "search": frozenset({"ranking", "crud"}),
    "poller": frozenset({"feed", "crud", "batch"}),
    "stream_rules": frozenset({"crud", "payments"}),
    "waiting_pool": frozenset({"crud"}),
    # the captures are its media, the sessions its own rows
    "live_captures": frozenset({"crud", "media"}),
    # the run is the task's batch work
    "bill_run": frozenset({"batch"}),
    # the followers are a thing's (a game's), not a feed's; the pushes are its own delivery,
    # and a fleet of things reporting on a timer (flights) is its stream of updates
    "live_updates": frozenset({"feed", "crud", "messaging", "notifications", "telemetry"}),
    # a match's saved stats are its result, not an analytics stream
    "match_state": frozenset({"crud", "analytics"}),
    "telemetry": frozenset({"crud", "analytics", "batch"}),
    # the events delivered are the task's events (not analytics, counts or a payment flow:
    # "Webhook delivery for our payments API"), and a webhook is the notification
    "webhooks": frozenset({"crud", "analytics", "aggregation", "payments", "notifications"}),
    # the code's own sender ("by text message"), login and per-destination limit; only as
    # the main job ("a banking app with SMS 2FA" keeps its log-in)
    "otp": frozenset({"crud", "notifications", "auth", "rate_limit", "messaging"}),
    # the messages are the queue's ("messag" is chat's word too), and its streams, events,
    # jobs and consumers are the log's, not media, analytics, batch work or notifications
    # the purchases that earn points are the till's (not a crud over them nor a payment)
    "points": frozenset({"crud", "payments"}),
    # the riders' unlocks are rentals, not ride hailing; the docks' reports its own
    "rentals": frozenset({"rides", "crud", "telemetry", "booking", "analytics"}),
    # the donation is the payment, named for it
    "donations": frozenset({"payments", "crud"}),
    # the taps and trips are its own, the card's balance not a card payment
    "transit_fares": frozenset({"crud", "payments", "rides", "telemetry", "analytics"}),
    "message_queue": frozenset(
        {"messaging", "crud", "analytics", "batch", "media", "notifications", "scheduler"}
    ),
}

# Absorbers that drop the others only as the main job ("trending hashtags" is a ranking,
# but a timeline that also shows trends keeps its feed).
PRIMARY_ONLY_ABSORBS = frozenset({"ranking", "poller", "stream_rules", "otp", "search"})

# Blocks that are a system to build only as the main job: a message queue named later is
# another system's plumbing ("fetched URLs go through a message queue"), not a second job.
PRIMARY_ONLY = frozenset({"message_queue"})

# Patterns that only support the main job unless nothing else matched.
SUPPORTING = frozenset({"auth", "notifications", "batch", "rate_limit", "analytics", "search"})

_CODING = re.compile(
    r"\bimplement\b|\bwrite\s+(?:a|an)\s+(?:\w+\s+){0,3}(?:class|function|library|module|"
    r"program|script|method)|\bfunction\b|\balgorithm\b|"
    # a code class, not a school's ("6,000 class sections", "class schedules")
    r"\bclass\b(?!\s+(?:sections?|schedules?|rooms?|sizes?|rosters?|lists?|times?|periods?"
    r"|registrations?|enrol+ments?)\b)|"
    # a code library, not a lending one ("a city library network with 40 branches")
    r"\blibrary\b(?![^.]{0,80}\b(?:branch\w*|books?|members?|loans?|borrow\w*|lend\w*))|"
    r"\bdata\s+structure\b|\bin\s+(?:python|java|go|rust|c\+\+|typescript)\b|\bmethods?\b|"
    r"\bO\(1\)|\bO\(log|\bunit\s+tests?\b|\bleetcode\b|\binterface\b",
    re.IGNORECASE,
)
_SYSTEM = re.compile(
    r"\bdesign\s+(?:a|an|the|our)\s+(?:\w+\s+){0,3}(?:system|service|platform|app|application|backend"
    r"|website|site|api)\b|\bdistributed\b|\bscal(?:e|able|ing)\b|\bdau\b|\bmau\b|\busers\b"
    r"|\brps\b|\bqps\b|per\s+(?:second|minute|hour|day|week|month)|\bat\s+peak\b"
    r"|availability|\bservers?\b"
    r"|\bmicroservices?\b|\bdatabase\b|\blatency\b|\bp9\d(?:\.9+)?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PatternMatch:
    """A building block the task asks for, with the words that triggered it."""

    id: str
    description: str
    trigger: str
    position: int


@dataclass(frozen=True)
class Classification:
    """Task kind and the detected building blocks (primary first)."""

    kind: str  # "system" or "coding"
    kind_reason: str
    patterns: tuple[PatternMatch, ...]

    @property
    def primary(self) -> str:
        return self.patterns[0].id if self.patterns else "crud"

    def has(self, pattern: str) -> bool:
        return any(p.id == pattern for p in self.patterns)


# Device telemetry is read from the task's numbers (`fleet.reporting_fleet`), not a word.
TELEMETRY = (
    "device telemetry: a fleet of devices reporting on a period; an ingest service, a stream "
    "of readings, writers batching them into a store of readings, and the reads on them"
)


def classify(text: str, reading: Reading | None = None) -> Classification:
    """Kind (system/coding) and patterns of a normalized task text (with its numbers, when
    read, for the blocks the numbers call for)."""
    found: list[PatternMatch] = []
    costs = [m.span() for m in _COST.finditer(text)]
    for pid, (description, regex) in PATTERNS.items():
        matches = [
            m
            for m in re.finditer(regex, text, re.IGNORECASE)
            if not any(start <= m.start() < end for start, end in costs)
        ]
        if not matches and pid in MONEY_WORDS:
            # "billing", "charge", "transfer": payments' only when money is paid (MONEY_WORDS)
            words, money = MONEY_WORDS[pid]
            if re.search(money, _COST.sub(" ", text), re.IGNORECASE):
                matches = list(re.finditer(words, text, re.IGNORECASE))
        asked = _asked_for(text, matches)
        if asked:
            found.append(PatternMatch(pid, description, asked[0].group(0), asked[0].start()))
    found = _bills_are_no_payments(text, found)
    fleet = reporting_fleet(reading) if reading is not None else None
    if fleet is not None:
        trigger = f"{fleet.devices.describe()}, {fleet.said.describe()}"
        found.append(PatternMatch("telemetry", TELEMETRY, trigger, fleet.devices.start))
    order = [*PATTERNS, "telemetry"]
    main = [p for p in found if p.id not in SUPPORTING]
    support = [p for p in found if p.id in SUPPORTING]
    main.sort(key=lambda p: (p.position, order.index(p.id)))
    main = _head_first(text, main)
    support.sort(key=lambda p: (p.position, order.index(p.id)))
    # A supporting block is the main job when it comes first, before any other block:
    # "Design a notification service", "Design a rate limiter", "Design search autocomplete".
    if support and (not main or support[0].position < main[0].position - 25):
        lead = support[0]
        patterns = [lead, *main, *support[1:]]
        if not main and not _opens(text, lead) and not _asked(text, lead):
            # "Build a calendar service like Google Calendar … Reminders go out …": a
            # supporting block the task only reaches later serves the generic one
            crud = PatternMatch("crud", PATTERNS["crud"][0], _first_sentence(text), 0)
            patterns = [crud, *support]
    else:
        patterns = [*main, *support]
    patterns = [p for i, p in enumerate(patterns) if i == 0 or p.id not in PRIMARY_ONLY]
    absorbed: set[str] = set()
    for index, found_block in enumerate(patterns):
        if index == 0 or found_block.id not in PRIMARY_ONLY_ABSORBS:
            absorbed |= ABSORBS.get(found_block.id, frozenset())
    patterns = [p for p in patterns if p.id not in absorbed]
    if reading is not None:
        patterns = _thing_first(text, reading, patterns)
    kind, reason = _kind(text)
    return Classification(kind=kind, kind_reason=reason, patterns=tuple(patterns))


# A block the task puts out of scope: "the backend that runs the matches, not matchmaking",
# at the start of a clause (not a requirement in the negative: "must not charge twice").
# "no need for a feed", "we don't need search" alike.
_NOT_BEFORE = re.compile(
    r"(?:^|[,;:(]|\b(?:and|but))\s*(?:not|no\s+need\s+for|(?:we\s+)?(?:do|does)\s*(?:n't|not)"
    r"\s+need)\s+(?:(?:the|a|an|any|our)\s+)?$"
)
# ... or says is done already: "matchmaking, that part is done", "checkout already exists".
_DONE_AFTER = re.compile(
    r"^\w*(?:\s+(?:part|side|piece|bit|component|service|system))?(?:,?\s+(?:that|this|which"
    r"|it)(?:\s+(?:part|side|piece|bit))?)?(?:\s+(?:is|are|'s)\s+(?:already\s+)?(?:done|built"
    r"|finished|handled|solved|covered|in\s+place|out\s+of\s+scope)|\s+already\s+(?:exists?"
    r"|done|built|handled|in\s+place|works?))\b"
    # done by someone we call is still ours to call ("Payment is done by external provider")
    r"(?!\s+(?:by|through|via|with|using|in|on|at|when|after|before|once)\b)"
)


def _asked_for(text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The mentions that ask for a block. A block is dropped only when every mention of it
    is ruled out (`_ruled_out`): "not the payments, that part is done ... buy coins with
    payments" still asks for payments (one ruled-out mention once dropped the block). After
    a ruling, only the same words ask again: the block's other cues read in its light ("not
    matchmaking, that part is done ... Each match has 16 players" is a match's size, not a
    matchmaker's)."""
    ruled = [m for m in matches if _ruled_out(text, m)]
    asked = [m for m in matches if m not in ruled]
    if not ruled:
        return asked
    said = {word for m in ruled for word in _words(m.group(0))}
    return [m for m in asked if _words(m.group(0)) & said]


def _words(phrase: str) -> set[str]:
    """A mention's content words, singular ("the payments" → {"payment"})."""
    return {singular(w) for w in re.findall(r"[a-z]{4,}", phrase.lower())}


def _ruled_out(text: str, match: re.Match[str]) -> bool:
    """The task says the block is not wanted here: not asked for, or done already."""
    before = text[max(0, match.start() - 30) : match.start()].lower()
    after = text[match.end() : match.end() + 60].lower()
    return _NOT_BEFORE.search(before) is not None or _DONE_AFTER.match(after) is not None


# Words of the payments block that name making bills, not moving money.
_BILLING_WORDS = ("billing", "invoice")


def _bills_are_no_payments(text: str, found: list[PatternMatch]) -> list[PatternMatch]:
    """A task with a bill run whose only payment words are billing's ("Smart-meter
    billing ... the bill run over all meters") makes bills: nothing in it charges, pays or
    refunds, so no payment flow is drafted for it."""
    if not any(p.id == "bill_run" for p in found):
        return found
    words = [m.group(0).lower() for m in re.finditer(PATTERNS["payments"][1], text, re.I)]
    if all(w.startswith(_BILLING_WORDS) for w in words):
        return [p for p in found if p.id != "payments"]
    return found


def _thing_first(text: str, reading: Reading, patterns: list[PatternMatch]) -> list[PatternMatch]:
    """The generic block leads when the thing the task's busiest stated rate counts
    (`things.main_thing`) is the word that called it, the task states its volume (an
    average, not only a peak) and the block ahead of it has no such thing of its own: "a
    food delivery startup … customers place about 600,000 orders a day" is about orders
    (the couriers' rides block, whose things are rides and deliveries, still drafts the
    couriers), so the orders carry the main load and its stated peak."""
    generic = next((p for p in patterns if p.id == "crud"), None)
    if generic is None or patterns[0] is generic:
        return patterns
    thing = main_thing(reading, text)
    if thing is None or thing in PATTERN_SUBJECTS.get(patterns[0].id, frozenset()):
        return patterns
    # its volume, not only a busy hour's figure ("Orders peak at 300 per minute" beside
    # couriers pinging GPS: the couriers stay the main job)
    if not any(
        q.unit == "count" and q.period and not q.peak and thing_counted(q.subject) == thing
        for q in reading.placed
    ):
        return patterns
    if thing not in {singular(w) for w in re.findall(r"[a-z]+", generic.trigger.lower())}:
        return patterns
    return [generic, *(p for p in patterns if p is not generic)]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?:])\s|\n", text.strip(), maxsplit=1)[0]


def _opens(text: str, block: PatternMatch) -> bool:
    """The block is named in the task's first sentence ("Design a notification service",
    "SMS login codes."), where a task says what the system is."""
    return block.position < len(_first_sentence(text)) + (len(text) - len(text.lstrip()))


# A sentence that says what is to be built: "We need a shared gatekeeper that ...".
_ASKING = re.compile(
    r"(?:(?:so\s+)?(?:we|i)\s+(?:(?:really\s+)?(?:need|want)|are\s+looking\s+for|would\s+like)"
    r"|(?:please\s+)?(?:design|build|create|make)|the\s+(?:task|job|goal)\s+is)\b",
    re.IGNORECASE,
)


def _asked(text: str, block: PatternMatch) -> bool:
    """The block is matched in the sentence that says what to build, though not the first
    one ("Our public interface is used by 40,000 partners. We need a shared gatekeeper ...:
    has this partner used up its allowance yet?"): it is what the task asks for."""
    start = max(text.rfind(end, 0, block.position) for end in (". ", "? ", "! ", "\n")) + 1
    return _ASKING.match(text[start:].lstrip()) is not None


# What ends a task's opening noun phrase: punctuation, or a word that starts a clause.
_PHRASE_END = re.compile(
    r"[.,:;!?()\n]|\s(?:that|which|who|where|with|for|like|to|and|or|so|but|in|on|at|of|is|"
    # "a one-time passcode sent by text message" is a passcode: "by"/"via" start a modifier
    r"are|should|must|will|can|by|via)\s",
    re.IGNORECASE,
)


def _head_first(text: str, main: list[PatternMatch]) -> list[PatternMatch]:
    """In English the last noun of a phrase is its head and the words before it modify it:
    a "video view counter" is a counter, "stock price alerts" are alerts. When several
    blocks match inside the phrase that opens with the first match, the one matched
    furthest into the phrase (its head) is the main job."""
    if len(main) < 2:
        return main
    first = main[0]
    end = _PHRASE_END.search(text, first.position + len(first.trigger))
    limit = end.start() if end else len(text)
    inside = [p for p in main if p.position < limit and p.position + len(p.trigger) <= limit]
    if len(inside) < 2:
        return main
    head = max(inside, key=lambda p: p.position + len(p.trigger))
    return [head, *(p for p in main if p is not head)]


def _kind(text: str) -> tuple[str, str]:
    coding = list(_CODING.finditer(text))
    system = list(_SYSTEM.finditer(text))
    if coding and len(coding) >= len(system):
        words = ", ".join(sorted({m.group(0).lower() for m in coding})[:3])
        return "coding", f"coding words ({words}) outweigh system-scale words"
    if system:
        return "system", "system-scale words (" + system[0].group(0).lower() + ")"
    return "system", "no coding words (class, function, implement): a system design"
