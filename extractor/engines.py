"""Execution engines for batch extraction: in-process (spaCy's nlp.pipe, optionally multiprocess) or Dask."""
from collections import deque
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

from .batching import bounded_batches
from .document import Document
from .inputs import InputRecord

_WORKER_MODELS: Dict[str, object] = {}


def _worker_model(model_path: Optional[str]):
    """The pipeline of this worker process, loaded once per model path."""
    key = model_path or "<default>"
    if key not in _WORKER_MODELS:
        from .api import load

        _WORKER_MODELS[key] = load(model_path)
    return _WORKER_MODELS[key]


def extract_partition(items: List[InputRecord], model_path: Optional[str], batch_size: int,
                      torch_threads: int = 0) -> List[dict]:
    """Run on a worker: extract a partition of documents and return their records as plain dicts."""
    from .api import extract_many

    if torch_threads > 0:
        import torch

        torch.set_num_threads(torch_threads)
    nlp = _worker_model(model_path)
    return [document.to_dict() for document in extract_many(items, nlp=nlp, batch_size=batch_size)]


def dask_extract_many(records: Iterable[InputRecord], *, model_path: Optional[Union[str, Path]] = None,
                      scheduler: Optional[str] = None, n_workers: int = 2, partition_size: int = 256,
                      batch_size: int = 16) -> Iterator[Document]:
    """Extract on a Dask distributed cluster, one model per worker, yielding records in input order.

    records (Iterable[InputRecord]): Inputs.
    model_path (Optional[Union[str, Path]]): Pipeline folder every worker can read; the shipped one when None.
    scheduler (Optional[str]): Scheduler address ("tcp://host:8786"); a LocalCluster of n_workers when None.
    n_workers (int): Worker processes of the LocalCluster.
    partition_size (int): Most documents per task (tasks also stop at about PARTITION_CHARS characters).
    batch_size (int): nlp.pipe batch size on the workers.
    YIELDS (Document): One record per input.
    """
    from dask.distributed import Client, LocalCluster

    cluster = None
    threads = _threads_per_worker(n_workers) if scheduler is None else 0
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    model = str(model_path) if model_path is not None else None
    try:
        max_pending = 2 * max(1, len(client.scheduler_info()["workers"]))
        yield from _in_order(partitions(records, partition_size),
                             lambda part: client.submit(extract_partition, part, model, batch_size, threads, pure=False),
                             max_pending)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def pool_extract_many(records: Iterable[InputRecord], *, model_path: Union[str, Path], n_workers: int,
                      partition_size: int = 256, batch_size: int = 16, nlp: Optional[Any] = None,
                      start_method: Optional[str] = None) -> Iterator[Document]:
    """Extract with a pool of worker processes, one model each, yielding records in input order.

    Forked workers inherit nlp without loading it again (about 2.5 s per worker, a tenth of a corpus run on two
    cores). Forking is only safe when each worker runs one torch thread: torch's CPU thread pool is GNU OpenMP,
    and a forked child that runs more threads than one hangs once the parent has used it. So by default workers
    are forked on Linux when nlp is given and the CPUs divide into one thread per worker, and spawned otherwise,
    loading the pipeline from model_path.
    records (Iterable[InputRecord]): Inputs with their final ids.
    model_path (Union[str, Path]): Pipeline folder spawned workers load.
    n_workers (int): Worker processes.
    partition_size (int): Most documents per task (tasks also stop at about PARTITION_CHARS characters).
    batch_size (int): nlp.pipe batch size in the workers.
    nlp (Optional[Language]): The pipeline loaded from model_path, for forked workers to inherit.
    start_method (Optional[str]): "fork" (one torch thread per worker; needs nlp) or "spawn"; chosen as above
        when None.
    YIELDS (Document): One record per input.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    threads = _threads_per_worker(n_workers)
    method = start_method or _default_start_method(threads, nlp)
    if method == "fork":
        if nlp is None:
            raise ValueError("start_method 'fork' needs the loaded pipeline (nlp) for the workers to inherit")
        threads = 1
    key = str(model_path)
    inherited = method == "fork" and key not in _WORKER_MODELS
    if inherited:
        _WORKER_MODELS[key] = nlp
    try:
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context(method)) as pool:
            yield from _in_order(partitions(records, partition_size),
                                 lambda part: pool.submit(extract_partition, part, key, batch_size, threads),
                                 2 * n_workers)
    finally:
        if inherited:
            del _WORKER_MODELS[key]


def fork_available() -> bool:
    """RETURNS (bool): Whether worker processes can be forked here (Linux; fork is unsafe on macOS)."""
    import sys

    return sys.platform.startswith("linux")


def _default_start_method(threads_per_worker: int, nlp: Optional[Any]) -> str:
    return "fork" if nlp is not None and threads_per_worker == 1 and fork_available() else "spawn"


PARTITION_CHARS = 50_000


def _threads_per_worker(n_workers: int) -> int:
    """RETURNS (int): torch threads for each of n_workers local workers, so they do not oversubscribe the CPUs."""
    import os

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cpus // n_workers)


def partitions(records: Iterable[InputRecord], max_docs: int) -> Iterator[List[InputRecord]]:
    """Consecutive partitions of at most max_docs documents and about PARTITION_CHARS characters: large enough for
    the relation classifier to batch windows of many short documents, small enough to spread work over workers."""
    return bounded_batches(records, max_items=max_docs, max_size=PARTITION_CHARS,
                           size_of=lambda record: len(record.text or ""))


def _in_order(parts: Iterable[List[InputRecord]], submit: Callable[[List[InputRecord]], Any],
              max_pending: int) -> Iterator[Document]:
    """Submit partitions, keeping at most max_pending in flight, and yield their records in input order."""
    pending: deque = deque()
    for part in parts:
        pending.append(submit(part))
        if len(pending) >= max_pending:
            yield from (Document.from_dict(record) for record in pending.popleft().result())
    while pending:
        yield from (Document.from_dict(record) for record in pending.popleft().result())
