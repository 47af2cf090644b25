"""Decorators whose function body does not run when the decorated function is called.

Calling an Airflow ``@task`` function inside a DAG builds a task: its body runs
later, in a worker, when the task is executed (that is how Airflow recommends
deferring heavy imports: inside the task). The walker does not walk such a
function's body at an import-time call. Each entry is a qualified name; a
decorator matches it or an attribute of it (``@task.virtualenv``,
``@task(retries=3)``).

Deliberately absent: Airflow's ``@dag`` and ``@task_group`` (calling them runs
the body to build the DAG or group), Celery's and Prefect's tasks and flows,
and ``dramatiq.actor`` (calling them runs the body at once).
"""

DEFERRING_DECORATORS: tuple[str, ...] = (
    "airflow.decorators.task",
    "airflow.decorators.setup",
    "airflow.decorators.teardown",
    "airflow.sdk.task",
    "airflow.sdk.setup",
    "airflow.sdk.teardown",
)
