"""RequestPager against a list-backed fake of document 001's paging: edges, filter, memory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tillui.api.models import Entity, Pagination, RetroRequest, RetroRequestPage
from tillui.claims.request_pager import RequestPager, describe, empty_message

FIXTURES = Path(__file__).parent / "fixtures"
TILL = Entity(id=7, code="t1", name="Till 1", type="TILL")
NEWEST = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def make_requests(statuses: Sequence[str]) -> list[RetroRequest]:
    """Newest first, like the server: request n is n hours older than request 0."""
    return [
        RetroRequest(
            id=1000 + n,
            status=status,
            added_by=TILL,
            added_on=NEWEST - timedelta(hours=n),
            user_id=5,
            request_id=9000 + n,
            transaction_id=7000 + n,
        )
        for n, status in enumerate(statuses)
    ]


class FakeServer:
    """Answers (offset, limit) the way document 001 does, and counts the calls."""

    def __init__(self, requests: list[RetroRequest]) -> None:
        self.requests = requests
        self.calls: list[tuple[int, int]] = []

    async def __call__(self, offset: int, limit: int) -> RetroRequestPage:
        self.calls.append((offset, limit))
        items = self.requests[offset : offset + limit]
        pagination = Pagination(limit=limit, offset=offset, total=len(self.requests))
        return RetroRequestPage(pagination=pagination, items=items)


def ids(view) -> list[int]:
    return [item.id for item in view.items]


# -- document 001's example ----------------------------------------------------------------------


def test_document_001_every_item_round_trips_field_for_field() -> None:
    # test_client_models checks the first item's values one by one; this checks every key of
    # every item (nested entities included) survives parsing, by serialising back.
    raw = json.loads((FIXTURES / "doc001_retro_requests_response.json").read_text())
    page = RetroRequestPage.model_validate(raw)
    assert len(page.items) == len(raw["data"]) == 3
    for parsed, original in zip(page.items, raw["data"], strict=True):
        assert parsed.model_dump(mode="json", by_alias=True) == original
    assert page.model_dump(mode="json", by_alias=True)["pagination"] == raw["pagination"]
    assert [r.added_by_parent.name for r in page.items] == ["DocStore"] * 3
    assert [r.updated_by.code for r in page.items] == ["sant.p_123"] * 3


# -- every status: pagination edges ---------------------------------------------------------------


async def test_empty_list_is_one_empty_page() -> None:
    server = FakeServer([])
    pager = RequestPager(server, page_size=5)
    view = await pager.load(0)
    assert view is not None and view.items == () and view.total == 0
    assert pager.page_count == 1
    assert describe(view, pager) == "No retro requests for this customer yet"
    assert empty_message(view, pager) == "No retro requests for this customer yet"
    assert server.calls == [(0, 5)]


async def test_exactly_one_page() -> None:
    server = FakeServer(make_requests(["SUCCESS"] * 5))
    pager = RequestPager(server, page_size=5)
    view = await pager.load(0)
    assert ids(view) == [1000, 1001, 1002, 1003, 1004]
    assert pager.page_count == 1
    assert describe(view, pager) == "page 1 of 1 — 5 requests"


async def test_last_partial_page() -> None:
    server = FakeServer(make_requests(["SUCCESS"] * 12))
    pager = RequestPager(server, page_size=5)
    last = await pager.load(2)
    assert ids(last) == [1010, 1011]
    assert (last.index, last.start, last.end) == (2, 10, 12)
    assert describe(last, pager) == "page 3 of 3 — 12 requests"
    assert server.calls == [(10, 5)]


async def test_offset_past_the_end_shows_the_last_page() -> None:
    server = FakeServer(make_requests(["SUCCESS"] * 12))
    pager = RequestPager(server, page_size=5)
    view = await pager.load(9)
    assert view.index == 2 and ids(view) == [1010, 1011]
    assert server.calls == [(45, 5), (10, 5)]
    # The list shrank under a page number that was valid: the new last page, not an empty one.
    del server.requests[5:]
    again = await pager.load(2)
    assert again.index == 0 and len(again.items) == 5
    assert describe(again, pager) == "page 1 of 1 — 5 requests"


async def test_offset_past_the_end_of_an_emptied_list() -> None:
    server = FakeServer([])
    view = await RequestPager(server, page_size=5).load(3)
    assert (view.index, view.items, view.total) == (0, (), 0)
    assert server.calls == [(15, 5)]


async def test_a_server_that_caps_limit_leaves_no_gap_between_pages() -> None:
    class Capped(FakeServer):
        async def __call__(self, offset: int, limit: int) -> RetroRequestPage:
            return await super().__call__(offset, min(limit, 4))

    server = Capped(make_requests(["SUCCESS"] * 12))
    pager = RequestPager(server, page_size=5)
    first, second = await pager.load(0), await pager.load(1)
    assert ids(first) == [1000, 1001, 1002, 1003, 1004]
    assert ids(second) == [1005, 1006, 1007, 1008, 1009]
    assert server.calls == [(0, 4), (4, 1), (5, 4), (9, 1)]  # as answered (capped at 4)


async def test_newest_first_order_is_kept() -> None:
    server = FakeServer(make_requests(["PENDING", "SUCCESS", "FAILURE"]))
    view = await RequestPager(server, page_size=10).load(0)
    added = [item.added_on for item in view.items]
    assert added == sorted(added, reverse=True)


# -- status filter ---------------------------------------------------------------------------------

# 30 requests: every third PENDING (positions 0, 3, ..., 27), the rest SUCCESS.
MIXED = ["PENDING" if n % 3 == 0 else "SUCCESS" for n in range(30)]


async def test_filter_fills_pages_from_matches_only() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4, scan_limit=6, scan_calls=10)
    pager.set_status("PENDING")
    first = await pager.load(0)
    assert ids(first) == [1000, 1003, 1006, 1009]
    assert all(item.status == "PENDING" for item in first.items)
    # The 4th match is at position 9: the page ends after it and the next starts at 10.
    assert (first.start, first.end, first.found) == (0, 10, 4)
    assert describe(first, pager) == "PENDING — page 1 — 4 found in 10 of 30 scanned"
    second = await pager.load(1)
    assert ids(second) == [1012, 1015, 1018, 1021]
    assert (second.start, second.found) == (10, 8)
    third = await pager.load(2)
    assert ids(third) == [1024, 1027]
    assert pager.page_count == 3 and pager.found_total == 10
    assert describe(third, pager) == "PENDING — page 3 of 3 — 10 found in all 30"
    # A page number past the last filtered page is clamped to it.
    assert ids(await pager.load(7)) == [1024, 1027]


async def test_filter_paging_back_reads_only_the_known_span() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4, scan_limit=50)
    pager.set_status("PENDING")
    await pager.load(0)
    await pager.load(1)
    server.calls.clear()
    back = await pager.load(0)
    assert ids(back) == [1000, 1003, 1006, 1009]
    assert server.calls == [(0, 10)]  # one call, exactly up to where page 2 starts
    assert pager.remembered_offsets == 3


async def test_filter_jumping_ahead_walks_the_pages_between() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4, scan_limit=50)
    pager.set_status("PENDING")
    view = await pager.load(2)  # two quick PgDn presses before the first answer
    assert view.index == 2 and ids(view) == [1024, 1027]


async def test_filter_with_no_match_anywhere() -> None:
    server = FakeServer(make_requests(["SUCCESS"] * 8))
    pager = RequestPager(server, page_size=4)
    pager.set_status("REJECTED")
    view = await pager.load(0)
    assert view.items == () and pager.found_total == 0 and pager.page_count == 1
    assert describe(view, pager) == "REJECTED — none among 8 requests"
    assert empty_message(view, pager) == "No REJECTED requests for this customer"


async def test_filter_scan_is_bounded_per_page_and_carries_on() -> None:
    # 100 SUCCESS then 2 FAILURE: with 2 calls of 10 per page, page 1 finds nothing in 20.
    server = FakeServer(make_requests(["SUCCESS"] * 100 + ["FAILURE"] * 2))
    pager = RequestPager(server, page_size=5, scan_limit=10, scan_calls=2)
    pager.set_status("FAILURE")
    first = await pager.load(0)
    assert first.items == () and (first.start, first.end) == (0, 20)
    assert server.calls == [(0, 10), (10, 10)]
    assert describe(first, pager) == "FAILURE — page 1 — 0 found in 20 of 102 scanned"
    assert empty_message(first, pager) == ("No FAILURE requests among 1–20 of 102 — PgDn scans on")
    assert pager.page_count is None
    view = first
    while not view.items:
        view = await pager.load(view.index + 1)
    assert ids(view) == [1100, 1101] and view.index == 5
    assert pager.found_total == 2 and pager.page_count == 6
    # Each call moved on; no stretch of the list was read twice on the way forward.
    offsets = [offset for offset, _ in server.calls]
    assert offsets == sorted(set(offsets))


async def test_full_page_ending_at_the_last_request_is_the_last_page() -> None:
    server = FakeServer(make_requests(["PENDING"] * 4 + ["SUCCESS"] * 2 + ["PENDING"] * 4))
    pager = RequestPager(server, page_size=4, scan_limit=50)
    pager.set_status("PENDING")
    await pager.load(0)
    second = await pager.load(1)
    assert ids(second) == [1006, 1007, 1008, 1009]
    assert pager.page_count == 2 and pager.found_total == 8


async def test_full_page_followed_by_no_match_ends_on_that_page() -> None:
    server = FakeServer(make_requests(["PENDING"] * 4 + ["SUCCESS"] * 6))
    pager = RequestPager(server, page_size=4)
    pager.set_status("PENDING")
    first = await pager.load(0)
    assert pager.page_count is None  # a full page: more may follow
    assert await pager.load(1) is None
    assert pager.page_count == 1 and pager.found_total == 4
    assert describe(first, pager) == "PENDING — page 1 of 1 — 4 found in all 10"


async def test_changing_the_filter_forgets_the_page_starts() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4)
    pager.set_status("PENDING")
    await pager.load(1)
    assert pager.remembered_offsets == 3
    pager.set_status("SUCCESS")
    assert pager.remembered_offsets == 1 and pager.page_count is None
    view = await pager.load(0)
    assert ids(view) == [1001, 1002, 1004, 1005]
    pager.set_status(None)
    assert (await pager.load(0)).status is None
    with pytest.raises(ValueError):
        pager.set_status("LOST")


async def test_refresh_rescans_from_the_page_on_show() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4)
    pager.set_status("PENDING")
    await pager.load(2)
    server.requests[24] = server.requests[24].model_copy(update={"status": "SUCCESS"})
    pager.forget_after(2)
    view = await pager.load(2)
    assert ids(view) == [1027]
    assert pager.found_total == 9


async def test_auto_refresh_reloads_the_same_stretch_in_one_call() -> None:
    server = FakeServer(make_requests(MIXED))
    pager = RequestPager(server, page_size=4, scan_limit=50)
    pager.set_status("PENDING")
    first = await pager.load(0)
    assert pager.reload_calls(first) == 1
    server.requests[3] = server.requests[3].model_copy(update={"status": "APPROVED"})
    server.calls.clear()
    pager.forget_after(0, keep_span=True)
    again = await pager.load(0)
    assert server.calls == [(0, 10)]
    assert ids(again) == [1000, 1006, 1009]  # the approved one left; nothing scanned beyond
    assert describe(again, pager) == "PENDING — page 1 — 3 found in 10 of 30 scanned"


async def test_a_wide_filtered_page_costs_several_calls_to_reload() -> None:
    server = FakeServer(make_requests(["SUCCESS"] * 120 + ["PENDING"]))
    pager = RequestPager(server, page_size=4, scan_limit=50)
    assert pager.reload_calls(await pager.load(0)) == 1
    pager.set_status("PENDING")
    view = await pager.load(0)
    assert (view.start, view.end) == (0, 121) and pager.reload_calls(view) == 3


async def test_an_empty_answer_ends_the_scan_whatever_total_says() -> None:
    class Inconsistent(FakeServer):
        async def __call__(self, offset: int, limit: int) -> RetroRequestPage:
            page = await super().__call__(offset, limit)
            wrong = Pagination(limit=limit, offset=offset, total=99)
            return page.model_copy(update={"pagination": wrong})

    pager = RequestPager(Inconsistent(make_requests(["PENDING"] * 3)), page_size=5)
    pager.set_status("PENDING")
    view = await pager.load(0)
    assert len(view.items) == 3 and pager.page_count == 1


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError):
        RequestPager(FakeServer([]), page_size=0)


# -- the same edges through the real client and the sandbox (the documents' oracle) -------------


async def test_edges_against_the_sandbox(clock) -> None:
    from tillui.sandbox import DEMO
    from tillui.wiring.demo import demo_services

    services = demo_services(clock=clock)
    client = services.client

    def pager_for(customer_id: int, page_size: int) -> RequestPager:
        async def fetch(offset: int, limit: int) -> RetroRequestPage:
            return await client.retro_requests(customer_id, limit=limit, offset=offset)

        return RequestPager(fetch, page_size=page_size)

    try:
        empty = await pager_for(DEMO.omar.customer_id, 10).load(0)
        assert (empty.items, empty.total) == ((), 0)
        exactly_one = pager_for(DEMO.asha.customer_id, 12)
        view = await exactly_one.load(0)
        assert len(view.items) == 12 and exactly_one.page_count == 1
        partial = pager_for(DEMO.asha.customer_id, 5)
        last = await partial.load(2)
        assert len(last.items) == 2 and describe(last, partial) == "page 3 of 3 — 12 requests"
        past = await partial.load(40)
        assert past.index == 2 and [r.id for r in past.items] == [r.id for r in last.items]
        partial.set_status("PENDING")
        pending = await partial.load(0)
        assert len(pending.items) == 3 and partial.found_total == 3
    finally:
        await services.aclose()
