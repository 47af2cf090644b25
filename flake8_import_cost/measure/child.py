"""The measuring side of ``flake8-import-cost measure``: runs inside the interpreter measured.

:mod:`flake8_import_cost.measure.sampler` starts it as
``python -X importtime -c <this file's source> NONCE ROOT MODE ALARM PRELOAD WARM_UP [MODULE FROMLIST]``.
It must run unchanged on every Python that can be measured (3.10 and later)
and import nothing that ``python -c pass`` has not imported already (``os``,
``sys`` and ``_signal`` are there at start-up), or the modules it pulled in
would be free for the modules measured after them.

``PRELOAD`` (comma-separated, usually empty) is imported first, so that what
it imports is not counted. ``MODE`` is ``serve``, a fork server, or ``once``:
one sample of ``MODULE``, reported on standard error (where there is no
``fork()``). The server reads one request per line on standard input,
``MODULE<TAB>FROMLIST`` (``FROMLIST`` comma-separated, usually empty), forks
a child per request and answers on standard output::

    NONCE hello (version, implementation, start-up modules, sys.path)
    NONCE start PID
    NONCE end EXIT-CODE

The child's report, its ``-X importtime`` lines with whatever else it writes
to fd 2, goes to the file ``REPORT_FILE`` of the directory ``WARM_UP``, which
the server empties before each sample and the sampler reads after ``end``::

    NONCE begin
    import time: ...
    NONCE ok [(module, file), ...]   or   NONCE error (type, message, missing module name)

A file, not the pipe: no process is woken by the lines of a report while its
import is timed. A reader woken at every line (the sampler, in Python, on
another CPU of the same machine) made imports 5-10 % slower than in a fresh
interpreter, whose report nobody parses until it has ended.

Each child puts itself in its own process group, so that a timeout kills
whatever it started too; the server kills that group again after the child
ended, so a child's children never outlive its sample. Standard input and
output of the child, and ``sys.stdout``/``sys.stderr``, are ``/dev/null``: a
module's prints cannot stall the run, fake report lines or read the requests
(what it writes straight to file descriptor 2, the report, the sampler reads
as noise: a record counts only for a module the import added to ``sys.modules``).
``ALARM`` (seconds) ends a child that outlives the command that started it.

A forked child is the interpreter as it was after start-up, but not yet as
fast as a fresh one: its memory is shared copy-on-write with the server, and
its first import runs code nothing has run in this process yet. So, on
Linux, the server remembers which pages each module's sample wrote to, and
before the next sample of that module the child stops itself while the
server copies those pages for it (:func:`_prepare`); then the child imports
a small module of the directory ``WARM_UP`` and forgets it (:func:`_warm_up`),
and only then imports the module timed. ``benchmarks/measure.py`` compares
the figures with fresh interpreters.
"""

import os
import sys

_SIGKILL = 9
#: The module :func:`_warm_up` imports (from a directory of its own, made by the sampler).
WARM_UP_MODULE = "_flake8_import_cost_warm_up"
#: The file of that directory where a forked child writes its report (see :func:`_answer`).
REPORT_FILE = "report"


def _write(fd: int, text: str) -> None:
    data = text.encode("utf-8", "backslashreplace")
    while data:
        data = data[os.write(fd, data):]


def _describe(error: BaseException) -> tuple[str, str, str]:
    """``(type name, one-line message, missing module name)`` of an import's exception."""
    if isinstance(error, SystemExit):
        return "SystemExit", "the module called sys.exit(%r)" % (error.code,), ""
    try:
        message = str(error)
    except BaseException:  # noqa: B036 - a broken __str__ must not hide the failure
        message = ""
    missing = getattr(error, "name", None) if isinstance(error, ImportError) else None
    return type(error).__name__, message, missing if isinstance(missing, str) else ""


def _sample(
    nonce: str, target: str, fromlist: tuple[str, ...], alarm: int, report: int, stop: bool, warm_up: str,
    pages: str = "",
) -> None:
    """Import ``target`` once in this process, reporting on the file descriptor ``report``,
    and never return. With ``stop``, stop first, for the server to prepare this process's
    memory; with ``warm_up`` (a directory), import its module once, untimed, and forget it;
    with ``pages`` (a file), write there which pages the import touched."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    quiet = open(os.devnull, "w", encoding="utf-8", errors="replace")
    for name in ("stdout", "stderr", "__stdout__", "__stderr__"):
        setattr(sys, name, quiet)
    silent = open(os.devnull, encoding="utf-8", errors="replace")
    for name in ("stdin", "__stdin__"):
        setattr(sys, name, silent)
    signals = sys.modules.get("_signal")
    if alarm > 0 and signals is not None:
        signals.alarm(alarm)
    if stop and signals is not None:
        os.kill(os.getpid(), signals.SIGSTOP)
    if warm_up:
        _warm_up(warm_up)
    os.dup2(report, 2)
    os.close(report)
    me = os.getpid()
    before = set(sys.modules)
    if target in before and not fromlist:
        _write(2, "%s error %r\n" % (nonce, ("loaded", "", "")))
        os._exit(0)
    _write(2, "%s begin\n" % nonce)
    try:
        if fromlist:
            __import__(target, fromlist=fromlist)
        else:
            __import__(target)
    except BaseException as error:  # noqa: B036 - SystemExit and KeyboardInterrupt are failures too
        if os.getpid() == me:  # not a child the module forked
            _write(2, "%s error %r\n" % (nonce, _describe(error)))
        os._exit(1)
    if os.getpid() != me:
        os._exit(0)
    if pages:
        try:
            _record_pages(pages)
        except (OSError, ValueError):
            pass
    loaded = []
    for name, module in list(sys.modules.items()):
        if name not in before:
            try:
                path = getattr(module, "__file__", None)
            except BaseException:  # noqa: B036 - a module object with a hostile __getattr__
                path = None
            loaded.append((name, path if isinstance(path, str) else None))
    _write(2, "%s ok %r\n" % (nonce, loaded))
    os._exit(0)


def _warm_up(directory: str) -> None:
    """Import the module of ``directory`` and forget it, leaving ``sys`` as it was.

    A fresh interpreter has just run the import machinery during its start-up:
    its code and data are mapped, cached and primed. A forked child has not,
    and its first import pays for that; this import pays instead, untimed.
    It is found in the first ``sys.path`` entry, so no other entry's finder
    is created or filled, and its ``-X importtime`` line goes to /dev/null.
    """
    sys.path.insert(0, directory)
    try:
        __import__(WARM_UP_MODULE)
    except BaseException:  # noqa: B036 - a warm-up that fails only warms less
        pass
    finally:
        if sys.path and sys.path[0] == directory:
            del sys.path[0]
        sys.path_importer_cache.pop(directory, None)
        sys.modules.pop(WARM_UP_MODULE, None)


def _writable_mappings() -> list[tuple[int, int]]:
    """``(first page, page count)`` of this process's private writable mappings."""
    page = os.sysconf("SC_PAGE_SIZE")
    found = []
    with open("/proc/self/maps", encoding="ascii") as maps:
        for line in maps:
            fields = line.split()
            if fields[1][0:2] == "rw" and fields[1][3] == "p":
                start, end = (int(x, 16) // page for x in fields[0].split("-"))
                found.append((start, end - start))
    return found


def _runs(flags: list[bool], offset: int) -> list[tuple[int, int]]:
    """The runs of true ``flags`` as ``(first page, count)``, the first flag being page ``offset``."""
    runs = []
    first = -1
    for index in range(len(flags) + 1):
        if index < len(flags) and flags[index]:
            if first < 0:
                first = index
        elif first >= 0:
            runs.append((offset + first, index - first))
            first = -1
    return runs


def _record_pages(path: str) -> None:
    """Write which of its pages this process has made its own since the fork (present, no
    longer shared): about the pages the next sample of the same module will write to."""
    pagemap = os.open("/proc/self/pagemap", os.O_RDONLY)
    lines: list[str] = []
    try:
        for start, count in _writable_mappings():
            entries = memoryview(os.pread(pagemap, count * 8, start * 8)).cast("Q")
            flags = [bool(entry >> 63 and (entry >> 56) & 1) for entry in entries]
            lines.extend("%d %d\n" % run for run in _runs(flags, start))
    finally:
        os.close(pagemap)
    with open(path, "w", encoding="ascii") as file:
        file.write("".join(lines))


def _read_pages(path: str) -> list[tuple[int, int]]:
    try:
        with open(path, encoding="ascii") as file:
            text = file.read()
        os.unlink(path)
    except OSError:
        return []
    runs = []
    for line in text.splitlines():
        first, count = line.split()
        runs.append((int(first), int(count)))
    return runs


def _prepare(pid: int, runs: list[tuple[int, int]]) -> None:
    """Before a stopped child is timed, pay the copy-on-write faults its import will take.

    A forked child shares its memory with this process copy-on-write: each
    first write to a page is a fault and a copy, which a fresh interpreter,
    whose pages are its own, does not pay (and which is slow in a virtual
    machine). Of the pages the last sample of the same module wrote to, those
    this process has (a fresh interpreter would have them after start-up too)
    are copied now, by writing them back as they are through
    ``/proc/PID/mem``; the child is stopped, so nothing races. Pages this
    process does not have are left alone: a fresh interpreter pays for those.
    """
    page = os.sysconf("SC_PAGE_SIZE")
    try:
        mem = os.open("/proc/%d/mem" % pid, os.O_RDWR)
    except OSError:
        return
    try:
        pagemap = os.open("/proc/self/pagemap", os.O_RDONLY)
        try:
            for start, count in runs:
                entries = memoryview(os.pread(pagemap, count * 8, start * 8)).cast("Q")
                for first, length in _runs([bool(entry >> 63) for entry in entries], start):
                    try:
                        os.pwrite(mem, os.pread(mem, length * page, first * page), first * page)
                    except OSError:
                        pass
        finally:
            os.close(pagemap)
    except OSError:
        pass
    finally:
        os.close(mem)


def _serve(nonce: str, alarm: int, warm_up: str) -> None:
    """Answer requests until standard input ends, then remove ``warm_up`` (which the sampler
    also does, unless it was killed)."""
    try:
        _answer(nonce, alarm, warm_up)
    finally:
        if warm_up:
            _remove(warm_up)


def _remove(directory: str) -> None:
    for root, directories, files in os.walk(directory, topdown=False):
        for name in files:
            try:
                os.unlink(os.path.join(root, name))
            except OSError:
                pass
        for name in directories:
            try:
                os.rmdir(os.path.join(root, name))
            except OSError:
                pass
    try:
        os.rmdir(directory)
    except OSError:
        pass


def _answer(nonce: str, alarm: int, warm_up: str) -> None:
    requests = sys.stdin.buffer
    prepares = os.path.exists("/proc/self/pagemap") and hasattr(os, "WUNTRACED") and "_signal" in sys.modules
    touched: dict[bytes, list[tuple[int, int]]] = {}
    while True:
        line = requests.readline()
        if not line:
            return
        target, _, rest = line.decode("utf-8").rstrip("\n").partition("\t")
        fromlist = tuple(name for name in rest.split(",") if name)
        runs = touched.get(line, [])
        pages = os.path.join(warm_up, "pages") if prepares and warm_up else ""
        if warm_up:
            report = os.open(os.path.join(warm_up, REPORT_FILE), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        else:
            report = os.dup(1)
        pid = os.fork()
        if pid == 0:
            try:
                os.setpgid(0, 0)
                _sample(nonce, target, fromlist, alarm, report, bool(runs), warm_up, pages)
            finally:
                os._exit(70)
        os.close(report)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child did it first, or is gone already
        _write(1, "%s start %d\n" % (nonce, pid))
        if runs:
            _, status = os.waitpid(pid, os.WUNTRACED)
            if os.WIFSTOPPED(status):
                _prepare(pid, runs)
                os.kill(pid, sys.modules["_signal"].SIGCONT)
        if hasattr(os, "waitid"):
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # a zombie still holds its group id
        try:
            os.killpg(pid, _SIGKILL)
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        if pages:
            touched[line] = _read_pages(pages) or runs
        _write(1, "%s end %d\n" % (nonce, os.waitstatus_to_exitcode(status)))


def main() -> None:
    nonce, root, mode, alarm, preload, warm_up = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:7]
    if sys.path and sys.path[0] == "":
        sys.path[0] = root
    else:
        sys.path.insert(0, root)
    for name in preload.split(","):
        if name:
            __import__(name)
    info = (sys.version.split()[0], sys.implementation.name, sorted(sys.modules), list(sys.path))
    if mode == "once":
        _write(2, "%s hello %r\n" % (nonce, info))
        fromlist = tuple(name for name in sys.argv[8].split(",") if name)
        _sample(nonce, sys.argv[7], fromlist, alarm, os.dup(2), False, "")
    _write(1, "%s hello %r\n" % (nonce, info))
    _serve(nonce, alarm, warm_up)


if __name__ == "__main__":
    main()
