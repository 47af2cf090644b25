"""flake8-import-cost: find the module-level code that makes Python programs slow to start."""

__version__ = "0.1.0"
