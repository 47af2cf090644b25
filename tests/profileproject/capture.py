"""What Django itself reports during one start-up: ``python capture.py OUTPUT.json``.

Runs ``django.setup()`` then ``resolve("/")`` with an execute wrapper on every
connection (added when Django opens it, through the ``connection_created``
signal), and attributes each query to the innermost frame of this project that
runs a module or class body, and to the outermost project function of the
innermost run of them. Writes ``[[sql, path, line, function], ...]`` with
paths relative to this directory.
"""

import inspect
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def qualname(frame):
    """The function's qualified name: ``co_qualname`` (3.11+), or its class found through ``self``."""
    code = frame.f_code
    if hasattr(code, "co_qualname"):
        return code.co_qualname
    owner = frame.f_locals.get(code.co_varnames[0]) if code.co_argcount else None
    for cls in inspect.getmro(owner if isinstance(owner, type) else type(owner)) if owner is not None else ():
        if code.co_name in vars(cls):
            return f"{cls.__qualname__}.{code.co_name}"
    return code.co_name


def where(frame):
    function = None
    entering = True
    while frame is not None:
        code = frame.f_code
        path = Path(code.co_filename)
        mine = ROOT in path.parents and path.name != "capture.py"
        if mine and not code.co_flags & inspect.CO_OPTIMIZED:
            return str(path.relative_to(ROOT)), frame.f_lineno, function
        if mine and entering:
            function = qualname(frame)
        elif function is not None and not mine:
            entering = False
        frame = frame.f_back
    return None, None, function


def main(output):
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_conf.settings"
    sys.path.insert(0, str(ROOT))
    from django.db.backends.signals import connection_created

    queries = []

    def record(execute, sql, params, many, context):
        queries.append([sql, *where(sys._getframe(1))])
        return execute(sql, params, many, context)

    def connected(sender, connection, **kwargs):
        if record not in connection.execute_wrappers:
            connection.execute_wrappers.append(record)

    connection_created.connect(connected, weak=False)
    import django
    from django.urls import Resolver404, resolve

    django.setup()
    try:
        resolve("/nowhere/")
    except Resolver404:
        pass
    Path(output).write_text(json.dumps(queries), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
