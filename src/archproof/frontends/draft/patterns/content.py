"""Content blocks: the fan-out feed and the file/media pipeline."""

from __future__ import annotations

import re
from fractions import Fraction

from archproof.frontends.draft.builder import Ctx
from archproof.frontends.draft.patterns.common import carries_main_load, primary_rates
from archproof.frontends.draft.plan import CallSpec, OpSpec
from archproof.frontends.draft.sizing import per_s
from archproof.frontends.draft.text import quote, singular
from archproof.model import Principle
from archproof.numbers import sig
from archproof.units import Count, Size

# Above this many followers an account's posts are merged at read time (assumed: the
# classic hybrid fan-out threshold is in the tens of thousands).
CELEBRITY_FOLLOWERS = Fraction(10_000)


def feed(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = primary_rates(ctx, "feed")
    for name in ("Post", "Follow", "FeedItem"):
        ctx.entity(name)
    queue = ctx.queue("fanout_queue", "new posts to copy into followers' feeds")
    post = ctx.op(
        OpSpec(
            id="create_post",
            description="POST /posts: publish a post; followers' feeds are updated later",
            pattern="feed",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client-generated post id (insert is a no-op on retry)",
            calls=ctx.front(
                "create_post",
                [
                    ctx.db("write", "insert the post"),
                    ctx.enqueue(
                        queue,
                        "fan-out to followers is slow "
                        "(one row per follower) and runs as a background job",
                        on_failure="fail_open",
                        fallback="the post is saved; a periodic job re-enqueues posts "
                        "whose fan-out did not run",
                    ),
                ],
            ),
            keywords=("post", "publish", "tweet", "write"),
        )
    )
    worker = ctx.comp("worker")
    worker.work.setdefault("fan_out", {"lognormal": {"p50": "1ms", "p99": "10ms"}})
    worker.work_notes.setdefault("fan_out", "build the followers' feed entries in memory")
    ctx.job(
        "fan_out_post",
        queue,
        "fan_out",
        [
            ctx.db("read", "the author's followers (Follow by followee_id)"),
            ctx.db("write", "one multi-row insert of FeedItem rows (batched per 1,000 followers)"),
        ],
        description="Copy a new post into each follower's feed (fan-out on write)",
        pattern="feed",
        idempotency_key="(user_id, post_id) is the FeedItem key: a rerun inserts nothing new",
    )
    get_feed = ctx.op(
        OpSpec(
            id="get_feed",
            description="GET /feed: the newest posts of the people a user follows",
            pattern="feed",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(
                "get_feed",
                [
                    ctx.db("read", "FeedItem range by user_id, newest first (one page)"),
                    ctx.db("read", "the page's posts by id, in one query"),
                ],
            ),
            keywords=("feed", "timeline", "read", "load", "view"),
        )
    )
    ctx.access("FeedItem", "feed_of_user", "range", ("user_id",), "created_at", get_feed.id)
    # The first page of a home timeline is the hot read: compose puts it behind the cache
    # when the read load needs one (cache sparingly), like any hot lookup.
    ctx.lookups.append((get_feed.id, "FeedItem"))
    ctx.access("Post", "post_by_id", "lookup", ("id",), None, get_feed.id)
    ctx.access("Follow", "followers_of", "lookup", ("followee_id",), None, "fan_out_post")
    ctx.primary_write = ctx.primary_write or post.id
    ctx.primary_read = ctx.primary_read or get_feed.id
    ctx.notify_sources.append(post.id)
    ctx.use_cases += ["Publish a post", "Read a feed of followed users' posts, newest first"]
    largest = ctx.load.extracted.first("followers_max")
    if largest is None:
        ctx.ledger.ask(
            "How many followers do the largest accounts have? (celebrity posts are "
            "better merged at read time than fanned out)"
        )
    else:
        ctx.decide(
            "feed-large-accounts",
            "Large accounts are not fanned out",
            f"posts of accounts above {Count(CELEBRITY_FOLLOWERS)} followers (assumed "
            "threshold) are merged into their followers' feeds at read time; everyone "
            "else's are copied into feeds on write",
            Principle.EV,
            f'the task says "{largest.quote}": one such post fanned out on write is '
            f"{Count(largest.value)} feed rows, minutes of a worker's time and a burst on "
            "the database, for a post most followers never scroll to",
            get_feed.id,
        )
        ctx.ledger.ask(
            f"Above how many followers is an account merged at read time? (assumed "
            f"{Count(CELEBRITY_FOLLOWERS)})"
        )
    ctx.ledger.ask("Is the feed strictly chronological or ranked?")


def media(ctx: Ctx) -> None:
    writes, reads, wnote, rnote = primary_rates(ctx, "media")
    segments, snote = reads, rnote
    watched = _video_load(ctx)
    if watched is not None:
        (writes, wnote), (reads, rnote), (segments, snote) = watched
        # a download is one segment, not the whole file: egress per request is its share
        ctx.download_share = (
            Fraction(SEGMENT_S, AVG_VIDEO_S),
            f"a {SEGMENT_S}-second segment of a {AVG_VIDEO_S // 60}-minute",
        )
    thing = _uploaded_thing(ctx)
    ctx.comp("blobs")
    ctx.entity("Media")
    ctx.entity("MediaObject").stored_in = "blobs"
    variants = _renditions(ctx)
    queue = ctx.queue("media_queue", "uploaded files to process (thumbnails, transcoding)")
    video = ctx.mentions(r"video|transcod|stream")
    request = ctx.op(
        OpSpec(
            id="request_upload",
            description="POST /uploads: create the media record and return a presigned URL",
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="client-generated upload id (insert is a no-op on retry)",
            calls=ctx.front("request_upload", [ctx.db("write", "insert Media(status=uploading)")]),
            keywords=("upload",),
        )
    )
    ctx.op(
        OpSpec(
            id="upload_bytes",
            description="The client PUTs the file straight to the object store (presigned)",
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            sync=True,
            calls=[
                CallSpec(
                    "blobs.put",
                    idempotent=True,
                    rationale="same key on retry: the object is simply overwritten",
                )
            ],
            keywords=("upload",),
        )
    )
    # a record that carries files ("each recipe ~3 KB of text + 2 photos") is added as itself
    # once its files are up: the write people make is named for it (add a recipe)
    complete = f"create_{thing}" if _carries_media(ctx, thing) else "complete_upload"
    ctx.op(
        OpSpec(
            id=complete,
            description=(
                f"POST /{thing}s: store the {thing} with its uploaded files, mark them "
                "uploaded and queue processing"
                if complete != "complete_upload"
                else "POST /uploads/{id}/complete: mark uploaded and queue processing"
            ),
            pattern="media",
            rate=writes,
            rate_note=wnote,
            reads=False,
            idempotency_key="media id (status moves uploading → uploaded once)",
            calls=ctx.front(
                complete,
                [
                    ctx.db("write", "status → uploaded"),
                    ctx.enqueue(
                        queue,
                        "processing takes seconds to minutes; it runs as a background job",
                    ),
                ],
            ),
        )
    )
    processing: dict[str, object] = (
        {"lognormal": {"p50": "30s", "p99": "5min"}}
        if video
        else {"lognormal": {"p50": "500ms", "p99": "5s"}}
    )
    worker = ctx.comp("worker")
    worker.work[f"process_{thing}"] = processing
    worker.work_notes[f"process_{thing}"] = (
        "transcoding a short video (assumed)" if video else "resizing an image to 3 sizes (assumed)"
    )
    ctx.job(
        f"process_{thing}",
        queue,
        f"process_{thing}",
        [
            CallSpec("blobs.get", idempotent=True),
            CallSpec(
                "blobs.put",
                idempotent=True,
                rationale="variants under derived keys"
                + (f" (one per rendition, {variants})" if variants else ""),
                times=variants or None,
            ),
            ctx.db("write", "status → ready (or failed, for a retry)"),
        ],
        description="Make thumbnails/renditions of an uploaded file",
        pattern="media",
        idempotency_key="media id: variants are written under deterministic keys",
    )
    get = ctx.op(
        OpSpec(
            id=f"get_{thing}",
            description="GET /media/{id}: metadata and a (signed) download URL",
            pattern="media",
            rate=reads,
            rate_note=rnote,
            calls=ctx.front(f"get_{thing}", [ctx.db("read", "point lookup by primary key")]),
            keywords=("view", "get", "load", "read"),
        )
    )
    ctx.op(
        OpSpec(
            id=f"download_{thing}",
            description="The client downloads the bytes from the object store"
            + (" (video: one request per segment)" if watched is not None else ""),
            pattern="media",
            rate=segments,
            rate_note=snote,
            calls=[CallSpec("blobs.get", idempotent=True)],
            keywords=("download", "view", "stream", "watch"),
        )
    )
    ctx.access("Media", "media_by_id", "lookup", ("id",), None, get.id)
    ctx.access("Media", "media_by_owner", "range", ("owner_id",), "created_at", None)
    if ctx.download_share is None:
        ctx.access(
            "MediaObject", "object_by_key", "lookup", ("object_key",), None, f"download_{thing}"
        )
    else:
        # a streaming request returns a segment, not the file: the egress is the segments'
        segment = ctx.entity("Segment")
        segment.stored_in, segment.per_write = "blobs", 0
        ctx.access("MediaObject", "object_by_key", "lookup", ("object_key",), None, None)
        ctx.access(
            "Segment", "segment_by_key", "lookup", ("object_key",), None, f"download_{thing}"
        )
    ctx.lookups.append((get.id, "Media"))
    ctx.primary_write = ctx.primary_write or request.id
    ctx.primary_read = ctx.primary_read or get.id
    ctx.notify_sources.append(f"process_{thing}")
    ctx.decide(
        "media-direct-upload",
        "Uploads go straight to the object store",
        "presigned PUT URLs; the API only writes metadata",
        Principle.OP,
        "streaming file bytes through the API would hold an API worker for the whole upload",
        "blobs",
    )
    ctx.use_cases += [
        "Upload a file",
        "Process uploads (thumbnails/renditions)",
        "View or download a file",
    ]
    ctx.ledger.ask("Maximum file size and accepted types? (sizes the object store and workers)")
    ctx.ledger.ask("Are files private (signed URLs) or public? Is moderation needed?")


# The lexicon's words for files (photo, video, upload, …) all say "media"; a figure about
# something else uploaded ("40,000 reports a day, each a PDF") names the operations.
_GENERIC = frozenset({"media", "write", "read", "request", "update", "event", "item"})


def _uploaded_thing(ctx: Ctx) -> str:
    """What the files are, for the operations' names: the main write's subject when this
    block carries it and the task calls the files something of their own ("reports",
    "scans"), else media."""
    fig = ctx.load.write_figure
    if fig is None or not carries_main_load(ctx, "media"):
        return "media"
    thing = fig.subject or ""
    return thing if thing.isalpha() and thing not in _GENERIC else "media"


# Files a record can carry, counted per record ("2 photos" per recipe).
_MEDIA_NOUNS = frozenset({"photo", "image", "picture", "video", "clip", "file", "attachment"})


def _carries_media(ctx: Ctx, thing: str) -> bool:
    """The task counts files per `thing` ("each recipe ... 2 photos"): a thing is a record
    with files attached, not a file itself."""
    return thing != "media" and any(
        q.unit == "count"
        and q.per is not None
        and singular(q.per.split()[-1].lower()) == thing
        and q.subject
        and singular(q.subject.split()[-1].lower()) in _MEDIA_NOUNS
        for q in ctx.load.extracted.reading.placed
    )


# "transcoded into 3 resolutions", "4 bitrates", "stored in 5 formats": copies per upload
_VARIANTS = frozenset({"resolution", "rendition", "bitrate", "format"})
_MADE_INTO = re.compile(r"\b(?:transcod|encod|convert|re-?encod|render|stored|kept)\w*", re.I)


def _renditions(ctx: Ctx) -> int | None:
    """The renditions the task says each upload is made into, as stored objects (entity
    `Rendition`, `per_write` of them per upload): a stated size for one ("renditions of
    about 60 MB each") sizes them, else the storage decision assumes one and says so."""
    placed = ctx.load.extracted.reading.placed
    count = next(
        (
            q
            for q in placed
            if q.unit == "count"
            and q.subject
            and singular(q.subject.split()[-1].lower()) in _VARIANTS
            and 1 <= q.value <= 100
            and q.value.denominator == 1
            # "in any of 5 formats (JPEG, PNG, ...)": what uploads come in, not made into
            and (
                singular(q.subject.split()[-1].lower()) != "format" or _MADE_INTO.search(q.sentence)
            )
        ),
        None,
    )
    if count is None:
        return None
    variant = ctx.entity("Rendition")
    variant.stored_in = "blobs"
    variant.per_write = int(count.value)
    variant.growth_note = f'{variant.per_write} per upload: "{count.describe()}"'
    size = next(
        (
            q
            for q in placed
            if q.unit == "bytes"
            and q.sentence == count.sentence
            and q.start > count.start
            and any(singular(w) in _VARIANTS for w in q.subject.lower().split())
        ),
        None,
    )
    if size is not None:
        variant.row_size = str(Size(size.value))
        # quoted from the count on ("4 renditions of about 60 MB"), not "60 MB (rendition
        # size)": the words the task says it with
        said = quote(ctx.text[count.start : size.end])
        variant.row_size_note = f'from the task: "{said}"'
        ctx.ledger.extracted("rendition size", variant.row_size, said)
        if ctx.load.item_size == size.value:
            ctx.load.item_size = None  # a rendition's size, not the original's
    return variant.per_write


AVG_VIDEO_S = 600  # average video length (assumed) to turn hours into videos
SEGMENT_S = 6  # seconds of video per streamed segment (HLS/DASH)

Rated = tuple[Fraction, str]


def _video_load(ctx: Ctx) -> tuple[Rated, Rated, Rated] | None:
    """Video volumes in hours ("500 hours uploaded every minute", "1 billion hours watched
    a day") or concurrent viewers ("120k concurrent viewers at peak") as requests: uploads
    of 10-minute videos (assumed), views of them, and one segment request per 6 s watched.
    None when the task states neither."""
    placed = ctx.load.extracted.reading.placed
    volumes = [q for q in placed if q.unit == "seconds" and q.role == "volume" and q.per_second]
    uploaded = next(
        (
            q
            for q in volumes
            if re.search(r"upload", q.sentence, re.I)
            and not re.search(r"watch|view", q.subject, re.I)
        ),
        None,
    )
    watched = next(
        (
            q
            for q in volumes
            if re.search(
                r"watch|view|stream",
                q.subject + " " + q.sentence[q.sentence.lower().find(q.text.lower()) :],
                re.I,
            )
            and q is not uploaded
        ),
        None,
    )
    concurrent = ctx.load.concurrent
    if uploaded is None and watched is None and concurrent is None:
        return None
    peak = ctx.load.peak_factor
    if watched is not None and watched.per_second is not None:
        seconds = watched.per_second
        how = f'"{watched.describe()}"'
    elif concurrent is not None:
        seconds = concurrent / peak  # viewers at peak, each watching a second per second
        how = (
            f"{float(concurrent):,.0f} concurrent viewers at peak ÷ peak factor {sig(float(peak))}"
        )
    elif uploaded is not None and uploaded.per_second is not None:
        # only the uploads stated ("500 hours uploaded every minute"): views are uploads ×
        # the reads per write, in seconds watched (they once fell back to an assumed DAU)
        seconds = uploaded.per_second * ctx.load.ratio
        how = f'"{uploaded.describe()}" × {sig(float(ctx.load.ratio))} views per upload'
    else:
        return None
    views = seconds / AVG_VIDEO_S
    segments = seconds / SEGMENT_S
    if uploaded is not None and uploaded.per_second is not None:
        uploads = uploaded.per_second / AVG_VIDEO_S
        up_note = f'"{uploaded.describe()}" ÷ {AVG_VIDEO_S // 60}-minute videos (assumed)'
    else:
        uploads = views / 1000
        up_note = "one upload per 1,000 views (assumed)"
    views_note = f"{how} ÷ {AVG_VIDEO_S // 60}-minute views (assumed)"
    segments_note = f"{how} ÷ {SEGMENT_S}-second segments"
    if carries_main_load(ctx, "media"):
        _video_rows(ctx, (uploads, up_note), (views, views_note), (segments, segments_note))
        if watched is not None or concurrent is not None:  # views stated, not by the ratio
            ctx.ledger.withdraw(
                "reads per write", "read-write-ratio", "What is the read:write ratio?"
            )
    ctx.ledger.assume_entry(
        "video-length",
        f"an average video lasts {AVG_VIDEO_S // 60} minutes and streams in "
        f"{SEGMENT_S}-second segments",
        "assumed: turns hours of video into uploads, views and segment requests",
    )
    return (uploads, up_note), (views, views_note), (segments, segments_note)


def _video_rows(ctx: Ctx, uploads: Rated, views: Rated, segments: Rated) -> None:
    """The requirements list the video load the operations carry, in place of the generic
    load it replaced (an assumed DAU × requests split by a ratio, that no operation
    carries)."""
    ctx.ledger.withdraw("reads", "reads-derived")
    ctx.ledger.withdraw("writes", "writes-derived")
    ctx.ledger.withdraw(
        "requests", "requests-per-dau", "How many requests does an active user make"
    )
    if len(ctx.classification.patterns) == 1:  # no other block sizes by the DAU
        ctx.ledger.withdraw("daily active users", "dau", "How many daily active users")
        if not any(r.name == "daily active users" for r in ctx.ledger.requirements):
            ctx.load.dau = None  # assumed, not stated: the YAML and the report drop it too
    for name, (value, how) in (
        ("uploads", uploads),
        ("views", views),
        ("segment requests", segments),
    ):
        ctx.ledger.derived(name, per_s(float(value)), how)
