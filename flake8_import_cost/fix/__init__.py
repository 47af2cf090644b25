"""``flake8-import-cost fix``: rewrites that remove import-time cost without changing behaviour.

Imported only by the ``fix`` command (never by the flake8 plugin): it needs
libcst. The pieces:

- :mod:`~flake8_import_cost.fix.registry`: the transforms, one module each
  (:mod:`~flake8_import_cost.fix.defer`, :mod:`~flake8_import_cost.fix.type_checking`,
  :mod:`~flake8_import_cost.fix.lazy`, :mod:`~flake8_import_cost.fix.deprecated`),
  registered by the findings they fix. A transform reads a finding and asks
  the walker, the name table and the usage analysis whether the change is
  safe; it either refuses, with the reason the user sees, or records edits on
  the file's :class:`~flake8_import_cost.fix.plan.Plan`.
- :mod:`~flake8_import_cost.fix.writer`: one libcst traversal per file that
  writes every recorded edit, keeping formatting and comments.
- :mod:`~flake8_import_cost.fix.engine`: a file from findings to new text,
  checked to compile before it is written; :mod:`~flake8_import_cost.fix.source`
  reads and writes files byte-exactly (encoding, BOM, line endings).
"""
