"""The measuring side of ``flake8-import-cost measure``: runs inside the interpreter measured.

:mod:`flake8_import_cost.measure.sampler` starts it as
``python -X importtime -c <this file's source> NONCE ROOT MODE ALARM PRELOAD [MODULE FROMLIST]``.
It must run unchanged on every Python that can be measured (3.10 and later)
and import nothing that ``python -c pass`` has not imported already (``os``,
``sys`` and ``_signal`` are there at start-up), or the modules it pulled in
would be free for the modules measured after them.

``PRELOAD`` (comma-separated, usually empty) is imported first, so that what
it imports is not counted. ``MODE`` is ``serve``, a fork server, or ``once``:
one sample of ``MODULE``, reported on standard error (where there is no
``fork()``). The server reads one request per line on standard input,
``MODULE<TAB>FROMLIST`` (``FROMLIST`` comma-separated, usually empty), forks
a child per request and answers on standard output, which is also where the
child's ``-X importtime`` report goes::

    NONCE hello (version, implementation, start-up modules, sys.path)
    NONCE start PID
    import time: ...              (the child's report, and whatever else it writes to fd 2)
    NONCE ok [(module, file), ...]   or   NONCE error (type, message, missing module name)
    NONCE end EXIT-CODE

Each child puts itself in its own process group, so that a timeout kills
whatever it started too; the server kills that group again after the child
ended, so a child's children never outlive its sample. Standard input and
output of the child, and ``sys.stdout``/``sys.stderr``, are ``/dev/null``: a
module's prints cannot stall the run, fake report lines or read the requests.
``ALARM`` (seconds) ends a child that outlives the command that started it.
"""

import os
import sys

_SIGKILL = 9


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


def _sample(nonce: str, target: str, fromlist: tuple[str, ...], alarm: int) -> None:
    """Import ``target`` once in this process, reporting on fd 2, and never return."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
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


def _serve(nonce: str, alarm: int) -> None:
    requests = sys.stdin.buffer
    while True:
        line = requests.readline()
        if not line:
            return
        target, _, rest = line.decode("utf-8").rstrip("\n").partition("\t")
        fromlist = tuple(name for name in rest.split(",") if name)
        pid = os.fork()
        if pid == 0:
            try:
                os.setpgid(0, 0)
                os.dup2(1, 2)
                _sample(nonce, target, fromlist, alarm)
            finally:
                os._exit(70)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child did it first, or is gone already
        _write(1, "%s start %d\n" % (nonce, pid))
        if hasattr(os, "waitid"):
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)  # a zombie still holds its group id
        try:
            os.killpg(pid, _SIGKILL)
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        _write(1, "%s end %d\n" % (nonce, os.waitstatus_to_exitcode(status)))


def main() -> None:
    nonce, root, mode, alarm, preload = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
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
        _sample(nonce, sys.argv[6], tuple(name for name in sys.argv[7].split(",") if name), alarm)
    _write(1, "%s hello %r\n" % (nonce, info))
    _serve(nonce, alarm)


if __name__ == "__main__":
    main()
