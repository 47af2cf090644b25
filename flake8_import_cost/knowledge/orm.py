"""IMC201 and IMC202: what Django's ORM and database APIs do when called.

The QuerySet tables follow Django's own ``django.db.models.query``: a method
either returns a new, unevaluated QuerySet (lazy), or runs SQL when it is
called (terminal). Evaluation by iteration, ``len()``, ``bool()``, indexing
and ``repr()`` is modelled in the rule; these tables only name methods.
"""

#: QuerySet (and Manager) methods that return a new QuerySet without running SQL.
QUERYSET_METHODS = frozenset(
    {
        "all",
        "alias",
        "annotate",
        "complex_filter",
        "dates",
        "datetimes",
        "defer",
        "difference",
        "distinct",
        "exclude",
        "extra",
        "filter",
        "get_queryset",
        "intersection",
        "only",
        "order_by",
        "prefetch_related",
        "reverse",
        "select_for_update",
        "select_related",
        "union",
        "using",
        "values",
        "values_list",
    }
)

#: Terminal methods that return one model instance.
INSTANCE_METHODS = frozenset({"get", "first", "last", "latest", "earliest", "create"})
#: Methods that only a related manager has, of those an attribute of a model
#: instance may be called with (``category.tags.all()``): enough to tell a
#: related manager from a dictionary or a list held in a field.
RELATED_MANAGER_METHODS = frozenset({"all", "filter", "exclude", "order_by", "values_list", "select_related"})

#: Methods that run SQL as soon as they are called: method -> what they do.
TERMINAL_METHODS: dict[str, str] = {
    "aggregate": "query",
    "contains": "query",
    "count": "query",
    "earliest": "query",
    "exists": "query",
    "explain": "query",
    "first": "query",
    "get": "query",
    "in_bulk": "query",
    "last": "query",
    "latest": "query",
    # Natural keys: Django's managers and a project's own look the object up.
    "get_by_natural_key": "query",
    # Writes.
    "bulk_create": "write",
    "bulk_update": "write",
    "create": "write",
    "delete": "write",
    "get_or_create": "write",
    "update": "write",
    "update_or_create": "write",
}

#: Terminal methods that only some models' managers have: method -> (the
#: models, by class name, whose manager runs a query for it, what it does).
#: ``ContentTypeManager`` and ``SiteManager`` query on a cold cache; a
#: project's own manager or QuerySet method of the same name (nautobot's
#: ``Role.objects.get_for_models()``, ``Status.objects.get_for_model()``)
#: builds a filter and runs nothing.
MODEL_TERMINAL_METHODS: dict[str, tuple[frozenset[str], str]] = {
    "get_for_id": (frozenset({"ContentType"}), "query"),
    "get_for_model": (frozenset({"ContentType"}), "query"),
    "get_for_models": (frozenset({"ContentType"}), "query"),
    "get_current": (frozenset({"Site"}), "query"),
}

#: Functions that run a query when called: qualified name -> what they do.
QUERY_FUNCTIONS: dict[str, str] = {
    "django.shortcuts.get_object_or_404": "query",
    "django.shortcuts.get_list_or_404": "query",
}

#: Callables (qualified name prefixes) whose ``choices=`` argument Django
#: normalises when the field or widget is built, which iterates a QuerySet.
CHOICES_CALLABLE_PREFIXES = ("django.forms.", "django.db.models.", "django.contrib.postgres.")
#: Callee names (last part) treated like Django fields for ``choices=``, for
#: project subclasses and re-exports that cannot be resolved.
CHOICES_CALLEE_SUFFIXES = ("Field", "Select", "SelectMultiple", "RadioSelect")

#: Django's connection handles.
DJANGO_CONNECTIONS = frozenset({"django.db.connection", "django.db.connections"})
#: Connection methods that open the connection (or a cursor on it).
CONNECTION_OPENERS = frozenset({"cursor", "chunked_cursor", "ensure_connection", "connect"})
#: ``connection.introspection`` methods that query the database.
INTROSPECTION_QUERIES = frozenset(
    {
        "django_table_names",
        "get_constraints",
        "get_primary_key_column",
        "get_primary_key_columns",
        "get_relations",
        "get_sequences",
        "get_table_description",
        "get_table_list",
        "installed_models",
        "sequence_list",
        "table_names",
    }
)
#: Cursor (and DB-API connection) methods that run SQL.
CURSOR_EXECUTE = frozenset({"execute", "executemany", "executescript", "callproc"})

#: DB-API and driver functions that connect to a database server or file.
DBAPI_CONNECT = frozenset(
    {
        "sqlite3.connect",
        "sqlite3.dbapi2.connect",
        "psycopg.connect",
        "psycopg.Connection.connect",
        "psycopg2.connect",
        "pymysql.connect",
        "MySQLdb.connect",
        "mysql.connector.connect",
        "oracledb.connect",
        "cx_Oracle.connect",
        "pyodbc.connect",
    }
)

#: SQLAlchemy: constructors of sessions and engines.
SA_SESSION_FACTORIES = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlalchemy.orm.scoped_session"}
)
SA_SESSIONMAKERS = frozenset({"sqlalchemy.orm.sessionmaker", "sqlalchemy.orm.session.sessionmaker"})
SA_ENGINES = frozenset({"sqlalchemy.create_engine", "sqlalchemy.engine.create_engine"})
#: Engine methods that check out a connection from the pool (connecting on first use).
SA_ENGINE_CONNECT = frozenset({"connect", "begin", "raw_connection"})
#: Session methods that run SQL when called.
SA_SESSION_EXECUTE = frozenset({"execute", "scalars", "scalar", "get", "connection"})
#: The same, for an object only named like a session (``db.session``): ``get``
#: is left out, since ``request.session.get()`` is a dictionary look-up.
SA_NAMED_SESSION_EXECUTE = frozenset({"execute", "scalars", "scalar"})
#: Legacy ``Query`` methods that return a new Query.
SA_QUERY_METHODS = frozenset(
    {
        "filter",
        "filter_by",
        "order_by",
        "group_by",
        "join",
        "outerjoin",
        "options",
        "limit",
        "offset",
        "distinct",
        "with_entities",
        "where",
        "having",
    }
)
#: Legacy ``Query`` methods that run SQL.
SA_QUERY_TERMINAL = frozenset({"all", "first", "one", "one_or_none", "scalar", "count", "get", "delete", "update"})
