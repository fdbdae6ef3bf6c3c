"""Static media that must load fast worldwide is served through a CDN, whatever its egress:
the edge is there for the round trip to far readers, which no bandwidth sizing shows
(fresh12's recipe photos, 'Photos must load fast worldwide', came straight from the store)."""

from __future__ import annotations

import pytest

from archproof.frontends.draft import draft

RECIPES = (
    "Recipe website. 400k recipes; each recipe ~3 KB of text + 2 photos of ~1.5 MB. ~9M "
    "visitors/month, mostly reading. Search by ingredient or dish name: ~2.5M searches/day, "
    "peaking at 180/s on Sunday afternoons, results in < 300 ms. Members add ~1,500 "
    "recipes/wk, and a new recipe must be searchable within 10 min. Photos must load fast "
    "worldwide."
)
# the same in other words
TRAVEL = (
    "A travel blog: 50,000 posts, each with 5 photos of about 2 MB; about 300,000 visitors a "
    "month. The images should be served quickly to readers around the world."
)


@pytest.mark.parametrize("task", [RECIPES, TRAVEL])
def test_media_that_must_load_fast_worldwide_gets_a_cdn(task: str) -> None:
    kinds = {c.kind.value for c in draft(task).design.components}
    assert {"cdn", "object_store"} <= kinds


def test_without_the_far_readers_small_egress_gets_no_cdn() -> None:
    task = TRAVEL.replace(" to readers around the world", "")
    assert "cdn" not in {c.kind.value for c in draft(task).design.components}


# a record that carries media (a recipe with photos) is added as itself
DIY = (
    "A DIY projects site: 120k projects; each project has ~4 KB of instructions + 3 photos of "
    "~2 MB. Makers post ~800 projects a week; ~2M visitors/month."
)


@pytest.mark.parametrize(
    ("task", "op", "per_week"), [(RECIPES, "create_recipe", 1500), (DIY, "create_project", 800)]
)
def test_a_record_with_photos_is_created_as_itself(task: str, op: str, per_week: int) -> None:
    from archproof.passes.lower import lower

    design = draft(task).design
    assert op in [o.id for o in design.operations]
    assert abs(float(lower(design).rate(op).average) - per_week / 604_800) < 1e-9
