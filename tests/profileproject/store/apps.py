from django.apps import AppConfig
from django.db import connection


class StoreConfig(AppConfig):
    name = "store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        self.tables = self._count_tables()

    def _count_tables(self):
        # A table that exists before any migration, so that setup_db.py can run.
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_master")
            return cursor.fetchone()[0]
