"""Order-preserving batching bounded by item count and total size."""
from typing import Callable, Iterable, Iterator, List, TypeVar

Item = TypeVar("Item")


def bounded_batches(items: Iterable[Item], *, max_items: int, max_size: int,
                    size_of: Callable[[Item], int]) -> Iterator[List[Item]]:
    """Consecutive batches of at most max_items items and, unless a single item is larger, max_size in total.

    items (Iterable[Item]): Items in order; the batches keep that order.
    max_items (int): Most items in one batch.
    max_size (int): Most total size in one batch (an item larger than this forms a batch of its own).
    size_of (Callable[[Item], int]): The size of one item.
    YIELDS (List[Item]): The batches.
    """
    batch: List[Item] = []
    total = 0
    for item in items:
        size = size_of(item)
        if batch and (len(batch) >= max_items or total + size > max_size):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size
    if batch:
        yield batch
