from django.tasks import task

from .services import at_risk_alerts_send, rollup_recent


@task
def rollup_recent_days() -> int:
    """Recompute yesterday's and today's rollups of every school (idempotent)."""
    return rollup_recent().rows


@task
def send_at_risk_alerts() -> int:
    """Tell schools, once per session and threshold, of sessions starting within a week that are still empty."""
    return at_risk_alerts_send()
