"""Execution engines for batch extraction: in-process (spaCy's nlp.pipe, optionally multiprocess) or Dask."""
from itertools import islice
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Union

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


def extract_partition(items: List[InputRecord], model_path: Optional[str], batch_size: int) -> List[dict]:
    """Run on a worker: extract a partition of documents and return their records as plain dicts."""
    from .api import extract_many

    nlp = _worker_model(model_path)
    return [document.to_dict() for document in extract_many(items, nlp=nlp, batch_size=batch_size)]


def dask_extract_many(records: Iterable[InputRecord], *, model_path: Optional[Union[str, Path]] = None,
                      scheduler: Optional[str] = None, n_workers: int = 2, partition_size: int = 32,
                      batch_size: int = 16) -> Iterator[Document]:
    """Extract on a Dask distributed cluster, one model per worker, yielding records in input order.

    records (Iterable[InputRecord]): Inputs.
    model_path (Optional[Union[str, Path]]): Pipeline folder every worker can read; the shipped one when None.
    scheduler (Optional[str]): Scheduler address ("tcp://host:8786"); a LocalCluster of n_workers when None.
    n_workers (int): Worker processes of the LocalCluster.
    partition_size (int): Documents per task.
    batch_size (int): nlp.pipe batch size on the workers.
    YIELDS (Document): One record per input.
    """
    from dask.distributed import Client, LocalCluster, wait

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    model = str(model_path) if model_path is not None else None
    iterator = iter(records)
    try:
        pending = []
        max_pending = 2 * max(1, len(client.scheduler_info()["workers"]))
        while True:
            while len(pending) < max_pending:
                partition = list(islice(iterator, partition_size))
                if not partition:
                    break
                pending.append(client.submit(extract_partition, partition, model, batch_size, pure=False))
            if not pending:
                break
            head = pending.pop(0)
            wait([head])
            for record in head.result():
                yield Document.from_dict(record)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
