from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _


class ImportMapping(models.Model):
    """A school's last column mapping (field → column name), preselected for
    its next file."""

    school = models.OneToOneField(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="import_mapping"
    )
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return f"{self.school_id}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded file, from upload to the import's summary."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=8)
    columns = models.JSONField(_("column mapping"), default=dict)  # field → column name
    publish = models.BooleanField(_("publish the courses"), default=False)
    default_category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category for unknown ones"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.UPLOADED, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    to_write = models.PositiveIntegerField(_("rows to write"), default=0)
    processed = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    errors = models.JSONField(_("row errors"), default=list)  # RowError.as_json() each
    failure = models.TextField(_("why it failed"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=dj_timezone.now, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "-created_at"])]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(self.processed * 100 / self.to_write) if self.to_write else 0

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
