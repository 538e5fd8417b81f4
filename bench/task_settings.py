"""Settings for `bench/tasks.py`: the project's production settings with the
task engine chosen by BENCH_TASK_ENGINE ("db": django-tasks-db on the
database; "rq": RQ through django-tasks-rq; "redis": django-tasks-redis).
RQ and django-tasks-redis are not dependencies of the project: the benchmark
measures them when they can be imported (see bench/README.md)."""

import os

from coursemarket.config.production import *  # noqa: F403

_engine = os.environ.get("BENCH_TASK_ENGINE", "db")
_redis = os.environ.get("BENCH_TASK_REDIS_URL", "redis://127.0.0.1:6379/13")
if _engine == "rq":
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq", "django_tasks_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": _redis}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _engine == "redis":
    from urllib.parse import urlparse

    _parsed = urlparse(_redis)
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_redis"]
    TASKS = {
        "default": {
            "BACKEND": "django_tasks_redis.backends.RedisTaskBackend",
            "OPTIONS": {
                "REDIS_HOST": _parsed.hostname,
                "REDIS_PORT": _parsed.port or 6379,
                "REDIS_DB": int(_parsed.path.lstrip("/") or 0),
                "REDIS_KEY_PREFIX": "cm_bench_tasks",
            },
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
