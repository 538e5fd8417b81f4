from django.tasks import task

from .services import expire_due_holds


@task
def expire_holds() -> int:
    """Release the seats of holds whose time ran out (idempotent)."""
    return expire_due_holds()
