"""Callables that import what a dotted path names, at run time.

Django applications name their pluggable parts in the settings
(``SEARCH_BACKEND = "app.search.Engine"``) and load them with one of these:
``import_string(settings.SEARCH_BACKEND)()`` at import time builds the class
the setting names, as surely as ``Engine()`` would. Each entry says what the
callable returns for a path: ``object``, the class or function it ends with;
``module``, the module (``getattr(import_module(module_path), name)`` is the
object then).
"""

DYNAMIC_LOADERS: dict[str, str] = {
    "django.utils.module_loading.import_string": "object",
    "pkgutil.resolve_name": "object",
    "pydoc.locate": "object",
    "werkzeug.utils.import_string": "object",
    "kombu.utils.imports.symbol_by_name": "object",
    "celery.utils.imports.symbol_by_name": "object",
    "importlib.import_module": "module",
    "__import__": "module",
}
