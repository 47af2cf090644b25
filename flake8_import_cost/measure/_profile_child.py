"""The child side of ``flake8-import-cost profile``: one start-up, observed from inside.

:mod:`flake8_import_cost.measure.profile` runs this file as a script in a fresh
interpreter, never imports it::

    python _profile_child.py OUTPUT ROOT MODE django SETTINGS URL
    python _profile_child.py OUTPUT ROOT MODE module NAME
    python _profile_child.py OUTPUT ROOT MODE script PATH [ARG ...]
    python _profile_child.py OUTPUT ROOT MODE runmodule NAME [ARG ...]

MODE is ``light``, ``traced``, or ``plain`` (nothing recorded but the time: the
baseline of ``benchmarks/profile_overhead.py``).

The start-up runs in this process, with ROOT as the working directory and the
first ``sys.path`` entry. What it records is written to OUTPUT as a Python
literal (read back with ``ast.literal_eval``), and the process ends with
``os._exit``: neither threads the program left running nor its ``atexit``
handlers can hang it. A start-up that raises prints its traceback and exits
with status 1, writing nothing.

Both modes time every module load (``_frozen_importlib._find_and_load``, which
both ``import`` statements and ``importlib.import_module`` go through, so
unlike ``-X importtime`` it also sees the modules Django loads by name) and
capture every SQL query. The traced mode also times every statement of every
module body and of the project's class bodies (a class body outside the project
is timed as its ``class`` statement), and records every import edge:

* statements: on Python 3.12+ with ``sys.monitoring``, LINE and PY_RETURN
  events turned on locally, only on the code objects of module and class
  bodies (found when a module's code object is about to run: the ``exec``
  audit event). Before 3.12 with ``sys.settrace``: the global trace function is
  the C builtin ``getattr`` (``getattr(frame, "call", None)`` is ``None``, so no
  Python code runs when a function is called), and a body frame gets a local
  trace function from a one-shot tracer armed just before it starts (by the
  ``exec`` audit event for a module, by a ``__build_class__`` wrapper for a
  class body);
* edges: the load records say which statement loaded each module first; an
  ``__import__`` and an ``importlib.import_module`` wrapper see the statements
  that found the module loaded already.

The file imports nothing that a fresh interpreter has not imported already, so
the start-up it observes pays for every module it needs; nor may it use
``from __future__`` imports, which run an import too.
"""

import builtins
import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import CodeType, FrameType, ModuleType
    from typing import Any

#: ``co_flags`` of functions, lambdas and comprehensions; module and class bodies lack it.
_CO_OPTIMIZED = 1
#: Python 3.12+: a body whose LINE events would cost more line-table scanning than this
#: (:func:`_line_cost`, about 1 ms) is not traced, unless it is project code.
_LINE_COST_BUDGET = 250_000
#: Bodies smaller than this (bytes of bytecode) cost little whatever their lines.
_SMALL_CODE = 2000
#: Before 3.11, every event of a Python trace function copies the frame's cells into its locals
#: and back: in a class body, the empty ``__class__`` cell (the one ``super()`` reads) deletes
#: the body's own ``__class__ = ...`` (Django's ``LazyObject`` proxies its class so), so such a
#: body is not traced.
_CLOBBERS_CLASS_CELL = sys.version_info < (3, 11)
#: Modules whose frames run the import machinery, not a program's import statement.
_MACHINERY = frozenset(
    {"importlib", "importlib._bootstrap", "importlib._bootstrap_external", "importlib.util", "_frozen_importlib",
     "_frozen_importlib_external"}
)  # fmt: skip
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages", "__pypackages__"})
_OUR_FILE = os.path.abspath(__file__)
_perf = time.perf_counter_ns
_bootstrap: "Any" = sys.modules["_frozen_importlib"]
#: ``sys.monitoring`` (Python 3.12+), or ``None``.
_monitoring: "Any" = getattr(sys, "monitoring", None)
_original_find_and_load = _bootstrap._find_and_load
_original_import = builtins.__import__
_original_build_class = builtins.__build_class__
_CodeType = type(compile("", "<code>", "exec"))
_modules = sys.modules
_OUR_GLOBALS = globals()


class _State:
    """Everything one start-up records; a single instance, :data:`_S`."""

    def __init__(self) -> None:
        self.root = ""
        self.traced = False
        self.recording = False
        #: One list per module load, in the order loads start:
        #: [name, parent index, depth, cumulative ns, path, failed].
        self.loads: "list[list[Any]]" = []
        self.load_stack: "list[int]" = []
        #: Module name -> (file, line) of the statement that loaded it, and its index in :attr:`loads`.
        self.loaded_by: "dict[str, tuple[str, int, int]]" = {}
        #: Import edges in the order seen, flat: module, path, line, first (1 or 0), module, ...
        #: (no tuple per edge: allocating objects the garbage collector tracks makes it run
        #: more, and a full collection of a Django process costs tens of milliseconds).
        self.edges: "list[Any]" = []
        #: File -> line -> ns spent on that line of a module or class body, nested work included.
        self.times: "dict[str, dict[int, int]]" = {}
        #: File -> the class bodies registered in it (before 3.12, to arm the tracer for them).
        self.class_bodies: "dict[str, list[CodeType]]" = {}
        #: Queries: (sql, ns, source, path, line, function path, function line, function).
        self.queries: "list[tuple[Any, ...]]" = []
        self.in_project_cache: "dict[str, bool]" = {}
        self.after_load: "dict[str, Callable[[ModuleType], None]]" = {}
        #: Before 3.12: the body code object whose frame the arming tracer waits for.
        self.pending: "CodeType | None" = None
        #: A raw (non-Django) sqlite3.connect in progress: (start ns, database, frame).
        self.raw_connect: "tuple[int, str, FrameType | None] | None" = None
        #: The raw connection it made, until ``sqlite3.connect`` returns it.
        self.raw_handle: "Any" = None
        self.monitoring_tool = -1
        #: Bodies not traced, because line events in them cost too much, or because tracing
        #: would change what they do (:data:`_CLOBBERS_CLASS_CELL`): (file, first line).
        self.untraced: "list[tuple[str, int]]" = []
        #: The script a ``script`` start-up runs as ``__main__``.
        self.main_path: "str | None" = None


_S = _State()
#: The body frames running now, innermost last, as parallel lists (no object per frame):
#: the frame (``sys.settrace``) or its code object (``sys.monitoring``), its current line,
#: when that line started (ns), and the line times of its file.
_keys: "list[object]" = []
_lines: "list[int]" = []
_starts: "list[int]" = []
_files: "list[dict[int, int]]" = []


# -- module loads and import edges --------------------------------------------------------------------


def _importer(frame: "FrameType | None") -> "FrameType | None":
    """The frame of the program statement behind an import: the first one that
    is neither the import machinery nor this file."""
    while frame is not None:
        # (f_globals, not f_code: reading a frame's code object is an audit event, and costs a call)
        globals = frame.f_globals
        if globals is not _OUR_GLOBALS and globals.get("__name__") not in _MACHINERY:
            return frame
        frame = frame.f_back
    return None


def _find_and_load(name: str, import_: "Callable[..., ModuleType]") -> "ModuleType":
    """``_frozen_importlib._find_and_load``, timed: every module load goes through it."""
    state = _S
    if name in _modules or not state.recording:
        found: "ModuleType" = _original_find_and_load(name, import_)
        return found
    index = len(state.loads)
    record: "list[Any]" = [name, state.load_stack[-1] if state.load_stack else -1, len(state.load_stack), 0, None, 0]
    if state.traced:
        frame = _importer(sys._getframe(1))
        if frame is not None:
            path, line = frame.f_code.co_filename, frame.f_lineno
            state.loaded_by[name] = (path, line, index)
            edges = state.edges
            edges.append(name)
            edges.append(path)
            edges.append(line)
            edges.append(1)
    state.loads.append(record)
    state.load_stack.append(index)
    open_bodies = len(_keys)
    start = _perf()
    try:
        module: "ModuleType" = _original_find_and_load(name, import_)
    except BaseException:
        record[5] = 1
        raise
    finally:
        end = _perf()
        record[3] = end - start
        state.load_stack.pop()
        if len(_keys) > open_bodies:  # a body that raised: it ended now
            _close_bodies(open_bodies, end)
    file = getattr(module, "__file__", None)
    record[4] = file if isinstance(file, str) else None
    hook = state.after_load.get(name)
    if hook is not None:
        hook(module)
    return module


def _import(
    name: str,
    globals: "dict[str, Any] | None" = None,
    locals: "dict[str, Any] | None" = None,
    fromlist: "tuple[str, ...] | list[str] | None" = (),
    level: int = 0,
) -> "ModuleType":
    """``builtins.__import__`` (traced mode): notes the edges of every import statement."""
    frame = sys._getframe(1)
    mark = len(_S.loads)
    module = _original_import(name, globals, locals, fromlist, level)
    if _S.recording and frame.f_globals.get("__name__") not in _MACHINERY:  # not the machinery's own imports
        if fromlist:
            base = getattr(module, "__name__", None)
        else:
            base = name if level == 0 else None
        if isinstance(base, str):
            _note_import(frame, base, fromlist or (), mark)
    return module


def _import_module(name: str, package: "str | None" = None) -> "ModuleType":
    """``importlib.import_module`` (traced mode): notes its edges."""
    frame = sys._getframe(1)
    mark = len(_S.loads)
    module: "ModuleType" = _original_import_module(name, package)
    if _S.recording:
        resolved = name
        if name.startswith(".") and package:
            level = len(name) - len(name.lstrip("."))
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            resolved = f"{base}.{name[level:]}" if name[level:] else base
        _note_import(frame, resolved, (), mark)
    return module


def _original_import_module(name: str, package: "str | None" = None) -> "ModuleType":
    raise RuntimeError("importlib.import_module was called before importlib was loaded")


def _note_import(frame: "FrameType", base: str, fromlist: "tuple[str, ...] | list[str]", mark: int) -> None:
    """Edges for one import statement: every module it needed (``base``, its packages,
    the submodules of ``fromlist``) that it did not load itself."""
    importer = _importer(frame)
    if importer is None:
        return
    path, line = importer.f_code.co_filename, importer.f_lineno
    end = base.find(".")
    while True:
        _later_edge(base if end < 0 else base[:end], path, line, mark)
        if end < 0:
            break
        end = base.find(".", end + 1)
    for item in fromlist:
        if item != "*":
            submodule = f"{base}.{item}"
            if submodule in _modules:
                _later_edge(submodule, path, line, mark)


def _later_edge(module: str, path: str, line: int, mark: int) -> None:
    loaded = _S.loaded_by.get(module)
    if loaded is not None and loaded[2] >= mark and loaded[1] == line and loaded[0] == path:
        return  # this statement loaded it: its first edge is recorded already
    edges = _S.edges
    edges.append(module)
    edges.append(path)
    edges.append(line)
    edges.append(0)


def _patch_importlib(importlib: "ModuleType") -> None:
    global _original_import_module
    _original_import_module = importlib.import_module
    importlib.import_module = _import_module  # type: ignore[attr-defined]


# -- statements -------------------------------------------------------------------------------------------


def _register(code: "CodeType") -> bool:
    """Trace a module's body and, in the project, the bodies of the classes it defines at
    import time; whether it is traced (not when it was compiled from a string).

    Outside the project a class body is timed whole, as its ``class`` statement: half the
    line events of a Django start-up are in its class bodies, whose own lines (a method, a
    field) are rarely worth a line of their own (25 of ~26,000 took 0.1 ms or more in the
    admin site of ``benchmarks/profile_overhead.py``)."""
    filename = code.co_filename
    if not filename or filename[0] == "<":
        return False
    tool = _S.monitoring_tool
    in_project = _in_project(filename)
    todo = [code]
    while todo:
        body = todo.pop()
        if body is not code and not in_project:
            continue  # nor the classes it defines
        if tool < 0:
            if body is code:
                pass
            elif _CLOBBERS_CLASS_CELL and "__class__" in body.co_cellvars and "__class__" in body.co_names:
                _S.untraced.append((filename, body.co_firstlineno))
            else:
                _S.class_bodies.setdefault(filename, []).append(body)
        elif in_project or _line_cost(body) <= _LINE_COST_BUDGET:
            _monitoring.set_local_events(tool, body, _LOCAL_EVENTS)
        else:
            _S.untraced.append((filename, body.co_firstlineno))
        for const in body.co_consts:
            if type(const) is _CodeType:
                if not const.co_flags & _CO_OPTIMIZED:
                    todo.append(const)  # a class body
                elif const.co_name.startswith("<generic parameters of "):
                    todo.extend(c for c in const.co_consts if type(c) is _CodeType and not c.co_flags & _CO_OPTIMIZED)
    return True


def _line_cost(code: "CodeType") -> int:
    """About how many line-table entries Python 3.12+ scans to find the line numbers of
    the LINE events of ``code``: it predicts a line from the instruction's offset
    (one line per 16 code units from the first line, give or take 127), and scans
    the table from the start for every line it cannot predict. A long literal table
    (``html.entities``) costs time quadratic in its length."""
    if len(code.co_code) < _SMALL_CODE:
        return 0
    first = code.co_firstlineno
    cost = 0
    previous = None
    for start, _end, line in code.co_lines():
        if line is not None and line != previous and not -127 < line - first - (start >> 5) <= 127:
            cost += start >> 1
        previous = line
    return cost


def _on_line(key: object, line: int) -> None:
    """A body frame (``key``: the frame, or its code object) starts a new line: the
    line it leaves ends now."""
    now = _perf()
    if _keys:
        if _keys[-1] is key:
            current = _lines[-1]
            if current != line:
                times = _files[-1]
                times[current] = times.get(current, 0) + now - _starts[-1]
                _lines[-1] = line
                _starts[-1] = _perf()
            return
        for depth in range(len(_keys) - 2, -1, -1):
            if _keys[depth] is key:  # back in an outer body: the ones above it ended by an exception
                _close_bodies(depth + 1, now)
                _on_line(key, line)
                return
    code = key if type(key) is _CodeType else key.f_code  # type: ignore[attr-defined]
    file_times = _S.times.get(code.co_filename)
    if file_times is None:
        file_times = _S.times[code.co_filename] = {}
    _keys.append(key)
    _lines.append(line)
    _files.append(file_times)
    _starts.append(_perf())


def _on_return(key: object, *_: object) -> None:
    """A body frame returns (or, before 3.12, ends by an exception)."""
    now = _perf()
    for depth in range(len(_keys) - 1, -1, -1):
        if _keys[depth] is key:
            _close_bodies(depth, now)
            return


def _close_bodies(depth: int, now: int) -> None:
    """End the body frames from ``depth`` up, at ``now``."""
    while len(_keys) > depth:
        _keys.pop()
        line = _lines.pop()
        times = _files.pop()
        times[line] = times.get(line, 0) + now - _starts.pop()


def _local_tracer(frame: "FrameType", event: str, arg: object) -> "Callable[..., Any]":
    """Before 3.12: the local trace function of a body frame."""
    if event == "line":
        _on_line(frame, frame.f_lineno)
    elif event == "return":
        _on_return(frame)
    return _local_tracer


def _arming_tracer(frame: "FrameType", event: str, arg: object) -> "Callable[..., Any] | None":
    """Before 3.12: the global trace function while a body is about to start."""
    if frame.f_code is _S.pending:
        _S.pending = None
        sys.settrace(getattr)
        return _local_tracer
    return None


def _arm(code: "CodeType") -> None:
    _S.pending = code
    sys.settrace(_arming_tracer)


def _build_class(func: "Callable[..., Any]", name: str, /, *bases: "Any", **keywords: "Any") -> "Any":
    """Before 3.12: ``builtins.__build_class__``, arming the tracer for a class body we trace."""
    code = getattr(func, "__code__", None)
    if code is not None and _S.recording:
        for body in _S.class_bodies.get(code.co_filename, ()):
            if body is code:
                _arm(code)
                break
    return _original_build_class(func, name, *bases, **keywords)


# -- queries ------------------------------------------------------------------------------------------------


def _in_project(filename: str) -> bool:
    """Whether ``filename`` is project code: under the root, not an installed package or virtualenv."""
    cache = _S.in_project_cache
    known = cache.get(filename)
    if known is None:
        known = False
        if filename and filename[0] != "<" and filename != _OUR_FILE:
            relative = os.path.relpath(os.path.abspath(filename), _S.root)
            parts = relative.split(os.sep)
            known = (
                parts[0] != os.pardir
                and not _INSTALLED_DIRS.intersection(parts)
                and not (len(parts) > 1 and os.path.exists(os.path.join(_S.root, parts[0], "pyvenv.cfg")))
            )
        cache[filename] = known
    return known


def _qualname(frame: "FrameType") -> str:
    code = frame.f_code
    qualname = getattr(code, "co_qualname", None)
    if isinstance(qualname, str):
        return qualname
    if code.co_argcount and code.co_varnames[0] in ("self", "cls"):  # Python 3.10: find the defining class
        first = frame.f_locals.get(code.co_varnames[0])
        for cls in (first if isinstance(first, type) else type(first)).__mro__:
            function = getattr(cls.__dict__.get(code.co_name), "__func__", cls.__dict__.get(code.co_name))
            if getattr(function, "__code__", None) is code:
                return f"{cls.__qualname__}.{code.co_name}"
    return code.co_name


def _add_query(sql: object, duration_ns: int, source: str, frame: "FrameType | None") -> None:
    """Record a query with the import-time line behind it (the innermost module or
    class body of the project on the stack) and, when project functions ran it,
    the outermost of the innermost run of them (``AppConfig.ready()``, or a
    function called at import time)."""
    path: "str | None" = None
    line: "int | None" = None
    entry: "FrameType | None" = None
    in_run = True
    while frame is not None:
        code = frame.f_code
        if _in_project(code.co_filename):
            if not code.co_flags & _CO_OPTIMIZED:
                path, line = code.co_filename, frame.f_lineno
                break
            if in_run:
                entry = frame
        elif entry is not None:
            in_run = False
        frame = frame.f_back
    function = (entry.f_code.co_filename, entry.f_lineno, _qualname(entry)) if entry is not None else (None, None, None)
    _S.queries.append((str(sql), duration_ns, source, path, line, *function))


def _django_execute(
    execute: "Callable[..., Any]", sql: object, params: object, many: bool, context: object
) -> "Any":
    """A Django execute wrapper: on every connection, for every query."""
    start = _perf()
    try:
        return execute(sql, params, many, context)
    finally:
        if _S.recording:
            _add_query(sql, _perf() - start, "django", sys._getframe(1))


def _patch_django_connections(base: "ModuleType") -> None:
    """Give every Django database connection our execute wrapper, as it is created."""
    wrapper_class = getattr(base, "BaseDatabaseWrapper", None)
    if wrapper_class is None or not hasattr(wrapper_class, "execute_wrapper"):
        return
    original_init = wrapper_class.__init__

    def __init__(self: "Any", *args: "Any", **kwargs: "Any") -> None:
        original_init(self, *args, **kwargs)
        wrappers = getattr(self, "execute_wrappers", None)
        if isinstance(wrappers, list) and _django_execute not in wrappers:
            wrappers.insert(0, _django_execute)  # outermost: it times what the others add too

    wrapper_class.__init__ = __init__


def _sqlite_trace(sql: str) -> None:
    if _S.recording:
        _add_query(sql, 0, "sqlite3", sys._getframe(1))


def _patch_sqlite3(sqlite3: "ModuleType") -> None:
    """Wrap ``sqlite3.connect`` to trace the statements of raw (non-Django) connections:
    the audit events say which connections those are, but come before the
    connection can take a trace callback."""
    original = sqlite3.connect

    def connect(*args: "Any", **kwargs: "Any") -> "Any":
        connection = original(*args, **kwargs)
        if _S.raw_handle is not None and _S.raw_handle is connection:
            _S.raw_handle = None
            try:
                connection.set_trace_callback(_sqlite_trace)
            except Exception:  # noqa: BLE001, S110 - an untraceable connection is still recorded as connected
                pass
        return connection

    modules: "list[Any]" = [sqlite3, getattr(sqlite3, "dbapi2", None)]
    for module in modules:
        if module is not None and getattr(module, "connect", None) is original:
            module.connect = connect


def _audit(event: str, args: "tuple[Any, ...]") -> None:
    if event == "exec":
        code = args[0] if args else None
        if _S.traced and _S.recording and type(code) is _CodeType and not code.co_flags & _CO_OPTIMIZED:
            if _register(code) and _S.monitoring_tool < 0:
                _arm(code)
    elif event == "sqlite3.connect":
        if _S.recording and args:
            caller: "FrameType | None" = sys._getframe(1)
            while caller is not None and (
                caller.f_globals is _OUR_GLOBALS or str(caller.f_globals.get("__name__", "")).startswith("sqlite3")
            ):
                caller = caller.f_back
            database = os.fsdecode(args[0]) if isinstance(args[0], (str, bytes, os.PathLike)) else repr(args[0])
            from_django = caller is not None and str(caller.f_globals.get("__name__", "")).startswith(
                "django.db.backends"
            )
            memory = database in ("", ":memory:") or "mode=memory" in str(database)
            _S.raw_connect = None if from_django or memory else (_perf(), str(database), caller)
    elif event == "sqlite3.connect/handle":
        pending, _S.raw_connect = _S.raw_connect, None
        if pending is not None and args:
            start, database, caller = pending
            _add_query(f"-- sqlite3.connect({database!r})", _perf() - start, "sqlite3.connect", caller)
            _S.raw_handle = args[0]


# -- the start-up --------------------------------------------------------------------------------------------


def _start(traced: bool) -> None:
    _S.traced = traced
    _S.after_load["django.db.backends.base.base"] = _patch_django_connections
    if "sqlite3" in _modules:
        _patch_sqlite3(_modules["sqlite3"])
    else:
        _S.after_load["sqlite3"] = _patch_sqlite3
    if traced:
        if "importlib" in _modules:
            _patch_importlib(_modules["importlib"])
        else:
            _S.after_load["importlib"] = _patch_importlib
        setattr(builtins, "__import__", _import)  # noqa: B010 - the type checker knows its signature better
        monitoring = _monitoring
        if monitoring is not None:
            tool = next((t for t in (monitoring.PROFILER_ID, 3, 4) if monitoring.get_tool(t) is None), -1)
            if tool >= 0:
                monitoring.use_tool_id(tool, "flake8-import-cost profile")
                monitoring.register_callback(tool, monitoring.events.LINE, _on_line)
                monitoring.register_callback(tool, monitoring.events.PY_RETURN, _on_return)
                _S.monitoring_tool = tool
        if _S.monitoring_tool < 0:
            setattr(builtins, "__build_class__", _build_class)  # noqa: B010 - as above
            sys.settrace(getattr)
    _bootstrap._find_and_load = _find_and_load
    _S.recording = True


def _stop() -> None:
    _S.recording = False
    _bootstrap._find_and_load = _original_find_and_load
    if _S.traced:
        sys.settrace(None)
        builtins.__import__ = _original_import
        builtins.__build_class__ = _original_build_class
        if _S.monitoring_tool >= 0:  # no body we traced runs again: the callbacks are enough to drop
            for event in (_monitoring.events.LINE, _monitoring.events.PY_RETURN):
                _monitoring.register_callback(_S.monitoring_tool, event, None)
        _close_bodies(0, _perf())


def _run_django(settings: str, url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import django

    django.setup()
    from django.urls import Resolver404, resolve

    try:
        resolve(url)
    except Resolver404:
        pass  # the URLconf was imported, which is what the start-up needs


def _run_script(path: str) -> None:
    main = type(sys)("__main__")
    main.__dict__.update(__file__=path, __builtins__=builtins, __spec__=None, __cached__=None)
    _modules["__main__"] = main
    with open(path, "rb") as file:
        source = file.read()
    exec(compile(source, path, "exec"), main.__dict__)


_LOCAL_EVENTS = 0
if _monitoring is not None:
    _LOCAL_EVENTS = _monitoring.events.LINE | _monitoring.events.PY_RETURN


def _runner(kind: str, rest: "list[str]") -> "Callable[[], object]":
    """The start-up to run: a function of no arguments."""
    if kind == "django":
        settings, url = rest
        return lambda: _run_django(settings, url)
    if kind == "module":
        return lambda: __import__(rest[0])
    sys.argv = list(rest)
    if kind == "script":
        path = os.path.abspath(rest[0])
        _S.main_path = path
        if os.path.dirname(path) != _S.root:
            sys.path.insert(1, os.path.dirname(path))
        return lambda: _run_script(path)
    import runpy  # as ``python -m`` does before it runs the module

    return lambda: runpy.run_module(rest[0], run_name="__main__", alter_sys=True)


def main(argv: "list[str]") -> None:
    output, root, mode, kind, *rest = argv
    _S.root = os.path.abspath(root)
    os.chdir(_S.root)
    if sys.path and sys.path[0] == os.path.dirname(_OUR_FILE):
        sys.path[0] = _S.root
    else:  # safe-path mode: the script's folder is not on sys.path
        sys.path.insert(0, _S.root)
    runner = _runner(kind, rest)
    if mode != "plain":
        sys.addaudithook(_audit)
        _start(mode == "traced")
    failure: "BaseException | None" = None
    start = _perf()
    cpu = time.process_time_ns()
    try:
        runner()
    except SystemExit as exit:
        if kind in ("django", "module") or exit.code not in (None, 0):
            failure = exit
    except BaseException as error:  # noqa: B036, BLE001 - reported below: the child's own traceback
        failure = error
    wall = _perf() - start
    cpu = time.process_time_ns() - cpu
    if mode != "plain":
        _stop()
    if failure is not None:
        _fail(failure)
    _write(output, wall, cpu)
    _exit(0)


def _fail(failure: BaseException) -> None:
    if isinstance(failure, SystemExit):
        code = failure.code
        print(f"SystemExit: the program exited with {'status ' if isinstance(code, int) else ''}{code}"
              " during start-up", file=sys.stderr)
    else:
        import traceback

        traceback.print_exception(type(failure), failure, failure.__traceback__)
    _exit(1)


def _write(output: str, wall: int, cpu: int) -> None:
    statements = [(path, line, ns) for path, lines in _S.times.items() for line, ns in lines.items() if line > 0]
    data = {
        "python_version": ".".join(str(part) for part in sys.version_info[:3]),
        "implementation": {"cpython": "CPython", "pypy": "PyPy"}.get(sys.implementation.name, sys.implementation.name),
        "executable": sys.executable,
        "wall_ns": wall,
        "cpu_ns": cpu,
        "tracer": ("sys.monitoring" if _S.monitoring_tool >= 0 else "sys.settrace") if _S.traced else "",
        "loads": _S.loads,
        "main_path": _S.main_path,
        "statements": statements,
        "edges": _S.edges,  # flat: module, path, line, first, ...
        "untraced": _S.untraced,
        "queries": _S.queries,
    }
    with open(output, "w", encoding="utf-8") as file:
        file.write(repr(data))


def _exit(status: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - a closed stream has nothing left to flush
            pass
    os._exit(status)


if __name__ == "__main__":
    main(sys.argv[1:])
