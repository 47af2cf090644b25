# Cases for IMC202 import-time-db-access: raw SQL, connections and SQLAlchemy at import time.
# flake8-options: --import-cost-threshold-ms=1000000
import sqlite3
import sqlite3 as lite

import psycopg2
from django.db import connection, connections
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from shop.models import User

# -- Django's connection ------------------------------------------------------------------

with connection.cursor() as cursor:  # IMC202:6 "connection.cursor() opens a database connection at import time"
    cursor.execute("SELECT 1")  # IMC202 "cursor.execute() runs SQL at import time, on every start-up"
    ROW = cursor.fetchone()
CURSOR = connections["default"].cursor()  # IMC202 "connections[...].cursor() opens"
CURSOR.executemany("INSERT INTO t VALUES (%s)", [(1,), (2,)])  # IMC202 "CURSOR.executemany() runs SQL"
connection.cursor().execute("SELECT 2")  # IMC202:1 "connection.cursor().execute() runs SQL"
TABLES = connection.introspection.table_names()  # IMC202 "queries the database"
connection.ensure_connection()  # IMC202 "connection.ensure_connection() opens a database connection"
ALIAS = connections["default"]
VENDOR = connection.vendor
QUOTED = connection.ops.quote_name("t")
SETTINGS = connection.settings_dict

# -- DB-API drivers -------------------------------------------------------------------------

DB = sqlite3.connect("app.db")  # IMC202 "sqlite3.connect() connects to a database at import time"
ROWS = DB.execute("SELECT 1").fetchall()  # IMC202 "DB.execute() runs SQL"
ALIASED = lite.connect("other.db")  # IMC202 "sqlite3.connect()"
PG = psycopg2.connect(dbname="app")  # IMC202 "psycopg2.connect()"
with sqlite3.connect("third.db") as third:  # IMC202 "sqlite3.connect() connects to a database"
    third.execute("SELECT 1")  # IMC202 "third.execute() runs SQL"
MEMORY = sqlite3.connect(":memory:")
MEMORY_CURSOR = MEMORY.cursor()

# -- SQLAlchemy -----------------------------------------------------------------------------

engine = create_engine("postgresql://localhost/app")
SessionLocal = sessionmaker(bind=engine)
session = SessionLocal()
USERS = session.query(User).filter_by(active=True).all()  # IMC202 "session.query().filter_by().all() runs a query"
FIRST_USER = session.query(User).first()  # IMC202 "session.query().first() runs a query"
for user in session.query(User):  # IMC202 "by a for loop"
    pass
LISTED = list(session.query(User).order_by(User.id))  # IMC202 "by list()"
RESULT = session.execute(select(User))  # IMC202 "session.execute() runs SQL"
SCALARS = Session(engine).scalars(select(User))  # IMC202 "Session().scalars() runs SQL"
with engine.connect() as conn:  # IMC202:6 "engine.connect() connects to the database"
    conn.execute(text("SELECT 1"))  # IMC202 "conn.execute() runs SQL"
QUERY = session.query(User).filter_by(active=True)
STATEMENT = select(User).where(User.id == 1)
OTHER_ENGINE = create_engine("sqlite://")
FACTORY = sessionmaker(bind=OTHER_ENGINE)

# -- inside functions: silent unless called at import --------------------------------------


def report():
    with connection.cursor() as report_cursor:
        report_cursor.execute("SELECT 1")
        return report_cursor.fetchall()


def table_count():
    return len(connection.introspection.table_names())


COUNT = table_count()  # IMC202 "(in table_count(), called at import time)"

# -- an Airflow @task body runs in a worker: calling the task in a DAG runs no SQL -------------

from airflow.decorators import dag, task
from airflow.models.dag import DAG


@task
def vacuum():
    with connection.cursor() as task_cursor:
        task_cursor.execute("VACUUM")


@dag
def tables_now():
    return connection.introspection.table_names()


with DAG("maintenance"):
    vacuum()

tables_now()  # IMC202 "(in tables_now(), called at import time)"
