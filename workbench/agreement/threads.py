"""Independent block estimates on a few threads.

The resamples of one block come from its own generator (made from the seed and the
statistic group, :func:`workbench.agreement.estimate.group_rng`), so blocks can be
estimated in any order, on any thread, and give the same numbers. NumPy's multinomial
draws and matrix products, most of a block's time, release the GIL, so two cores
estimate two blocks at once. While they run, the BLAS library is held to one thread
(``threadpoolctl``): a block's products are small, and BLAS threads of its own on
every block thread would oversubscribe the cores (measured: 2 block threads with
OpenBLAS's default threads took longer than one thread alone).

``WORKBENCH_THREADS`` sets the number of threads (default: the CPUs this process may
use, at most 4; ``1`` estimates every block in the calling thread).
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import threadpoolctl

__all__ = ["ENV", "map_blocks", "n_threads"]

ENV = "WORKBENCH_THREADS"
"""Environment variable: the number of threads :func:`map_blocks` uses."""

T = TypeVar("T")
R = TypeVar("R")

_POOL: concurrent.futures.ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_LOCK = threading.Lock()


def n_threads() -> int:
    """Threads for block estimates: ``WORKBENCH_THREADS``, else the usable CPUs (at most 4).

    >>> n_threads() >= 1
    True
    """
    raw = os.environ.get(ENV, "").strip()
    if raw:
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"{ENV}: expected a positive integer, got {raw!r}") from None
        if value < 1:
            raise ValueError(f"{ENV}: expected a positive integer, got {raw!r}")
        return value
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def map_blocks(fn: Callable[[T], R], tasks: Sequence[T]) -> list[R]:
    """``[fn(t) for t in tasks]``, on :func:`n_threads` threads; results in task order.

    ``fn`` must not depend on the order the tasks run in. An exception in a task is
    raised here (the first one, in task order).

    >>> map_blocks(lambda v: v * v, [1, 2, 3])
    [1, 4, 9]
    """
    n = min(n_threads(), len(tasks))
    if n <= 1 or threading.current_thread().name.startswith("workbench-block"):
        return [fn(t) for t in tasks]
    with _controller().limit(limits=1, user_api="blas"):
        return list(_pool(n).map(fn, tasks))


_CONTROLLER: threadpoolctl.ThreadpoolController | None = None


def _controller() -> threadpoolctl.ThreadpoolController:
    """The BLAS libraries loaded (found once, on first use: NumPy's is loaded by then)."""
    global _CONTROLLER
    if _CONTROLLER is None:
        _CONTROLLER = threadpoolctl.ThreadpoolController()
    return _CONTROLLER


def _forget_pool() -> None:
    """In a forked child: the parent's pool threads do not exist here; start afresh."""
    global _POOL, _POOL_SIZE, _LOCK
    _POOL, _POOL_SIZE, _LOCK = None, 0, threading.Lock()


if hasattr(os, "register_at_fork"):  # a pool inherited through fork() would never run a task
    os.register_at_fork(after_in_child=_forget_pool)


def _pool(n: int) -> concurrent.futures.ThreadPoolExecutor:
    """One pool for the process, grown when more threads are asked for."""
    global _POOL, _POOL_SIZE
    with _LOCK:
        if _POOL is None or _POOL_SIZE < n:
            if _POOL is not None:
                _POOL.shutdown(wait=False)
            _POOL = concurrent.futures.ThreadPoolExecutor(n, thread_name_prefix="workbench-block")
            _POOL_SIZE = n
        return _POOL
