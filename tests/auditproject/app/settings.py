"""The application's settings, in the Django manner: what to load is named by dotted path."""

INSTALLED_APPS: list[str] = []
STORE_BACKEND = "app.stores.DirectoryStore"
