"""Run independent simulation cells in parallel: local processes or a Dask cluster.

A cell is a picklable task for a module-level function (``fn(task) -> result``); the
results come back in task order whatever order they finish in, so the output depends on
the tasks only, never on the number of workers or the scheduling. Every cell carries its
own seed, which is what makes 1, 2 or N workers give byte-identical output.

Local processes are started with ``spawn`` (no fork of a process that runs a progress
thread); a worker ignores SIGINT, and Ctrl-C in the parent terminates the pool at once
(a compiled kernel cannot be interrupted, its process can). Finished cells have been
handed to ``on_done`` by then, so callers keep them.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import signal
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DASK_HINT = "install the Dask extra: pip install 'archproof[dask]'"
_POLL_S = 0.2  # how often a waiting parent wakes up (Ctrl-C, progress)


class MissingExtraError(RuntimeError):
    """An optional dependency is not installed; the message says how to install it."""


def default_workers(n_tasks: int) -> int:
    """One process per core, no more than there are cells."""
    return max(1, min(n_tasks, os.cpu_count() or 1))


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(job: tuple[Callable[[Any], Any], int, Any]) -> tuple[int, Any]:
    fn, i, task = job
    return i, fn(task)


def run_local(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    *,
    workers: int = 1,
    on_done: Callable[[int, R], None] | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]`` on ``workers`` local processes (1: in this process).

    ``on_done(i, result)`` runs in this process as each cell finishes. On
    KeyboardInterrupt the workers are terminated and the interrupt propagates.
    """
    out: dict[int, R] = {}
    if workers <= 1 or len(tasks) <= 1:
        for i, t in enumerate(tasks):
            r = fn(t)
            out[i] = r
            if on_done is not None:
                on_done(i, r)
        return [out[i] for i in range(len(tasks))]
    ctx = mp.get_context("spawn")
    pool = ctx.Pool(min(workers, len(tasks)), initializer=_ignore_sigint)
    try:
        it = pool.imap_unordered(_call, [(fn, i, t) for i, t in enumerate(tasks)])
        while len(out) < len(tasks):
            try:
                i, r = it.next(timeout=_POLL_S)
            except mp.TimeoutError:
                continue
            out[i] = r
            if on_done is not None:
                on_done(i, r)
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
