"""The registry of periodic background tasks.

An app marks a task periodic in its own `tasks.py` with `@periodic` (below `@task()`);
`manage.py run_periodic` imports every installed app's `tasks` module and enqueues each
registered task, so adding a periodic job never touches a shared file.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.utils.module_loading import autodiscover_modules

T = TypeVar("T")

_PERIODIC: list[Any] = []


def periodic(task: T) -> T:
    """Register a django-tasks `Task` to be enqueued on every periodic run."""
    if task not in _PERIODIC:
        _PERIODIC.append(task)
    return task


def periodic_tasks() -> list[Any]:
    """Every registered periodic task, after importing each installed app's `tasks` module."""
    autodiscover_modules("tasks")
    return list(_PERIODIC)
