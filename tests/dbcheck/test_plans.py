"""Plan parsing on fixed EXPLAIN output (the engines' own plans are checked elsewhere)."""

from __future__ import annotations

from archproof.passes.dbcheck.plans import Access, postgres_plan, sqlite_plan


def test_sqlite_search_scan_and_sort() -> None:
    search = sqlite_plan([(3, 0, 0, "SEARCH Link USING INDEX ix_Link_owner (owner_id=?)")],
                         filtered=True)  # fmt: skip
    assert (search.access, search.index, search.sort) == (Access.INDEX, "ix_Link_owner", False)
    scan = sqlite_plan(
        [(2, 0, 0, "SCAN Link"), (9, 0, 0, "USE TEMP B-TREE FOR ORDER BY")], filtered=True
    )
    assert (scan.access, scan.index, scan.sort) == (Access.FULL_SCAN, None, True)
    assert scan.text == ("SCAN Link", "USE TEMP B-TREE FOR ORDER BY")
    pk = sqlite_plan([(2, 0, 0, "SEARCH t USING INDEX sqlite_autoindex_t_1 (a=?)")], filtered=True)
    assert pk.index == "primary key"
    # reading a whole index in order: an index plan only for a top-k with no filter
    ordered = [(2, 0, 0, "SCAN Post USING INDEX ix_Post_created_at")]
    assert sqlite_plan(ordered, filtered=False).access is Access.INDEX
    assert sqlite_plan(ordered, filtered=True).access is Access.FULL_SCAN


def _pg(plan: dict[str, object]) -> list[dict[str, object]]:
    return [{"Plan": plan}]


def test_postgres_seq_scan_counts_rows_removed() -> None:
    plan = postgres_plan(
        _pg({"Node Type": "Limit", "Actual Rows": 20, "Actual Loops": 1, "Plans": [
            {"Node Type": "Seq Scan", "Relation Name": "Link", "Actual Rows": 20,
             "Actual Loops": 1, "Rows Removed by Filter": 48_000, "Filter": "(owner_id = $1)"},
        ]}),
        filtered=True,
    )  # fmt: skip
    assert plan.access is Access.FULL_SCAN
    assert (plan.rows_examined, plan.rows_returned) == (48_020, 20)
    assert plan.text[1].startswith("  Seq Scan on Link [filter: (owner_id = $1)]")


def test_postgres_bitmap_scan_and_small_sort() -> None:
    plan = postgres_plan(
        _pg({"Node Type": "Sort", "Actual Rows": 5, "Actual Loops": 1, "Plans": [
            {"Node Type": "Bitmap Heap Scan", "Relation Name": "Follow", "Actual Rows": 5,
             "Actual Loops": 1, "Recheck Cond": "(followee_id = 7)", "Plans": [
                {"Node Type": "Bitmap Index Scan", "Index Name": "ix_Follow_followee",
                 "Actual Rows": 5, "Actual Loops": 1, "Index Cond": "(followee_id = 7)"},
            ]},
        ]}),
        filtered=True,
    )  # fmt: skip
    assert (plan.access, plan.index, plan.sort, plan.sort_rows) == (
        Access.INDEX, "ix_Follow_followee", True, 5,
    )  # fmt: skip
    assert plan.rows_examined == 5  # the heap scan, not the bitmap as well


def test_postgres_index_scan_without_condition_is_a_full_scan_when_filtering() -> None:
    node = {"Node Type": "Index Scan", "Index Name": "ix_t_b", "Relation Name": "t",
            "Actual Rows": 20, "Actual Loops": 1, "Filter": "(a = 1)",
            "Rows Removed by Filter": 900}  # fmt: skip
    assert postgres_plan(_pg(node), filtered=True).access is Access.FULL_SCAN
    assert postgres_plan(_pg(node), filtered=False).access is Access.INDEX
