"""The rules, one module per family, all registered in :data:`RULES`."""

from flake8_import_cost.rules import clients, codegen, imports, io, orm, strict, work
from flake8_import_cost.rules.base import RULES, Rule

__all__ = ["RULES", "Rule", "clients", "codegen", "imports", "io", "orm", "strict", "work"]
