"""An in-process task runner for the embedded (single-machine) setup.

`make run` has no separate worker process, yet a match round must not block the request
that started it: this backend runs each task on a small thread pool inside the web
process, after the enqueuing transaction commits. At scale, set TASK_BACKEND=database and
run `manage.py db_worker` processes instead (django-tasks-db); tests use the immediate backend.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import close_old_connections
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult


class ThreadBackend(ImmediateBackend):
    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        workers = int(params.get("OPTIONS", {}).get("max_workers", 2))
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tandem-task")

    def _execute_task(self, task_result: TaskResult[Any]) -> None:
        self._pool.submit(self._run, task_result)

    def _run(self, task_result: TaskResult[Any]) -> None:
        close_old_connections()
        try:
            super()._execute_task(task_result)
        finally:
            close_old_connections()
