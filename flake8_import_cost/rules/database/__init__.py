"""What import-time expressions are, for the database rules (IMC201, IMC202).

:mod:`.values` holds the lattice shared by both rules (``Database.kind()``),
with Django's values in :mod:`.django` and SQLAlchemy's in :mod:`.sqlalchemy`;
:mod:`.evaluation` says where Python evaluates a lazy value. The rules
themselves are :mod:`flake8_import_cost.rules.orm` (IMC201) and
:mod:`flake8_import_cost.rules.dbaccess` (IMC202).
"""
