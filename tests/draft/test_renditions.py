"""A video's renditions are stored too: "each upload transcoded into 3 resolutions" sized the
object store by the originals only. Each rendition is sized (a stated size, else an
assumed one, said as such) and counted in the storage figure, the same in the summary,
the YAML and the report's storage table. Expected figures written before the code ran."""

from __future__ import annotations

import re

import pytest

from archproof.backends.report import render_markdown
from archproof.frontends.draft import draft
from archproof.pipeline import run

TASK = (
    "Design a video sharing service like YouTube: 500 hours of video uploaded every minute, "
    "the average video is 300 MB, each upload transcoded into 3 resolutions, 1 billion hours "
    "watched a day."
)
# 500 h a minute of 10-minute videos (assumed): 50 uploads/s; 5 years (assumed): 157.68M s


def _row(markdown: str, entity: str) -> list[str]:
    line = next(x for x in markdown.splitlines() if x.startswith(f"| {entity} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_renditions_are_sized_and_counted_in_the_storage() -> None:
    drafted = draft(TASK)
    rows = {r.name: r for r in drafted.requirements}
    # no size per rendition stated: assumed, and said so
    assert rows["rendition size"].source == "assumed"
    assert rows["rendition size"].value == "150MB"
    # originals 300 MB + 3 × 150 MB renditions, per upload, over 5 years: 5.91 EB
    stored = rows["object storage"]
    assert stored.source == "derived"
    assert stored.value == "5910PB"
    assert "3 renditions" in stored.evidence
    assert str(drafted.design.requirements.data.total) == "5910PB"
    markdown = render_markdown(run(drafted.design))
    original, rendition = _row(markdown, "MediaObject"), _row(markdown, "Rendition")
    assert original[2] == "7.88B"  # one object per upload: 50/s × 157.68M s
    assert original[4] == "2,365 PB"
    assert rendition[2] == "23.7B"  # 3 per upload
    assert rendition[4] == "3,548 PB"  # × 150 MB
    figures = dict(drafted.figures)
    assert figures["MediaObject objects (5 years)"] == "2,365PB"
    assert figures["Rendition objects (5 years)"] == "3,548PB"
    total = re.search(r"\| \*\*Total\*\* \| ([^|]+) \|", markdown)
    assert total is not None and total.group(1).strip() == "5,913 PB"


def test_a_stated_rendition_size_is_used() -> None:
    drafted = draft(
        "Design a video platform: 500 hours of video uploaded every minute, the average video "
        "is 300 MB, each upload is transcoded into 4 renditions of about 60 MB each."
    )
    rows = {r.name: r for r in drafted.requirements}
    assert rows["rendition size"].source == "extracted"
    assert rows["rendition size"].value == "60MB"
    assert rows["item size"].value == "300MB"  # the original's size stays the original's
    # 50/s × (300 MB + 4 × 60 MB) × 5 years = 4.26 EB
    assert rows["object storage"].value == "4260PB"


@pytest.mark.parametrize("word", ["renditions", "bitrates", "formats"])
def test_any_word_for_renditions_sizes_them(word: str) -> None:
    drafted = draft(
        "Design a video sharing service: 500 hours of video uploaded every minute, the "
        f"average video is 300 MB, each upload transcoded into 3 {word}."
    )
    assert any(e.id == "Rendition" for e in drafted.design.entities)


def test_the_video_load_replaces_the_generic_load_in_the_requirements() -> None:
    """'500 hours uploaded every minute, 1 billion hours watched a day' sized the operations
    (50 uploads/s, 20.8M segment requests/s at peak) while the requirements listed an assumed
    10k DAU, 100k requests a day, 1.15 reads/s and 41.3 writes/h that no operation carried."""
    drafted = draft(
        "Design YouTube. 500 hours of video are uploaded every minute and 1 billion hours are "
        "watched per day. Videos are transcoded into 5 resolutions."
    )
    rows = {r.name: r for r in drafted.requirements}
    for stale in ("daily active users", "requests", "reads", "writes", "reads per write"):
        assert stale not in rows, stale
    assert rows["uploads"].source == "derived" and rows["uploads"].value == "50/s"
    assert rows["views"].source == "derived"
    assert rows["segment requests"].source == "derived"
    assert not any(q.startswith("How many daily active users") for q in drafted.open_questions)
    assert "daily_active_users" not in drafted.yaml  # the report's facts printed "10k" from it
    assert not any(q.startswith("What is the read:write ratio?") for q in drafted.open_questions)


def test_the_reports_egress_is_the_segments_not_whole_files() -> None:
    """A video download is one 6-second segment of a 10-minute video; the report's egress
    counted the whole file per segment request (30,000 PB a day for YouTube). 1 billion
    hours a day in 6-second segments of a 300 MB video: 6.94M/s × 3 MB × 86,400 s."""
    drafted = draft(TASK)
    markdown = render_markdown(run(drafted.design))
    egress = re.search(r"\| \*\*Egress per day\*\* \| ([^|]+) \|", markdown)
    assert egress is not None and egress.group(1).strip() == "1,800 PB"
    cdn = drafted.decision("cdn")
    assert cdn is not None
    assert "× 3MB, a 6-second segment of a 10-minute 300MB video" in cdn.because


def test_the_object_storage_row_writes_uploads_as_the_requirements_do() -> None:
    """tasks.yaml photos-words: 'media writes 0.5/h' beside 'object storage: 0.000139/s
    uploads × 2MB × 5 years', one rate in two spellings."""
    drafted = draft(
        "A photo gallery for a camera club: a few hundred members, a dozen uploads a day, "
        "each picture around eight megabytes, kept forever."
    )
    rows = {r.name: r for r in drafted.requirements}
    assert rows["object storage"].evidence.startswith("0.5/h uploads × ")


def test_formats_a_file_is_accepted_in_are_no_renditions() -> None:
    """'formats' counts renditions when the upload is made into them (transcoded, encoded,
    converted), not the formats uploads may come in."""
    drafted = draft(
        "Design a photo sharing app: users upload 1M photos a day, in any of 5 formats "
        "(JPEG, PNG, HEIC, GIF, WebP)."
    )
    assert not any(e.id == "Rendition" for e in drafted.design.entities)
