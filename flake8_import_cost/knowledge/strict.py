"""Strict modules (IMC901, IMC902): callables known to be side-effect free.

Every entry is deliberate: calling it at import time only builds a value (or
a class, a function, a lazy object) and touches no file, socket, process,
thread or other module's state. Exact qualified names first, then
``fnmatch`` patterns for modules whose every public callable qualifies.
"""

#: Builtins that only compute a value.
PURE_BUILTINS: frozenset[str] = frozenset(
    {
        "abs", "all", "any", "ascii", "bin", "bool", "bytearray", "bytes", "callable", "chr",
        "classmethod", "complex", "dict", "dir", "divmod", "enumerate", "filter", "float", "format",
        "frozenset", "getattr", "globals", "hasattr", "hash", "hex", "id", "int", "isinstance",
        "issubclass", "iter", "len", "list", "locals", "map", "max", "memoryview", "min", "next",
        "object", "oct", "ord", "pow", "property", "range", "repr", "reversed", "round", "set",
        "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
    }
)  # fmt: skip

#: Qualified names of side-effect-free callables outside the builtins.
PURE_CALLABLES: frozenset[str] = frozenset(
    {
        # building values and classes
        "collections.namedtuple", "collections.defaultdict", "collections.OrderedDict",
        "collections.Counter", "collections.deque", "collections.ChainMap",
        "contextlib.contextmanager", "contextlib.asynccontextmanager", "contextlib.suppress",
        "decimal.Decimal", "fractions.Fraction", "string.Template", "struct.Struct", "uuid.UUID",
        "datetime.date", "datetime.datetime", "datetime.time", "datetime.timedelta", "datetime.timezone",
        "types.SimpleNamespace", "types.MappingProxyType", "types.new_class",
        "weakref.WeakKeyDictionary", "weakref.WeakValueDictionary", "weakref.WeakSet", "weakref.ref",
        "threading.Lock", "threading.RLock", "threading.local", "threading.Event",
        "pathlib.Path", "pathlib.PurePath", "pathlib.PurePosixPath", "pathlib.PureWindowsPath",
        "os.path.join", "os.path.dirname", "os.path.basename", "os.path.splitext", "os.path.split",
        "os.path.normpath", "os.path.abspath", "os.fspath", "os.getenv", "os.environ.get",
        "re.compile", "re.escape", "textwrap.dedent", "json.dumps", "json.loads", "sys.intern",
        "logging.getLogger", "warnings.catch_warnings",
        # lazy translations and helpers of Django that only build lazy objects
        "django.utils.translation.gettext_lazy", "django.utils.translation.pgettext_lazy",
        "django.utils.translation.ngettext_lazy", "django.utils.translation.npgettext_lazy",
        "django.utils.translation.ugettext_lazy", "django.utils.functional.lazy",
        "django.utils.functional.cached_property", "django.utils.functional.classproperty",
        # code generators: they build classes and fields, nothing else
        "attr.s", "attr.attrs", "attr.ib", "attr.attrib", "attr.define", "attr.frozen", "attr.field",
        "attr.mutable", "attrs.define", "attrs.frozen", "attrs.mutable", "attrs.field",
        "pydantic.Field", "pydantic.field_validator", "pydantic.model_validator", "pydantic.validator",
    }
)  # fmt: skip

#: Modules whose every public callable is side-effect free.
PURE_PATTERNS: tuple[str, ...] = (
    "abc.*",
    "collections.abc.*",
    "dataclasses.*",
    "enum.*",
    "functools.*",
    "itertools.*",
    "math.*",
    "operator.*",
    "typing.*",
    "typing_extensions.*",
)

#: Method names that change the object they are called on.
MUTATING_METHODS: frozenset[str] = frozenset(
    {
        "append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault",
        "add", "discard", "sort", "reverse", "difference_update", "intersection_update",
        "symmetric_difference_update", "register", "connect", "__setitem__", "__delitem__",
    }
)  # fmt: skip

#: Methods of str, bytes, list, dict, set and tuple values that only compute a value.
PURE_METHODS: frozenset[str] = frozenset(
    {
        "capitalize", "casefold", "center", "count", "copy", "decode", "encode", "endswith", "expandtabs",
        "find", "format", "format_map", "fromkeys", "get", "index", "isalnum", "isalpha", "isdigit",
        "islower", "isspace", "istitle", "isupper", "items", "join", "keys", "ljust", "lower", "lstrip",
        "partition", "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition",
        "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
        "translate", "upper", "values", "zfill", "union", "intersection", "difference",
        "symmetric_difference", "issubset", "issuperset", "isdisjoint",
    }
)  # fmt: skip
