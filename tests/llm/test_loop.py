"""The drafting loop against loopback fake servers of both APIs, the SDKs unmodified.

Each scripted session ends in a valid design or a clear stop with the best draft kept;
none hangs (short timeouts) and none leaks an exception.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from archproof.frontends.llm.loop import Budget, Outcome, Session
from archproof.frontends.llm.providers import Settings, make_provider
from archproof.frontends.yaml_loader import load_text
from archproof.repair import analyse

from .fakes import (
    NOTE_DESIGN,
    NOTE_TASK,
    URL_DESIGN,
    URL_TASK,
    Reply,
    anthropic_reply,
    base_url,
    error_reply,
    fake_server,
    openai_reply,
    reply_for,
    sections_of,
)

APIS = ("openai", "anthropic")
ENV = {"OPENAI_API_KEY": "test-key", "ANTHROPIC_API_KEY": "test-key"}
Script = Callable[[str, int], Reply]


def session(
    api: str,
    script: Script,
    *,
    task: str = NOTE_TASK,
    rounds: int = 3,
    timeout: float = 5.0,
    retries: int = 1,
    max_seconds: float = 60.0,
    max_tokens: int = 10_000_000,
) -> tuple[Outcome, list[Any], list[str]]:
    lines: list[str] = []
    with fake_server(api, script) as server:
        settings = Settings(api, "fake-model", base_url=base_url(server), timeout_s=timeout)
        settings = Settings(
            api, "fake-model", base_url=base_url(server), timeout_s=timeout, retries=retries
        )
        provider = make_provider(settings, ENV, sleep=_sleep, on_retry=lines.append)
        budget = Budget(rounds, max_tokens, max_seconds)
        outcome = Session(task, provider, analyse, budget, progress=lines.append).run()
        return outcome, list(server.seen), lines


SLEPT: list[float] = []  # every retry wait the provider took, in order


def _sleep(seconds: float) -> None:
    SLEPT.append(seconds)
    time.sleep(seconds)


def good(api: str, design: Any = NOTE_DESIGN) -> Script:
    sections = sections_of(design)

    def script(section: str, index: int) -> Reply:
        return reply_for(api, section, sections[section])

    return script


def with_changes(
    api: str, changes: dict[tuple[str, int], Callable[[dict[str, Any]], Any]]
) -> Script:
    """The good note store, except that the n-th request for a section (0-based, per
    section) is replaced by what `changes[(section, n)]` returns from a copy of it: a
    section dict (sent as the reply) or a `Reply`."""
    sections = sections_of(NOTE_DESIGN)
    asked: dict[str, int] = {}

    def script(section: str, index: int) -> Reply:
        n = asked.get(section, 0)
        asked[section] = n + 1
        change = changes.get((section, n))
        if change is None:
            return reply_for(api, section, sections[section])
        produced = change(copy.deepcopy(sections[section]))
        return produced if isinstance(produced, Reply) else reply_for(api, section, produced)

    return script


def _component(data: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in data["components"] if c["id"] == cid)


def _operation(data: dict[str, Any], oid: str) -> dict[str, Any]:
    return next(o for o in data["operations"] if o["id"] == oid)


def _prompt(api: str, seen: Any) -> str:
    body = seen.body
    messages = body["messages"]
    return str(messages[-1]["content"])


# --------------------------------------------------------------------------- good


@pytest.mark.parametrize("api", APIS)
def test_a_good_design_is_clean_after_one_round(api: str) -> None:
    outcome, seen, lines = session(api, good(api))
    assert outcome.clean and outcome.stop.startswith("clean after round 1"), outcome.stop
    assert [s.section for s in seen] == [
        "requirements",
        "components",
        "operations",
        "entities",
        "failure",
        "decisions",
        "answers",
    ]
    assert outcome.yaml is not None and outcome.design is not None
    design = load_text(outcome.yaml, "design.yaml")  # what is written loads again
    assert design.meta.drafted_by == f"{api}:fake-model"
    assert design.component("db").tech == "postgresql"
    assert outcome.tokens_in == 7 * 1000 and outcome.tokens_out == 7 * 200
    assert any("round 1: components" in line for line in lines)


@pytest.mark.parametrize("api", APIS)
def test_each_request_is_constrained_to_its_sections_schema(api: str) -> None:
    _, seen, _ = session(api, good(api))
    first = seen[1].body  # components
    if api == "openai":
        schema = first["response_format"]["json_schema"]["schema"]
    else:
        schema = first["tools"][0]["input_schema"]
        assert first["tool_choice"] == {"type": "tool", "name": "components"}
    assert schema["properties"]["components"]["type"] == "array"
    assert "Component" in schema["$defs"] and "span" not in json.dumps(schema)
    prompt = _prompt(api, seen[1])
    assert "300 note reads per second" in prompt  # the reader's ledger, as facts
    assert "postgresql" in prompt  # catalog ids for `tech`


def test_answers_cite_figures_the_report_fills() -> None:
    outcome, _, _ = session("openai", good("openai"))
    from archproof.passes.questions import QuestionsResult

    assert outcome.report is not None
    answer = outcome.report.get(QuestionsResult).get("Q4.1")
    assert "{{" not in answer.text and "Reads peak at 600/s" in answer.text
    assert "{{peak_rate:read_note}}" in (outcome.yaml or "")  # the file keeps the reference


# --------------------------------------------------------------------------- bad replies


@pytest.mark.parametrize("api", APIS)
def test_invalid_json_is_asked_again_at_once(api: str) -> None:
    bad = openai_reply("{not json") if api == "openai" else anthropic_reply("{not json")
    script = with_changes(api, {("components", 0): lambda _: bad})
    outcome, seen, _ = session(api, script)
    assert outcome.clean, outcome.stop
    sections = [s.section for s in seen]
    assert sections.count("components") == 2 and outcome.rounds == 1
    assert "your last reply was rejected: the reply is not JSON" in _prompt(api, seen[2])


@pytest.mark.parametrize("api", APIS)
def test_a_schema_violation_goes_back_with_the_field(api: str) -> None:
    def misspelt(data: dict[str, Any]) -> dict[str, Any]:
        _component(data, "db")["kind"] = "databse"
        _component(data, "api")["replica"] = 2
        return data

    outcome, seen, _ = session(api, with_changes(api, {("components", 0): misspelt}))
    assert outcome.clean, outcome.stop
    again = _prompt(api, seen[2])
    assert "does not match the section's schema" in again
    assert "components.1.kind" in again and "replica" in again


@pytest.mark.parametrize("api", APIS)
def test_two_bad_replies_keep_nothing_and_the_next_round_asks_again(api: str) -> None:
    bad = lambda _: {"components": "none"}  # noqa: E731
    script = with_changes(api, {("components", 0): bad, ("components", 1): bad})
    outcome, seen, _ = session(api, script)
    assert outcome.clean and outcome.best_round == 2, outcome.stop
    assert [s.section for s in seen].count("components") == 3


@pytest.mark.parametrize("api", APIS)
def test_a_dangling_reference_is_repaired_with_its_excerpt(api: str) -> None:
    def dangling(data: dict[str, Any]) -> dict[str, Any]:
        call = _operation(data, "read_note")["calls"][0]["calls"][0]
        call["call"] = "dbb.read"
        return data

    outcome, seen, _ = session(api, with_changes(api, {("failure", 0): dangling}))
    assert outcome.clean and outcome.best_round == 2, outcome.stop
    round_two = [s for s in seen[7:]]
    assert [s.section for s in round_two] == ["failure"]  # only the section that wrote it
    prompt = _prompt(api, round_two[0])
    assert "unknown component 'dbb'" in prompt or "'dbb'" in prompt
    assert "call: dbb.read" in prompt and ">" in prompt  # the YAML excerpt, line marked
    assert any("dbb" in fixed for fixed in outcome.fixed)


@pytest.mark.parametrize("api", APIS)
def test_a_saturated_database_is_repaired_in_round_two(api: str) -> None:
    def one_connection(data: dict[str, Any]) -> dict[str, Any]:
        _component(data, "db").update(concurrency=1, work={"read": "10ms", "write": "10ms"})
        return data

    outcome, seen, _ = session(api, with_changes(api, {("components", 0): one_connection}))
    assert outcome.clean and outcome.best_round == 2, outcome.stop
    prompt = _prompt(api, seen[7])
    assert seen[7].section == "components"
    assert "component 'db' is saturated at peak" in prompt and "concurrency: 1" in prompt
    assert any("'db' is saturated" in fixed for fixed in outcome.fixed)
    assert outcome.design is not None and outcome.design.component("db").concurrency is None


@pytest.mark.parametrize("api", APIS)
def test_a_stated_number_the_design_ignores_goes_back(api: str) -> None:
    def forgets(data: dict[str, Any]) -> dict[str, Any]:
        _operation(data, "save_note")["rate"] = "5/s"  # the task says 20 saves per second
        return data

    outcome, seen, _ = session(api, with_changes(api, {("failure", 0): forgets}))
    assert outcome.clean and outcome.best_round == 2, outcome.stop
    prompt = _prompt(api, seen[7])
    assert '"20 saves per second"' in prompt and "does not use it" in prompt


# --------------------------------------------------------------------------- stops


@pytest.mark.parametrize("api", APIS)
def test_a_refusal_before_any_draft_stops_with_nothing_to_write(api: str) -> None:
    refusal = (
        openai_reply("", refusal="I can't help with that.")
        if api == "openai"
        else anthropic_reply("I can't help with that.", stop="refusal")
    )
    script = with_changes(api, {("requirements", 0): lambda _: refusal})
    outcome, seen, _ = session(api, script)
    assert outcome.yaml is None and not outcome.clean
    assert outcome.stop.startswith("the model refused the requirements")
    assert "I can't help with that." in outcome.stop
    assert len(seen) == 1


@pytest.mark.parametrize("api", APIS)
def test_a_refusal_in_round_two_keeps_the_best_draft(api: str) -> None:
    def one_connection(data: dict[str, Any]) -> dict[str, Any]:
        _component(data, "db").update(concurrency=1, work={"read": "10ms", "write": "10ms"})
        return data

    refusal = (
        openai_reply("", refusal="no") if api == "openai" else anthropic_reply("no", stop="refusal")
    )
    script = with_changes(
        api, {("components", 0): one_connection, ("components", 1): lambda _: refusal}
    )
    outcome, _, _ = session(api, script)
    assert outcome.stop.startswith("the model refused"), outcome.stop
    assert outcome.yaml is not None and outcome.best_round == 1 and not outcome.clean
    assert any(p.kind == "saturated" for p in outcome.left)


@pytest.mark.parametrize("api", APIS)
def test_429_then_success_waits_what_retry_after_says(api: str) -> None:
    first = error_reply(api, 429, {"retry-after": "1.5"})
    script = with_changes(api, {("requirements", 0): lambda _: first})
    outcome, seen, lines = session(api, script, retries=2)
    assert outcome.clean, outcome.stop
    gap = seen[1].at - seen[0].at
    # Without Retry-After the first backoff would be 0.375-0.5 s.
    assert gap >= 1.45, gap
    assert seen[0].section == seen[1].section == "requirements"
    assert any("HTTP 429" in line and "in 1.5 s (Retry-After)" in line for line in lines)


@pytest.mark.parametrize("api", APIS)
def test_a_timeout_stops_with_the_best_draft_kept(api: str) -> None:
    def one_connection(data: dict[str, Any]) -> dict[str, Any]:
        _component(data, "db").update(concurrency=1, work={"read": "10ms", "write": "10ms"})
        return data

    hang = Reply(hang=2.0, body={})
    script = with_changes(
        api, {("components", 0): one_connection, ("components", 1): lambda _: hang}
    )
    outcome, _, _ = session(api, script, timeout=0.3, retries=0)
    assert "no reply within 0.3 s (timeout)" in outcome.stop, outcome.stop
    assert outcome.yaml is not None and outcome.best_round == 1


@pytest.mark.parametrize("api", APIS)
def test_a_dropped_connection_is_retried_then_stops(api: str) -> None:
    def dropped(data: dict[str, Any]) -> Reply:
        reply = reply_for(api, "operations", data)
        reply.drop_after = 40
        return reply

    script = with_changes(api, {("operations", 0): dropped, ("operations", 1): dropped})
    outcome, seen, _ = session(api, script, retries=1)
    assert "connection failed or dropped" in outcome.stop and "after 2 attempts" in outcome.stop
    assert [s.section for s in seen].count("operations") == 2
    # Requirements and components load: that partial draft is kept, its gaps listed.
    assert outcome.yaml is not None and "operations:" not in outcome.yaml
    assert any(p.kind == "unused" for p in outcome.left)


@pytest.mark.parametrize("api", APIS)
def test_a_5mb_reply_is_refused(api: str) -> None:
    def huge(data: dict[str, Any]) -> dict[str, Any]:
        data["components"][0]["rationale"] = "x" * 5_000_000
        return data

    outcome, seen, _ = session(api, with_changes(api, {("components", 0): huge}))
    assert "bytes" in outcome.stop and "limit 1,000,000" in outcome.stop, outcome.stop
    assert len(seen) == 2  # refused, not retried


def test_a_reply_without_length_is_cut_while_it_streams() -> None:
    def huge(data: dict[str, Any]) -> Reply:
        data["components"][0]["rationale"] = "x" * 3_000_000
        reply = reply_for("openai", "components", data)
        reply.no_length = True
        return reply

    outcome, _, _ = session("openai", with_changes("openai", {("components", 0): huge}))
    assert "bytes" in outcome.stop and "refused" in outcome.stop, outcome.stop


def test_the_token_budget_stops_the_session() -> None:
    outcome, seen, _ = session("openai", good("openai"), max_tokens=3000)
    assert outcome.stop.startswith("the token budget (3,000) ran out"), outcome.stop
    assert len(seen) == 3  # 1,200 tokens a request


def test_the_bundled_url_shortener_round_trips_through_the_sections() -> None:
    """A large real design, split into section replies, loads again whole (review findings
    may change as rules land; the loader's verdict must not)."""
    outcome, _, _ = session("openai", good("openai", URL_DESIGN), task=URL_TASK, rounds=1)
    assert outcome.design is not None, [p.text for p in outcome.left]
    assert not [p for p in outcome.left if p.kind in ("load", "reply", "unused")]
    assert len(outcome.design.components) == 6 and len(outcome.design.operations) == 3


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("body", [{}, b"hello", {"choices": []}])
def test_a_200_that_is_not_the_api_stops_cleanly(api: str, body: Any) -> None:
    script = with_changes(api, {("requirements", 0): lambda _: Reply(body=body)})
    outcome, seen, _ = session(api, script)
    assert outcome.stop.startswith("the provider failed on requirements"), outcome.stop
    assert outcome.yaml is None and len(seen) == 1


@pytest.mark.parametrize("api", APIS)
def test_an_answer_that_writes_a_figure_is_sent_back(api: str) -> None:
    def figures(data: dict[str, Any]) -> dict[str, Any]:
        data["answers"]["Q4.1"] = "Reads peak at 600/s; p99 is 12ms."
        return data

    outcome, seen, _ = session(api, with_changes(api, {("answers", 0): figures}))
    assert outcome.clean and outcome.best_round == 2, outcome.stop
    assert seen[7].section == "answers"
    assert "answer Q4.1 writes figures itself (600/s, 12ms)" in _prompt(api, seen[7])


def test_ctrl_c_keeps_the_best_draft() -> None:
    sections = sections_of(NOTE_DESIGN)

    def script(section: str, index: int) -> Reply:
        return reply_for("openai", section, sections[section])

    with fake_server("openai", script) as server:
        settings = Settings("openai", "m", base_url=base_url(server), timeout_s=5)
        provider = make_provider(settings, ENV)
        calls = {"n": 0}

        def interrupting(request: Any, *, deadline: float) -> Any:
            calls["n"] += 1
            if calls["n"] == 7:  # the answers: everything else is there
                raise KeyboardInterrupt
            return real(request, deadline=deadline)

        real = provider.complete
        provider.complete = interrupting  # type: ignore[method-assign]
        outcome = Session(NOTE_TASK, provider, analyse).run()
    assert outcome.stop == "interrupted (Ctrl-C)"
    assert outcome.yaml is not None and "decisions:" in outcome.yaml


def test_a_server_without_json_schema_support_gets_the_schema_in_the_prompt() -> None:
    """An older local server answers 400 to response_format json_schema (and to
    json_object): the provider steps down once and keeps the schema in the system prompt."""
    sections = sections_of(NOTE_DESIGN)

    def script(section: str, index: int) -> Reply:
        return reply_for("openai", section, sections[section])

    def picky(section: str, index: int) -> Reply:
        fmt = server.seen[-1].body.get("response_format")
        if fmt is not None:
            return error_reply("openai", 400)
        return script(section, index)

    with fake_server("openai", picky) as server:
        lines: list[str] = []
        settings = Settings("openai", "m", base_url=base_url(server), timeout_s=5)
        provider = make_provider(settings, ENV, on_retry=lines.append)
        outcome = Session(NOTE_TASK, provider, analyse).run()
        formats = [s.body.get("response_format") for s in server.seen]
    assert outcome.clean, outcome.stop
    assert formats[:3] == [formats[0], {"type": "json_object"}, None]
    assert formats[0]["type"] == "json_schema" and formats[3:] == [None] * 6
    assert "asking with json_object" in lines[0] and "asking with none" in lines[1]
    assert '"components"' in server.seen[3].body["messages"][0]["content"]  # schema in prompt


def test_a_section_keyed_by_id_or_a_bare_list_is_taken_as_meant() -> None:
    """Models often write the YAML's keyed form, or drop the wrapper object."""
    from archproof.frontends.llm.sections import section

    keyed = {"components": {"api": {"kind": "service", "tech": "stateless-service"}}}
    bare = [{"id": "api", "kind": "service", "tech": "stateless-service"}]
    for reply in (keyed, bare):
        fragment = section("components").parse(json.dumps(reply))
        assert fragment == {"components": {"api": {"kind": "service", "tech": "stateless-service"}}}
    with pytest.raises(Exception, match="does not match the section's schema"):
        section("components").parse(json.dumps({"components": {"api": "service"}}))


def test_the_wall_clock_budget_stops_the_session() -> None:
    ticks = iter(range(0, 10_000, 100))  # each look at the clock: 100 s later

    with fake_server("openai", good("openai")) as server:
        settings = Settings("openai", "m", base_url=base_url(server), timeout_s=5)
        provider = make_provider(settings, ENV)
        budget = Budget(3, 10_000_000, 350)
        session_ = Session(NOTE_TASK, provider, analyse, budget, clock=lambda: next(ticks))
        outcome = session_.run()
    # The loop checks before each request, the provider before each attempt.
    assert "wall-clock budget" in outcome.stop and "ran out before" in outcome.stop
    assert outcome.yaml is not None and "requirements:" in outcome.yaml  # the best so far


@pytest.mark.parametrize("api", APIS)
def test_a_retry_after_past_the_budget_stops_at_once(api: str) -> None:
    first = error_reply(api, 503, {"retry-after": "100"})
    script = with_changes(api, {("requirements", 0): lambda _: first})
    SLEPT.clear()
    outcome, seen, _ = session(api, script, retries=3, max_seconds=5)
    assert SLEPT == []  # it did not wait for nothing
    assert "HTTP 503" in outcome.stop and "the retry wait (100 s) passes the wall-clock budget" in (
        outcome.stop
    )
    assert len(seen) == 1 and outcome.yaml is None
