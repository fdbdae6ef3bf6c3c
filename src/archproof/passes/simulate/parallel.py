"""Run independent simulation cells in parallel: local processes or a Dask cluster.

A cell is a picklable task for a module-level function (``fn(task) -> result``); the
results come back in task order whatever order they finish in, so the output depends on
the tasks only, never on the number of workers or the scheduling. Every cell carries its
own seed, which is what makes 1, 2 or N workers give byte-identical output.

Local processes are forked when that is safe — on Linux, from a process running no
other thread (:func:`start_method`): a forked worker starts with the parent's imports and
its loaded compiled kernel, where a spawned one imports archproof and numba and loads the
kernel again (≈ 2–3 s of CPU a worker, measured on the README drill). A fork copies every
lock as it is at that instant, and another thread may hold one (a progress display writing
to stderr), so with more threads, and elsewhere, workers are spawned. A worker ignores
SIGINT (from its first instruction: it inherits the ignored signal, so a Ctrl-C while it
starts prints no traceback), and Ctrl-C in the parent terminates the pool at once (a
compiled kernel cannot be interrupted, its process can).
Finished cells have been handed to ``on_done`` by then, so callers keep them.

A running cell may call :func:`report` with how far it got (e.g. simulated seconds); the
parent hands the latest value of each cell to ``on_progress``: directly in this process,
through shared memory polled every ``_POLL_S`` from worker processes.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DASK_HINT = "install the Dask extra: pip install 'archproof[dask]'"
_POLL_S = 0.2  # how often a waiting parent wakes up (Ctrl-C, progress)


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed; the message says how to install it."""


def start_method() -> str:
    """``fork`` on Linux when this process runs no other thread, else ``spawn``."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return "fork"
    return "spawn"


def default_workers(n_tasks: int) -> int:
    """One process per core, no more than there are cells."""
    return max(1, min(n_tasks, os.cpu_count() or 1))


def replication_workers(n_tasks: int, cores: int | None = None) -> int:
    """Processes for ``n_tasks`` of about equal length (replications): one per core when
    the tasks fill whole rounds, else the fewest above that which do, at most four per
    core (each process holds its own buffers), else one per core. Three replications on
    two cores run as three processes sharing the cores and finish after 1.5 replications'
    time; two processes would take two rounds, one core idle in the second."""
    c = max(1, cores or os.cpu_count() or 1)
    if n_tasks <= c:
        return max(1, n_tasks)
    for w in range(c, min(n_tasks, 4 * c) + 1):
        if n_tasks % w == 0:
            return w
    return c


# where report() sends a cell's progress: a callback in this process, or a shared array
# (one slot per cell) in a worker process
_report_to: Callable[[int, float], None] | None = None
_shared: Any = None
_current = -1


def report(value: float) -> None:
    """Called by a running cell: how far it got (its own unit, e.g. simulated seconds)."""
    if _shared is not None:
        _shared[_current] = value
    elif _report_to is not None:
        _report_to(_current, value)


def _init_worker(shared: Any) -> None:
    global _shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _shared = shared


def _call(job: tuple[Callable[[Any], Any], int, Any]) -> tuple[int, Any]:
    global _current
    fn, i, task = job
    _current = i
    return i, fn(task)


def run_local(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int = 1,
    on_done: Callable[[int, R], None] | None = None,
    on_progress: Callable[[int, float], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]`` on ``workers`` local processes (1: in this process).

    ``on_done(i, result)`` runs in this process as each cell finishes, and
    ``on_progress(i, value)`` with what a running cell last passed to :func:`report`.
    ``on_start()`` runs once the workers exist: a caller's thread started there (a
    progress display) does not keep the workers from being forked. On KeyboardInterrupt
    the workers are terminated and the interrupt propagates.
    """
    global _report_to, _current
    out: dict[int, R] = {}
    if workers <= 1 or len(tasks) <= 1:
        if on_start is not None:
            on_start()
        saved = _report_to, _current
        _report_to = on_progress
        try:
            for i, t in enumerate(tasks):
                _current = i
                r = fn(t)
                out[i] = r
                if on_done is not None:
                    on_done(i, r)
        finally:
            _report_to, _current = saved
        return [out[i] for i in range(len(tasks))]
    ctx = mp.get_context(start_method())
    shared = ctx.RawArray("d", len(tasks))
    seen = [0.0] * len(tasks)
    # the workers are started with SIGINT ignored, so they ignore it from their first
    # instruction (Python keeps an inherited SIG_IGN); the parent's handler comes back
    # as soon as they exist
    main = threading.current_thread() is threading.main_thread()  # signals: main only
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        pool = ctx.Pool(min(workers, len(tasks)), initializer=_init_worker, initargs=(shared,))
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
    try:
        if on_start is not None:
            on_start()
        it = pool.imap_unordered(_call, [(fn, i, t) for i, t in enumerate(tasks)])
        while len(out) < len(tasks):
            try:
                i, r = it.next(timeout=_POLL_S)
            except mp.TimeoutError:
                pass
            else:
                out[i] = r
                if on_done is not None:
                    on_done(i, r)
            if on_progress is not None:
                for j in range(len(tasks)):
                    if j not in out and shared[j] != seen[j]:
                        seen[j] = shared[j]
                        on_progress(j, seen[j])
        pool.close()
    except BaseException:
        pool.terminate()  # stops running kernels now, not when they finish
        raise
    finally:
        pool.join()
    return [out[i] for i in range(len(tasks))]


def run_dask(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    address: str,
    on_done: Callable[[int, R], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> list[R]:
    """The same as :func:`run_local`, on the Dask distributed scheduler at ``address``
    (e.g. ``tcp://host:8786``). Its workers need archproof installed. On KeyboardInterrupt
    the cells still running are cancelled."""
    try:  # an optional extra, untyped: looked up as a module of Any
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise MissingExtraError(f"--dask needs the distributed package: {DASK_HINT}") from exc
    out: dict[int, R] = {}
    run = uuid.uuid4().hex[:12]
    with distributed.Client(address) as client:
        if on_start is not None:
            on_start()
        futures = [
            client.submit(fn, t, key=f"archproof-cell-{run}-{i}", pure=False)
            for i, t in enumerate(tasks)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for f in distributed.as_completed(futures):
                i = index[f.key]
                r = f.result()
                out[i] = r
                if on_done is not None:
                    on_done(i, r)
        except BaseException:
            client.cancel(futures)
            raise
    return [out[i] for i in range(len(tasks))]
