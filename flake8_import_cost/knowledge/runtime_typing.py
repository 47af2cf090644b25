"""Annotations that a framework reads at runtime: moving their imports under
``if TYPE_CHECKING:`` would break the program.

pydantic resolves a model's field annotations when the class is built (with
``from __future__ import annotations`` too: it evaluates the strings then), and
FastAPI, Django Ninja and Typer read the signature of every route, dependency
and command when it is registered. IMC101 counts such annotations as uses at
import time, and the fixer never moves their imports. Each entry is a
qualified name.
"""

#: Base classes whose subclasses' field annotations are read when the class is built.
RUNTIME_TYPED_BASES = frozenset(
    {
        "pydantic.BaseModel",
        "pydantic.main.BaseModel",
        "pydantic.RootModel",
        "pydantic_settings.BaseSettings",
        "sqlmodel.SQLModel",
        "ninja.Schema",
        "ninja.ModelSchema",
        "ninja.FilterSchema",
        "msgspec.Struct",
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.MappedAsDataclass",
        "beanie.Document",
        "odmantic.Model",
    }
)

#: Decorators whose class or function has its annotations read at runtime. A
#: standard dataclass keeps string annotations unresolved, but the libraries that
#: build or validate dataclasses (FastAPI request bodies, dacite, cattrs) resolve
#: them: its fields count as read at runtime, to stay safe.
RUNTIME_TYPED_DECORATORS = frozenset(
    {
        "dataclasses.dataclass",
        "pydantic.dataclasses.dataclass",
        "pydantic.validate_call",
        "pydantic.validate_arguments",
        "strawberry.type",
        "strawberry.input",
        "strawberry.interface",
        "strawberry.field",
        "strawberry.mutation",
        "beartype.beartype",
        "typeguard.typechecked",
        "functools.singledispatch",
    }
)

#: Packages that read the signatures of the functions their decorators register
#: (routes, dependencies, commands, resolvers): in a module that imports one, the
#: annotations of every decorated function count as read at runtime.
SIGNATURE_READERS = frozenset(
    {"fastapi", "ninja", "typer", "litestar", "starlite", "strawberry", "cyclopts", "fastmcp", "pydantic"}
)

#: Base classes that build their subclasses from the annotations of the class body, when the
#: class is created: with PEP 649 (Python 3.14+) those annotations are evaluated then
#: (``annotationlib.get_annotations(cls, format=FORWARDREF)`` first tries the real values);
#: with ``from __future__ import annotations`` the strings are kept and nothing is resolved.
BUILT_FROM_ANNOTATIONS_BASES = frozenset(
    {"typing.NamedTuple", "typing_extensions.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict"}
)

#: Decorators that build their class from its annotations, as :data:`BUILT_FROM_ANNOTATIONS_BASES`
#: (attrs reads ``cls.__annotations__``; ``dataclasses.dataclass`` is in :data:`RUNTIME_TYPED_DECORATORS`).
BUILT_FROM_ANNOTATIONS_DECORATORS = frozenset(
    {
        "attr.s",
        "attr.attrs",
        "attr.define",
        "attr.frozen",
        "attr.mutable",
        "attr.dataclass",
        "attrs.define",
        "attrs.frozen",
        "attrs.mutable",
    }
)

#: Calls whose argument is a function whose signature is read at runtime (FastAPI dependencies).
DEPENDENCY_CALLS = frozenset({"fastapi.Depends", "fastapi.Security", "fastapi.params.Depends", "ninja.Query"})

#: Callables that take a type as a string, which type checkers read: ``cast("Frame", x)``.
STRING_TYPE_CALLS = frozenset({"typing.cast", "typing_extensions.cast", "typing.TypeVar", "typing_extensions.TypeVar"})
