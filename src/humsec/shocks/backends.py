"""Where the blocks run: serially, on a thread pool, as Dask tasks, or on a Dask cluster;
results in block order.

Every backend yields the block results in the order of the blocks, so sums over them are the
same bytes whichever backend ran them. ``distributed`` sends the blocks to the Dask cluster
of the running ``distributed.Client`` (a LocalCluster or a scheduler on other machines): the
block function, with the simulated shocks and the unit arrays it closes over, is scattered to
every worker once, each block is one task, and the results come back in block order, so a
cluster gives the same numbers as one process, seed for seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from threadpoolctl import threadpool_limits

from humsec.errors import SpecError

__all__ = ["map_blocks"]

Task = TypeVar("Task")
Result = TypeVar("Result")


def map_blocks(run: Callable[[Task], Result], blocks: list[Task], backend: str,
                workers: int) -> Iterator[Result]:
    """Block results, in block order, from the chosen backend."""
    # The block products are skinny (pairs x households times households x groups): BLAS
    # threads only contend with the block workers, so BLAS runs single-threaded here.
    with threadpool_limits(limits=1, user_api="blas"):
        if backend == "numpy" or workers <= 1 or len(blocks) <= 1:
            yield from map(run, blocks)
        elif backend == "threads":
            with ThreadPoolExecutor(max_workers=workers) as pool:
                yield from pool.map(run, blocks)
        elif backend == "distributed":
            yield from distributed_map(run, blocks)
        else:
            yield from dask_map(run, blocks, workers)



def dask_map(run: Callable[[Task], Result], blocks: list[Task], workers: int
              ) -> list[Result]:
    try:
        import dask
    except ImportError as error:  # pragma: no cover - dask is an optional extra
        raise SpecError("backend='dask' needs Dask", location="simulate(backend=...)",
                        hint="pip install 'humsec[dask]' or use backend='threads'") from error
    tasks = [dask.delayed(run)(b) for b in blocks]
    return list(dask.compute(*tasks, scheduler="threads", num_workers=workers))


def _run_block(run: Callable[[Task], Result], block: Task) -> Result:
    return run(block)


def distributed_map(run: Callable[[Task], Result], blocks: list[Task]
                    ) -> Iterator[Result]:
    """Block results in block order from the cluster of the running Dask client."""
    try:
        from distributed import default_client
    except ImportError as error:  # pragma: no cover - distributed is an optional extra
        raise SpecError("backend='distributed' needs dask.distributed",
                        location="simulate(backend=...)",
                        hint="pip install 'dask[distributed]' or use backend='threads'") from error
    try:
        client = default_client()
    except ValueError as error:
        raise SpecError("backend='distributed' needs a running Dask client",
                        location="simulate(backend=...)",
                        hint="start one first: distributed.Client(distributed.LocalCluster()) "
                             "or distributed.Client('tcp://scheduler:8786')") from error
    [shared] = client.scatter([run], broadcast=True, hash=False)
    futures = [client.submit(_run_block, shared, block, pure=False) for block in blocks]
    for future in futures:
        yield future.result()
        future.release()
