"""Where the blocks run: serially, on a thread pool or as Dask tasks, results in block order.

Every backend yields the block results in the order of the blocks, so sums over them are the
same bytes whichever backend ran them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from threadpoolctl import threadpool_limits

from humsec.errors import SpecError
from humsec.shocks.blocks import Block, BlockResult

__all__ = ["map_blocks"]


def map_blocks(run: Callable[[Block], BlockResult], blocks: list[Block], backend: str,
                workers: int) -> Iterator[BlockResult]:
    """Block results, in block order, from the chosen backend."""
    # The block products are skinny (pairs x households times households x groups): BLAS
    # threads only contend with the block workers, so BLAS runs single-threaded here.
    with threadpool_limits(limits=1, user_api="blas"):
        if backend == "numpy" or workers <= 1 or len(blocks) <= 1:
            yield from map(run, blocks)
        elif backend == "threads":
            with ThreadPoolExecutor(max_workers=workers) as pool:
                yield from pool.map(run, blocks)
        else:
            yield from dask_map(run, blocks, workers)



def dask_map(run: Callable[[Block], BlockResult], blocks: list[Block], workers: int
              ) -> list[BlockResult]:
    try:
        import dask
    except ImportError as error:  # pragma: no cover - dask is an optional extra
        raise SpecError("backend='dask' needs Dask", location="simulate(backend=...)",
                        hint="pip install 'humsec[dask]' or use backend='threads'") from error
    tasks = [dask.delayed(run)(b) for b in blocks]
    return list(dask.compute(*tasks, scheduler="threads", num_workers=workers))
