"""The ``import-cost-*`` options: one definition for flake8 and the CLI.

Every option is declared once in :data:`OPTIONS`; :func:`register` adds them
to flake8's option manager and :func:`from_namespace` turns the parsed values
into a validated :class:`Settings`, raising :class:`SettingsError` (one line
that names the option) for a bad value.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any


class SettingsError(ValueError):
    """A bad option value; ``str()`` is the one-line message for the user."""


#: The manager attributes IMC201 always knows; ``import-cost-orm-managers`` adds to them.
DEFAULT_ORM_MANAGERS = ("objects", "_default_manager", "_base_manager")
#: Modules that are imported to run the one command they define.
DEFAULT_COMMAND_PATHS = ("*/management/commands/*.py", "*/cli/commands/*.py")
#: The measured-cost database read when ``import-cost-db`` is not given, if it exists.
DEFAULT_DB = ".import-cost.db"
#: Code the application never imports at start-up (see :mod:`flake8_import_cost.policy`).
DEFAULT_NON_STARTUP_PATHS = (
    "*/setup.py",
    "*/migrations/*.py",
    "*/alembic/*.py",
    "*/example_dags/*.py",
    "*/docs/conf.py",
    "*/noxfile.py",
)


class Settings:
    """Validated option values, shared by every rule.

    A plain class rather than a NamedTuple or dataclass: this module loads at
    every flake8 start, and defining one of those costs ~20x more.
    """

    __slots__ = (
        "threshold_ms", "slow_modules", "max_iterations", "codegen_ms", "orm_managers", "heavy_callables",
        "strict_modules", "strict_allow", "test_threshold_ms", "import_time_use_ms", "on_demand_threshold_ms",
        "core_modules", "non_startup_paths", "command_paths", "db", "min_ms", "_database",
    )  # fmt: skip

    def __init__(
        self,
        *,
        threshold_ms: float = 10.0,
        slow_modules: Mapping[str, float | None] | None = None,
        max_iterations: int = 10_000,
        codegen_ms: float = 5.0,
        orm_managers: frozenset[str] = frozenset(DEFAULT_ORM_MANAGERS),
        heavy_callables: tuple[str, ...] = (),
        strict_modules: tuple[str, ...] = (),
        strict_allow: tuple[str, ...] = (),
        test_threshold_ms: float = 100.0,
        import_time_use_ms: float = 100.0,
        on_demand_threshold_ms: float = 100.0,
        core_modules: tuple[str, ...] = (),
        non_startup_paths: tuple[str, ...] = DEFAULT_NON_STARTUP_PATHS,
        command_paths: tuple[str, ...] = DEFAULT_COMMAND_PATHS,
        db: str | None = None,
        min_ms: float = 0.0,
    ) -> None:
        self.threshold_ms = threshold_ms
        #: Extra slow modules: name -> cost in ms, or ``None`` for "always slow".
        self.slow_modules: Mapping[str, float | None] = slow_modules or {}
        self.max_iterations = max_iterations
        self.codegen_ms = codegen_ms
        #: Manager attribute names that start a QuerySet chain (defaults plus the user's).
        self.orm_managers = orm_managers
        #: Extra heavy constructors: ``fnmatch`` patterns on qualified names.
        self.heavy_callables = heavy_callables
        #: Path globs of modules held to the strict rules (IMC901, IMC902).
        self.strict_modules = strict_modules
        #: Extra callables known to be side-effect free in strict modules.
        self.strict_allow = strict_allow
        #: IMC101's threshold in test modules, whose imports are paid at test collection.
        self.test_threshold_ms = test_threshold_ms
        #: IMC101 reports a slow module that the file uses at import time only from this cost up.
        self.import_time_use_ms = import_time_use_ms
        #: IMC101's threshold in the project's modules that its start-up does not import.
        self.on_demand_threshold_ms = on_demand_threshold_ms
        #: Modules the application loads at start-up anyway: never worth deferring in one file.
        self.core_modules = core_modules
        #: Path globs of code the application never imports at start-up.
        self.non_startup_paths = non_startup_paths
        #: Path globs of modules imported to run the one command they define (no IMC101).
        self.command_paths = command_paths
        #: The measured-cost database: a path, ``"none"`` for none, ``None`` for the default.
        self.db = db
        #: Findings measured cheaper than this at start-up are hidden.
        self.min_ms = min_ms
        self._database: str | None | bool = False  # not resolved yet

    def database(self) -> str | None:
        """The cost database to read: the one given, else ``.import-cost.db`` when the
        working directory has one; ``None`` for none. Resolved once."""
        if self._database is False:
            if self.db is None:
                self._database = DEFAULT_DB if os.path.isfile(DEFAULT_DB) else None
            else:
                self._database = None if self.db == "none" else self.db
        return self._database  # type: ignore[return-value]

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed."""
        values = {name: getattr(self, name) for name in self.__slots__ if not name.startswith("_")}
        values.update(changes)
        return Settings(**values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and all(
            getattr(self, n) == getattr(other, n) for n in self.__slots__ if not n.startswith("_")
        )

    def __repr__(self) -> str:
        return "Settings(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__ if n[0] != "_") + ")"


class Option:
    """One ``--import-cost-*`` option: its name, the :class:`Settings` field it
    sets, and the function that validates a raw value."""

    __slots__ = ("name", "field", "metavar", "help", "parse", "comma_separated_list", "normalize_paths")

    def __init__(
        self,
        name: str,
        field: str,
        metavar: str,
        help: str,
        parse: Callable[[str, Any], Any],
        *,
        comma_separated_list: bool = False,
        normalize_paths: bool = False,
    ) -> None:
        self.name = name
        self.field = field
        self.metavar = metavar
        self.help = help
        self.parse = parse
        self.comma_separated_list = comma_separated_list
        self.normalize_paths = normalize_paths


def _number(option: str, raw: Any, *, integer: bool = False) -> Any:
    text = str(raw).strip().replace("_", "")
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingsError(f"--{option}: expected {kind}, got {raw!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise SettingsError(f"--{option}: expected a finite number >= 0, got {raw!r}")
    return value


def _items(raw: Any) -> list[str]:
    """A comma- or white-space-separated list, as flake8 reads it from a config file."""
    if isinstance(raw, str):
        return raw.replace(",", " ").split()
    return [item.strip() for item in raw if item.strip()]


def _patterns(option: str, raw: Any) -> tuple[str, ...]:
    return tuple(_items(raw))


def _patterns_or_none(option: str, raw: Any) -> tuple[str, ...]:
    """Patterns, where ``none`` stands for no pattern at all (to empty a default list)."""
    patterns = _items(raw)
    return () if [p.lower() for p in patterns] == ["none"] else tuple(patterns)


def _database(option: str, raw: Any) -> str:
    text = str(raw).strip()
    if not text:
        raise SettingsError(f"--{option}: expected a path or `none`, got {raw!r}")
    return "none" if text.lower() == "none" else text


def _modules(option: str, raw: Any) -> tuple[str, ...]:
    names = _items(raw)
    for name in names:
        if not all(part.isidentifier() for part in name.split(".")):
            raise SettingsError(f"--{option}: {name!r} is not a module name")
    return tuple(dict.fromkeys(names))


def _slow_modules(option: str, raw: Any) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    for item in _items(raw):
        name, sep, cost = item.partition("=")
        name = name.strip()
        if not name or not all(part.isidentifier() for part in name.split(".")):
            raise SettingsError(f"--{option}: {item!r} is not a module name (expected NAME or NAME=MS)")
        result[name] = _number(option, cost, integer=False) if sep else None
    return result


def _orm_managers(option: str, raw: Any) -> frozenset[str]:
    names = _items(raw)
    for name in names:
        if not name.isidentifier():
            raise SettingsError(f"--{option}: {name!r} is not an attribute name")
    return frozenset(DEFAULT_ORM_MANAGERS).union(names)


_PATTERN_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.*?[]!-")


def _heavy_callables(option: str, raw: Any) -> tuple[str, ...]:
    patterns = _items(raw)
    for pattern in patterns:
        if not set(pattern) <= _PATTERN_CHARACTERS:
            raise SettingsError(f"--{option}: {pattern!r} is not a qualified name or fnmatch pattern")
    return tuple(dict.fromkeys(patterns))


OPTIONS: tuple[Option, ...] = (
    Option(
        "import-cost-threshold-ms",
        "threshold_ms",
        "MS",
        "IMC101: report imports that cost at least MS milliseconds",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-test-threshold-ms",
        "test_threshold_ms",
        "MS",
        "IMC101: the threshold in test modules, whose imports are paid at test collection, not at start-up",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-import-time-use-ms",
        "import_time_use_ms",
        "MS",
        "IMC101: report a slow module that the file uses at import time only when it costs at least MS",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-on-demand-threshold-ms",
        "on_demand_threshold_ms",
        "MS",
        "IMC101: the threshold in the project's modules that its start-up (console scripts, Django settings)"
        " does not import, whose imports are paid when they are first used",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-core-modules",
        "core_modules",
        "LIST",
        "IMC101: modules the application loads at start-up anyway, never reported, comma-separated",
        _modules,
        comma_separated_list=True,
    ),
    Option(
        "import-cost-non-startup-paths",
        "non_startup_paths",
        "GLOBS",
        "path globs of files the application never imports at start-up, comma-separated, or `none`;"
        " only the deprecated-import rule runs on them",
        _patterns_or_none,
        comma_separated_list=True,
        normalize_paths=True,
    ),
    Option(
        "import-cost-command-paths",
        "command_paths",
        "GLOBS",
        "IMC101: path globs of modules imported to run the one command they define, comma-separated, or `none`",
        _patterns_or_none,
        comma_separated_list=True,
        normalize_paths=True,
    ),
    Option(
        "import-cost-db",
        "db",
        "PATH",
        "the measured-cost database that weights findings with measured costs and gives IMC203;"
        " `none` for none (default: .import-cost.db when it exists in the working directory)",
        _database,
        normalize_paths=True,
    ),
    Option(
        "import-cost-min-ms",
        "min_ms",
        "MS",
        "hide findings whose line was measured cheaper than MS at start-up (unmeasured ones stay)",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-slow-modules",
        "slow_modules",
        "LIST",
        "IMC101: extra slow modules, as NAME (always slow) or NAME=MS, comma-separated",
        _slow_modules,
        comma_separated_list=True,
    ),
    Option(
        "import-cost-max-iterations",
        "max_iterations",
        "N",
        "IMC401: report import-time loops of at least N iterations",
        lambda name, raw: _number(name, raw, integer=True),
    ),
    Option(
        "import-cost-codegen-ms",
        "codegen_ms",
        "MS",
        "IMC501: report modules whose generated classes cost at least MS milliseconds",
        lambda name, raw: _number(name, raw),
    ),
    Option(
        "import-cost-strict-modules",
        "strict_modules",
        "GLOBS",
        "IMC901/IMC902: path globs of strict modules, comma-separated (also: a '# import-cost: strict' line)",
        _patterns,
        comma_separated_list=True,
        normalize_paths=True,
    ),
    Option(
        "import-cost-strict-allow",
        "strict_allow",
        "PATTERNS",
        "IMC901/IMC902: extra side-effect-free callables and decorators in strict modules (fnmatch patterns)",
        _patterns,
        comma_separated_list=True,
    ),
    Option(
        "import-cost-orm-managers",
        "orm_managers",
        "LIST",
        "IMC201: extra manager attribute names, comma-separated; they add to the default ones",
        _orm_managers,
        comma_separated_list=True,
    ),
    Option(
        "import-cost-heavy-callables",
        "heavy_callables",
        "PATTERNS",
        "IMC301: extra heavy constructors, as fnmatch patterns on qualified names (acme.*Client), comma-separated",
        _heavy_callables,
        comma_separated_list=True,
    ),
)


def register(option_manager: Any) -> None:
    """Add every option to flake8's option manager."""
    defaults = Settings()
    for option in OPTIONS:
        default = getattr(defaults, option.field)
        option_manager.add_option(
            f"--{option.name}",
            default=None,
            metavar=option.metavar,
            parse_from_config=True,
            comma_separated_list=option.comma_separated_list,
            normalize_paths=option.normalize_paths,
            help=option.help if "(default" in option.help else f"{option.help} (default: {_shown_default(default)})",
        )


def _shown_default(value: object) -> str:
    """A default value as ``--help`` shows it: ``10``, ``objects,_base_manager``, ``none``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (frozenset, tuple, dict)):
        return ",".join(sorted(value)) or "none"
    return str(value)


def from_namespace(namespace: argparse.Namespace | Mapping[str, Any]) -> Settings:
    """Validated settings from flake8's parsed options (or a plain mapping)."""
    values = vars(namespace) if isinstance(namespace, argparse.Namespace) else dict(namespace)
    fields: dict[str, Any] = {}
    for option in OPTIONS:
        raw = values.get(option.name.replace("-", "_"))
        if raw is None or (isinstance(raw, Sequence) and not isinstance(raw, str) and not raw):
            continue
        fields[option.field] = option.parse(option.name, raw)
    return Settings(**fields)


def from_flake8_config(config: str | None = None) -> Settings:
    """The settings flake8 would use here: from ``config``, or from the
    ``setup.cfg``/``tox.ini``/``.flake8`` it finds from the working directory."""
    import configparser

    from flake8.exceptions import ExecutionError
    from flake8.options.config import load_config

    from flake8.utils import normalize_paths, parse_comma_separated_list

    try:
        cfg, cfg_dir = load_config(config, [])
    except (ExecutionError, configparser.Error) as error:
        raise SettingsError(str(error).splitlines()[0]) from None
    if not cfg.has_section("flake8"):
        return Settings()
    values: dict[str, Any] = {}
    for option in OPTIONS:
        for key in (option.name, option.name.replace("-", "_")):
            if cfg.has_option("flake8", key):
                raw: Any = cfg.get("flake8", key)
                if option.normalize_paths:
                    raw = normalize_paths(parse_comma_separated_list(raw), cfg_dir)
                values[option.name.replace("-", "_")] = raw
    return from_namespace(values)
