"""spaCy's parse for ingest, in parser processes beside the writer.

spaCy's parse is the floor of ingest's cost; everything else (cleaning, quote extraction, speakers, matching,
database writes) runs in the process that submits the texts, while forked parser processes work on the other
cores. Texts are submitted as they are cleaned, so the parse starts with the first new article. A parser
sends each parse back as its words and an array of the attributes quote extraction reads (several times
cheaper to pack and unpack than a DocBin, and than extracting the quotes there), so that it does little but
parse. Parsers never touch the database (the inherited connection is left alone and the child leaves
through os._exit, so it is never closed from there).

Once every text is parsed the parsers would idle while the writer works through the rest; the writer then
asks them for the word vectors matching will need for the articles it has yet to store (`ask`, `encoded`),
which on new text are most of its work. Before that they only parse: they set the pace.

Forking is used only from a process with a single thread (the `ingest` command, a task worker, the
benchmark): forking a process whose other threads may hold locks can deadlock the child. Elsewhere (a
development server, a test run with a live server) and for a single text, the same work runs in the calling
process when the results are asked for.
"""

import contextlib
import ctypes
import fcntl
import math
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Iterator
from multiprocessing import connection
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

# spaCy's throughput batch: smaller batches cost more CPU per text. A parser takes what is waiting, up to this
# many, and halves its batches once it knows how many remain (see _batches).
BATCH_SIZE = 32
# The writer's CPU per article against one parser's: each parser keeps this share of a core busy in the one
# writer. `python -m bench.ingest_overhead URL 1 200` on two cores (2026-12-07): SQLite 0.63-0.67, PostgreSQL
# 0.73 (writer 20 ms, parser 28 ms an article).
WRITER_SHARE = 0.65
# A PostgreSQL server on this machine works for the writer on the same cores: 7-8 ms an article (the same runs,
# the CPU time of its backend process), a parse's 0.27. SQLite's work is inside the writer's.
LOCAL_SERVER_SHARE = 0.27
# Parsers run at a lower priority than the writer (and the database server, the web server): where they share
# cores, the writer and the pages go first and the parse takes the rest. In paired runs on two cores
# (`python -m bench.ingest_overhead`, 2026-12-07) two parsers ingested 6-27% more articles a second, and
# ingest / bare with one parser rose by 0.03-0.04, in each of four pairs.
PARSER_NICENESS = 5
PIPE_BYTES = 1 << 20  # the most an unprivileged process may ask (/proc/sys/fs/pipe-max-size)
_DONE = "done"  # a parser's texts are all parsed and sent
_STOP = "stop"  # no more requests: the parser ends
_FAILED = -1  # message index: the parse failed, the error follows
_ENCODED = -2  # message index: a text's word vectors follow
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

# What quote extraction reads of a parse besides the words (tests/test_parsing.py checks that nothing is lost
# on the way). Labels travel as hashes: every one is a label of the model, known to both processes' vocab.
ATTRS = ["TAG", "POS", "DEP", "HEAD", "SENT_START", "ENT_IOB", "ENT_TYPE"]


class ParserStopped(RuntimeError):
    """A parser process ended before its share of the texts was parsed (killed, out of memory)."""


class Parsers:
    """Parse submitted texts; `results()` yields (index, Doc) per text, in the order submitted."""

    def __init__(self, nlp: Language, *, workers: int = 1, fork: bool | None = None) -> None:
        """`fork`: parse in forked processes (True) or in this one (False); by default forked when it is safe."""
        self.nlp, self.workers, self.fork = nlp, max(1, workers), fork
        self._held: list[tuple[int, str]] = []  # texts not sent to a process (yet)
        self._processes: list[Any] = []
        self._texts: Any = None
        self._requests: Any = None  # texts to encode, once the parse is over
        self._parsed: Any = None  # texts parsed by all parsers (shared): equal to _sent, they are idle
        self._readers: list[Any] = []
        self._open: dict[Any, Any] = {}  # reader -> its parser, until the pipe ends
        self._sent = 0
        self._received = 0
        self._done = 0  # parsers that sent all their parses
        self._order: deque[int] = deque()  # indices sent to the parsers, in the order submitted
        self._docs: dict[int, Doc] = {}  # parses read, not yet yielded
        self._vectors: dict[str, tuple[Any, Any]] = {}  # encoded by a parser, not yet taken
        self._asked: set[str] = set()
        self._complete = False  # every text came back

    def submit(self, index: int, text: str) -> None:
        if self._processes:
            self._texts.put((index, text))
            self._order.append(index)
            self._sent += 1
            return
        self._held.append((index, text))
        if len(self._held) >= 2 and (self.fork if self.fork is not None else _can_fork()):
            self._start()

    def results(self) -> Iterator[tuple[int, Doc]]:
        """Each text's parse, in the order submitted whatever the number of parsers and whichever finishes
        first: articles are then stored, and grouped into statements, the same way on every run. The parsers
        stay for `ask` until `close()` (also on an error or an early stop)."""
        if not self._processes:
            yield from _parse(self.nlp, self._held)
            return
        for _ in self._processes:
            self._texts.put(None)
        try:
            while self._order:
                index = self._order[0]
                if index not in self._docs:
                    self._read()
                    continue
                self._order.popleft()
                yield index, self._docs.pop(index)
            self._complete = True
        finally:
            if not self._complete:
                self.close()

    def ask(self, texts: list[str]) -> list[str]:
        """Have idle parsers encode these texts' word vectors (see `encoded`); returns those asked for, none
        while any text is still to parse (they set the pace then) or when parsing in this process."""
        if not self._processes or self._parsed.value < self._sent or not texts:
            return []
        asked = [text for text in texts if text not in self._asked and text not in self._vectors]
        if asked:
            self._requests.put(asked)
            self._asked.update(asked)
        return texts

    def encoded(self, texts: list[str]) -> dict[str, tuple[Any, Any]]:
        """The word vectors of texts given to `ask`, waiting for those still being encoded."""
        while any(text in self._asked for text in texts):
            self._read()
        return {text: self._vectors.pop(text) for text in texts if text in self._vectors}

    def close(self) -> None:
        for _ in self._processes:
            self._requests.put(_STOP)
        for process in self._processes:
            if not self._complete:
                process.terminate()  # stopped early (an error, or the caller stopped reading)
            process.join(timeout=5)
            if process.is_alive():  # a parser that does not stop when told to
                process.terminate()
                process.join()
        for reader in self._readers:
            reader.close()
        for channel in (self._texts, self._requests):
            if channel is not None:
                # The queue's feeder thread must end with the run: a later run forks only from a lone thread.
                if not self._complete:
                    channel.cancel_join_thread()  # what nobody will read: do not wait to flush it
                channel.close()
                channel.join_thread()
        self._texts = self._requests = None
        self._processes, self._readers, self._open = [], [], {}

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self._texts = context.Queue()  # never refuses a text: the writer never waits on a parser to submit
        self._requests = context.Queue()
        self._parsed = context.Value("l", 0)
        for n in range(self.workers):
            # One pipe per parser, its writing end closed here: a parser that dies, even in the middle of a
            # message, is an end of file, not a read that waits for ever.
            reader, writer = context.Pipe(duplex=False)
            _widen(writer)
            process = context.Process(
                target=_work,
                args=(self.nlp, self._texts, self._requests, self._parsed, writer, os.getpid()),
                name=f"ingest-parser-{n}",
                daemon=True,
            )
            process.start()
            writer.close()
            self._processes.append(process)
            self._readers.append(reader)
            self._open[reader] = process
        held, self._held = self._held, []
        for item in held:
            self.submit(*item)

    def _read(self) -> None:
        """Read what the parsers have sent (waiting up to a second): parses, vectors, an end or an error."""
        for reader in connection.wait(list(self._open), timeout=1.0):
            try:
                message = reader.recv()
            except EOFError:  # it ended without being told to
                process = self._open.pop(reader)
                process.join(timeout=5)
                raise ParserStopped(f"a parser process stopped with exit code {process.exitcode}") from None
            if message == _DONE:
                self._done += 1
            elif message[0] == _FAILED:
                raise message[1]  # the parse itself failed: as if it had failed in this process
            elif message[0] == _ENCODED:
                text, vectors = message[1]
                self._asked.discard(text)
                self._vectors[text] = vectors
            else:
                self._received += 1
                index, (words, spaces, attributes) = message
                doc = Doc(self.nlp.vocab, words=words, spaces=spaces)
                self._docs[index] = doc.from_array(ATTRS, attributes)
        if self._done == len(self._processes) and self._received < self._sent:
            raise ParserStopped(f"{self._sent - self._received} texts came back from no parser")


def default_workers(cores: int | None = None, *, local_server: bool | None = None) -> int:
    """How many parser processes are worth starting: one a core at most (they run niced: on a core they share
    with the writer, the writer goes first and they take what is left), and as many as the one writer keeps
    pace with, to the nearest (1 / its share; with the parse no longer setting the pace, another parser only
    takes CPU from the writer and memory: two parsers beside a PostgreSQL server on two cores ingested 27-29
    articles a second against one's 31-32). `local_server`: the database server runs on this machine (by
    default, the configured database's)."""
    cores = cores or len(os.sched_getaffinity(0))
    if local_server is None:
        local_server = database_server_here()
    share = WRITER_SHARE + (LOCAL_SERVER_SHARE if local_server else 0.0)
    return max(1, min(cores, math.floor(1 / share + 0.5)))


def database_server_here() -> bool:
    """Whether the configured database has a server, and it runs on this machine (SQLite has none)."""
    from django.db import connection

    return connection.vendor != "sqlite" and is_this_machine(connection.settings_dict.get("HOST") or "")


def is_this_machine(host: str) -> bool:
    """A database host that is this machine: a local socket (empty, or a directory) or a loopback address."""
    return not host or host.startswith("/") or host in {"localhost", "127.0.0.1", "::1"}


def _can_fork() -> bool:
    # Threads not started by Python (a native library's pool) count too: the operating system's view.
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        threads = threading.active_count()
    return "fork" in multiprocessing.get_all_start_methods() and threads == 1


def _parse(nlp: Language, texts: Any, *, batch_size: int = BATCH_SIZE) -> Iterator[tuple[int, Doc]]:
    pairs = ((text, index) for index, text in texts)
    yield from ((index, doc) for doc, index in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size))


def _work(nlp: Language, texts: Any, requests: Any, parsed: Any, results: Any, parent: int) -> None:
    _die_with(parent)
    os.nice(PARSER_NICENESS)
    try:
        for batch in _batches(texts, parent):
            docs = list(_parse(nlp, batch, batch_size=len(batch)))
            with parsed.get_lock():
                parsed.value += len(docs)
            for index, doc in docs:
                results.send(
                    (index, ([t.text for t in doc], [bool(t.whitespace_) for t in doc], doc.to_array(ATTRS)))
                )
        results.send(_DONE)
        _encode(requests, results, parent)
    except BaseException as error:
        results.send((_FAILED, _picklable(error)))


def _encode(requests: Any, results: Any, parent: int) -> None:
    """Encode the texts the writer asks for, until told to stop."""
    from articles.nlp import embedding

    while (texts := _next(requests, parent)) != _STOP:
        for text in texts:  # one at a time: a batch is padded to its longest text, and sent as each is done
            (found,) = embedding.encode(texts=[text])
            results.send((_ENCODED, (text, (found.words, found.word_vectors))))


def _batches(texts: Any, parent: int) -> Iterator[list[tuple[int, str]]]:
    """The texts in batches of what is waiting, up to BATCH_SIZE: the first comes back after a parse of the one
    or two texts submitted so far, so the writer starts at once. Once the end is in sight (the writer's end
    marker came within a batch's reach), each batch is half of what remains: a whole last batch would leave
    the writer a batch of articles to write after the parse is over, one article leaves it one."""
    waiting: list[tuple[int, str]] = []
    ended = False
    while True:
        if not waiting and not ended:
            item = _next(texts, parent)
            if item is None:
                return
            waiting.append(item)
        # Take what is waiting, a batch and one text at most: other parsers share the queue, and the writer
        # takes the parses in the order submitted, so texts held here for a next batch would keep it waiting
        # while another parser's later texts are done; the one text more shows the end coming when what
        # remains fits in a batch. Stop at our end marker (the next is another parser's).
        while not ended and len(waiting) <= BATCH_SIZE:
            try:
                item = texts.get_nowait()
            except queue.Empty:
                break
            if item is None:
                ended = True
            else:
                waiting.append(item)
        if not waiting:
            return
        size = min(BATCH_SIZE, (len(waiting) + 1) // 2 if ended else len(waiting))
        batch, waiting = waiting[:size], waiting[size:]
        yield batch


def _widen(pipe: Any) -> None:
    """Room for a few batches of parses in the pipe (Linux: 64 kB by default, about two articles), so that a
    parser goes on while the writer spends longer on one article."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _die_with(parent: int) -> None:
    """A parser must not outlive its writer (killed with SIGKILL, say): it holds a copy of the writer's
    database socket, and the server keeps the writer's transaction, and its locks, open while one is open."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: _until_done() notices within a second
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # died before the line above
        os._exit(1)


def _next(channel: Any, parent: int) -> Any:
    """The next item of a queue, waiting for it (and leaving if the writer is gone)."""
    while True:
        try:
            return channel.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:
                os._exit(1)


def _picklable[E: BaseException](error: E) -> E | RuntimeError:
    # An exception travels back through a pipe; one that cannot be pickled is sent as its description.
    try:
        pickle.dumps(error)
        return error
    except Exception:
        return RuntimeError(repr(error))
