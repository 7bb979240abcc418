"""The local engine: a pipeline stage's work spread over this machine's cores.

Workers only compute (tokens, shingles, alignments); they read the texts they need from
the store themselves (each process its own read-only connection), so no process holds
the collection, and the driver alone writes (:mod:`newstrace.pipeline`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from ..align import Document, DocumentCache
from ..candidates import shingle_config
from ..normalize import WordColumns, load_aliases
from ..settings import Settings
from ..store import Store, open_store


class _Worker:
    """What a stage may ask of the process running it (:class:`~newstrace.pipeline.stages.Worker`):
    the settings, the alias table, and the store's texts, read through the process's own
    connection."""

    def __init__(self, store_path: str, settings: Settings):
        self.settings = settings
        self.aliases = load_aliases(settings.aliases)
        self.documents = DocumentCache(settings.align_cache)
        self.context = None  # what every call of the running stage needs (see LocalEngine.map)
        self._store_path, self._config = store_path, shingle_config(settings)
        self._store, self._pid = None, None

    def store(self) -> Store:
        """This process's own read-only connection to the store."""
        if self._pid != os.getpid():  # a forked worker opens its own connection
            self._store, self._pid = open_store(self._store_path, read_only=True), os.getpid()
        return self._store

    def text(self, article_id: str) -> str:
        return self.store().article(article_id).text

    def words(self, article_id: str) -> tuple[str, WordColumns]:
        """The article's text and its words' columns: those the shingle stage stored, or made."""
        text, packed = self.store().text_and_tokens(article_id, self._config)
        columns = WordColumns.unpacked(packed) if packed is not None else None
        return text, columns or WordColumns.of(text, self.aliases)

    def document(self, article_id: str) -> Document:
        """A tokenized article (partners recur across pairs: see DocumentCache)."""
        return self.documents.get(article_id, lambda: Document.from_columns(article_id, *self.words(article_id)))


# The worker of this process: set in the driver before the pool forks, so that workers
# start with the settings and the alias table made.
_worker: _Worker | None = None


def _in_worker(stage: Callable, item):
    return stage(_worker, item)


def _start_worker(parent: int) -> None:
    """A worker ends when its driver does, even killed (SIGKILL leaves it no time to stop
    its pool): Linux sends the worker SIGKILL then (elsewhere, without prctl, it may outlive
    a killed driver). Its matrix products run on one thread: the workers fill the cores, and
    more threads than cores spin against each other (the sentence encoder ran 4x slower)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the driver ended before the line above took effect
        os._exit(1)


class LocalEngine:
    """Runs a stage over items on ``settings.workers`` processes (0: one per core)."""

    def __init__(self, store_path: str, settings: Settings):
        self.store_path = store_path
        self.settings = settings
        self.workers = settings.workers or os.cpu_count() or 1

    def map(self, stage: Callable, items: list, chunksize: int = 1, context=None) -> Iterator:
        """``stage(worker, item)`` of each item, in order; ``context``, what every call needs,
        is ``worker.context`` (the workers are forked with it: shared, not copied)."""
        global _worker
        _worker = _Worker(self.store_path, self.settings)
        _worker.context = context
        if self.workers <= 1 or len(items) < 2 * self.workers:
            yield from (stage(_worker, item) for item in items)
            return
        # fork: workers start with the driver's state (settings, alias table) set up.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(self.workers, mp_context=context, initializer=_start_worker,
                                 initargs=(os.getpid(),)) as pool:
            yield from pool.map(partial(_in_worker, stage), items, chunksize=chunksize)
