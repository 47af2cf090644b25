"""How Python uses a value passed to a builtin or a stdlib callable: the one
table behind "is this iterable iterated at import time, and how far?".

The walker reads these tables to decide whether a generator's body runs, IMC401
to count only the loops that run to their end, and the database rules to know
that a QuerySet is evaluated (any iteration, even one ``iter()``, runs its
query).

``"full"``: the callable iterates the argument to its end.
``"partial"``: it iterates it, but may stop early (``any``, ``next``).
``"wrapper"``: it calls ``iter()`` on the argument at once and returns a lazy
iterator over it: the argument is iterated as far as that result is.
``"partial-wrapper"``: the same, but the result may stop before the end.
"""

#: Qualified name of a callable -> how far it iterates its positional arguments.
ITERATING_CALLS: dict[str, str] = {
    # Builtins that build a container or a single value from every item.
    "list": "full",
    "tuple": "full",
    "set": "full",
    "frozenset": "full",
    "dict": "full",
    "sorted": "full",
    "sum": "full",
    "min": "full",
    "max": "full",
    "bytes": "full",
    "bytearray": "full",
    "collections.Counter": "full",
    "collections.OrderedDict": "full",
    "collections.deque": "full",
    "collections.ChainMap": "full",
    # Builtins that stop at the first item that decides.
    "any": "partial",
    "all": "partial",
    "next": "partial",
    # Lazy iterators that call iter() on their arguments when they are built.
    "iter": "wrapper",
    "enumerate": "wrapper",
    "zip": "wrapper",
    "map": "wrapper",
    "filter": "wrapper",
    "itertools.accumulate": "wrapper",
    "itertools.compress": "wrapper",
    "itertools.cycle": "wrapper",
    "itertools.dropwhile": "wrapper",
    "itertools.filterfalse": "wrapper",
    "itertools.groupby": "wrapper",
    "itertools.pairwise": "wrapper",
    "itertools.starmap": "wrapper",
    "itertools.tee": "wrapper",
    "itertools.zip_longest": "wrapper",
    "itertools.islice": "partial-wrapper",
    "itertools.takewhile": "partial-wrapper",
}

#: Method names that iterate an iterable argument to its end, whatever the
#: receiver (``"".join(gen)``, ``items.extend(gen)``, ``dict.fromkeys(gen)``).
ITERATING_METHODS: dict[str, str] = {
    "join": "full",
    "extend": "full",
    "update": "full",
    "writelines": "full",
    "fromkeys": "full",
}

#: Callables that ask for the length or the truth of their argument.
SIZING_CALLS = frozenset({"len", "bool", "reversed"})
#: Callables that call ``str()`` or ``repr()`` on their argument.
PRINTING_CALLS = frozenset({"str", "repr", "ascii", "format", "print"})
#: Builtins and methods that call the ``key=`` function they are given.
KEY_CALLERS = frozenset({"sorted", "min", "max", "sort"})
