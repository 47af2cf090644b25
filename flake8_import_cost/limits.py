"""Every bound of the static analysis, named once, and the parser's own.

Each keeps a hostile or unusual file cheap to check; none is reached by
ordinary code. Raising one finds more through deeper chains at a cost that
grows with it.
"""

#: What ``ast.parse`` raises on a text it cannot read: a syntax error, null bytes
#: or a bad encoding (``ValueError``), and nesting deeper than it builds trees for
#: (``RecursionError`` from 100,000 chained attributes or operators, ``MemoryError``
#: from as many unary operators). Another module of the project, or a string
#: annotation, that does not parse is left out; flake8 reports it as E999 when it
#: checks that file.
UNPARSABLE: tuple[type[Exception], ...] = (SyntaxError, ValueError, RecursionError, MemoryError)
#: What reading a file and parsing it raises when it cannot be done.
UNREADABLE: tuple[type[Exception], ...] = (OSError, *UNPARSABLE)

#: Same-module calls the walker follows from import-time code (``a()`` calling ``b()``...).
MAX_CALL_DEPTH = 4
#: Import-time call sites of one function whose body the walker walks. Each
#: site walks the body again (a finding inside is reported at every site), so
#: a module calling one constructor hundreds of times stays cheap to check.
MAX_SITES_PER_FUNCTION = 16
#: Steps taken to find what an expression is: names followed to their values,
#: operands folded, method chains and attribute chains read.
MAX_VALUE_DEPTH = 12
#: Same-module base classes followed to find an inherited method or a generator base.
MAX_BASE_DEPTH = 8
