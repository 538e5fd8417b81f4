"""The benchmark's task (importable by every worker): one Redis increment."""

import os

from django.tasks import task


@task
def bump(key: str) -> None:
    import redis

    redis.Redis.from_url(os.environ.get("BENCH_TASK_REDIS_URL", "redis://127.0.0.1:6379/13")).incr(key)
