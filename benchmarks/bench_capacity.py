"""Benchmark: the capacity pass on a generated design with 1,000 components.

Run: .venv/bin/python benchmarks/bench_capacity.py  (target: analysis < 1 s)
"""

from __future__ import annotations

import json
import time
from typing import Any

from archproof.frontends.yaml_loader import load_text
from archproof.passes.capacity import analyze

SERVICES, DATABASES, CACHES, QUEUES, WORKERS = 400, 200, 150, 125, 124  # + 1 lb = 1,000
OPERATIONS = 300


def generate() -> dict[str, Any]:
    comps: dict[str, Any] = {
        "lb": {
            "kind": "load_balancer",
            "replicas": 2,
            "concurrency": 4000,
            "work": {"route": "100us"},
        }
    }
    for i in range(SERVICES):
        comps[f"svc{i}"] = {"kind": "service", "tech": "stateless-service", "replicas": 3}
    for i in range(DATABASES):
        comps[f"db{i}"] = {"kind": "database", "tech": "postgresql", "read_replicas": i % 3}
    for i in range(CACHES):
        comps[f"cache{i}"] = {
            "kind": "cache",
            "replicas": 2,
            "concurrency": 32,
            "work": {"get": "300us", "set": "400us"},
            "availability": "99.9%",
        }
    for i in range(QUEUES):
        comps[f"q{i}"] = {
            "kind": "queue",
            "replicas": 3,
            "concurrency": 64,
            "work": {"enqueue": "2ms"},
            "availability": "99.95%",
        }
    for i in range(WORKERS):
        comps[f"w{i}"] = {
            "kind": "worker",
            "replicas": 4,
            "concurrency": 8,
            "work": {"process": "5ms"},
        }
    ops: dict[str, Any] = {}
    for i in range(OPERATIONS):
        svc, cache, db = f"svc{i % SERVICES}", f"cache{i % CACHES}", f"db{i % DATABASES}"
        db2 = f"db{(i * 7 + 3) % DATABASES}"
        ops[f"op{i}"] = {
            "rate": f"{5 + i % 20}/s",
            "slo": {"p95": "50ms", "p99": "200ms"},
            "calls": [
                "lb.route",
                {
                    f"{svc}.handle": {
                        "calls": [
                            {
                                "one_of": [
                                    {"p": "80%", "label": "hit", "calls": [f"{cache}.get"]},
                                    {
                                        "p": "20%",
                                        "label": "miss",
                                        "calls": [
                                            f"{cache}.get",
                                            {f"{db}.read": {"timeout": "100ms", "retries": 2}},
                                            f"{cache}.set",
                                        ],
                                    },
                                ]
                            },
                            {f"{db2}.write": {"p": "30%"}},
                            {f"q{i % QUEUES}.enqueue": {"async": True}},
                        ]
                    }
                },
            ],
        }
    for i in range(QUEUES):
        ops[f"job{i}"] = {
            "consumes": f"q{i}",
            "sync": False,
            "calls": [{f"w{i % WORKERS}.process": {"calls": [f"db{(i * 11) % DATABASES}.update"]}}],
        }
    return {
        "meta": {"name": "generated"},
        "requirements": {"load": {"peak_factor": 2}},
        "components": comps,
        "operations": ops,
    }


def calibration() -> float:
    """Seconds for sum(range(10**6)): ~0.01-0.015 s on an idle laptop; shows machine speed."""
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    print(f"calibration sum(range(1e6)): {calibration() * 1000:.0f} ms")
    text = json.dumps(generate())
    t0 = time.perf_counter()
    design = load_text(text, "generated.yaml")
    t1 = time.perf_counter()
    cpu = time.process_time()
    result = analyze(design)
    t2 = time.perf_counter()
    cpu = time.process_time() - cpu
    json.dumps(result.to_json())
    t3 = time.perf_counter()
    print(
        f"components: {len(design.components)}, operations: {len(design.operations)}, "
        f"call edges: {len(result.edges)}"
    )
    print(
        f"load+validate: {t1 - t0:.3f}s  analyze: {t2 - t1:.3f}s wall, {cpu:.3f}s CPU  "
        f"to_json: {t3 - t2:.3f}s"
    )
    print(
        f"bottleneck: {result.bottleneck.component}:{result.bottleneck.pool} at "
        f"{result.bottleneck.saturation_factor.value:.3g}×"
    )
    verdict = "PASS" if cpu < 1.0 else "FAIL"
    print(f"{verdict}: analysis CPU time {cpu:.3f}s (target < 1 s)")
    if cpu >= 1.0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
