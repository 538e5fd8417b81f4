from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A background worker's proof of life, written every few seconds."""

    worker_id = models.CharField(_("worker id"), max_length=100, primary_key=True)
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return self.worker_id


class PeriodicRun(models.Model):
    """When a periodic job is next due; claimed with a conditional UPDATE so
    that with several workers exactly one enqueues each run."""

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_run_at = models.DateTimeField(_("last run at"), null=True, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")

    def __str__(self) -> str:
        return self.name


class SharedCacheEntry(models.Model):
    """The table of the "shared" cache (settings.CACHES): Django's DatabaseCache
    reads and writes it with its own SQL. A model, so that `migrate` creates it
    and test databases empty it like any other table."""

    cache_key = models.CharField(_("key"), max_length=255, primary_key=True)
    value = models.TextField(_("value"))
    expires = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        db_table = "core_shared_cache"
        verbose_name = _("shared cache entry")
        verbose_name_plural = _("shared cache entries")

    def __str__(self) -> str:
        return self.cache_key
