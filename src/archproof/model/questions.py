"""The framework's 24 design questions: six sections of four.

Ids are stable (`Q<section>.<n>`); a design answers them under `answers:` and the
questions pass answers the rest from the model and the other passes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """One of the 24 questions."""

    id: str
    section: str
    text: str


SECTIONS: tuple[str, ...] = (
    "Problem understanding",
    "System architecture",
    "Data design",
    "Scalability & performance",
    "Failure modes",
    "Implementation strategy",
)

_TEXTS: tuple[tuple[str, ...], ...] = (
    (
        "What problem does the system solve, and for whom?",
        "What are the functional requirements (core use cases)?",
        "What are the scale and performance requirements (load, data, latency)?",
        "What constraints and assumptions apply?",
    ),
    (
        "What are the main components and their responsibilities?",
        "Where does state live, and which components are stateless?",
        "How do components communicate (synchronous calls, background jobs, events)?",
        "Which boring, well-tested technologies are used, and why?",
    ),
    (
        "What are the core entities and their relationships?",
        "What are the access patterns, and which indexes serve them?",
        "Which work is pushed to the database, and how are reads scaled?",
        "What are the consistency and data-lifecycle rules (retention, states, replica lag)?",
    ),
    (
        "What is the peak load on each component, and where is the bottleneck?",
        "Which operations are slow, and which work moves to background jobs?",
        "Is caching needed, and where do the numbers justify it?",
        "How does the system grow (load and data growth, the next scaling step)?",
    ),
    (
        "What happens when each component fails (blast radius)?",
        "Which calls have timeouts, retries and circuit breakers?",
        "Which operations fail open and which fail closed?",
        "How are duplicate requests made safe (idempotency)?",
    ),
    (
        "What is the minimal useful slice to build first?",
        "What is observed: p95/p99 metrics, error logs, alerts, traces?",
        "Which assumptions must be validated early, and how?",
        "How is the system tested and rolled out?",
    ),
)

QUESTIONS: tuple[Question, ...] = tuple(
    Question(id=f"Q{s + 1}.{q + 1}", section=SECTIONS[s], text=text)
    for s, texts in enumerate(_TEXTS)
    for q, text in enumerate(texts)
)

QUESTION_IDS: frozenset[str] = frozenset(q.id for q in QUESTIONS)

# Figures an author's answer may cite instead of writing them: `{{bottleneck}}`,
# `{{peak_rate:redirect}}`. The questions pass fills them from the analysis, so an answer's
# prose cannot contradict the numbers (a drafted answer never states a figure itself).
# name → what its argument names (None: no argument).
PLACEHOLDERS: dict[str, str | None] = {
    "peak_rate": "operation",  # the operation's peak arrival rate (lowered model)
    "average_rate": "operation",  # its average rate
    "p99": "operation",  # its computed p99 latency (capacity)
    "p95": "operation",
    "utilization": "component",  # the component's highest pool utilization at peak
    "bottleneck": None,  # the pool that saturates first
    "saturation_factor": None,  # × the peak load at which the bottleneck saturates
    "peak_requests": None,  # all user-facing operations together, at peak
}
PLACEHOLDER_PATTERN = r"\{\{\s*([a-z_0-9]+)\s*(?::\s*([^{}\s]+)\s*)?\}\}"
