"""The worker's part of an import: check the job's file again and write its
valid rows, with progress (the `run_import` task calls `import_job_run`)."""

from __future__ import annotations

import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from .checking import Checked, Source, Written, check_table, write_rows
from .fields import Options
from .models import ImportJob, ImportStatus
from .reading import Table, read_table

logger = logging.getLogger(__name__)


def job_table(job: ImportJob) -> Table:
    with job.file.open("rb") as handle:
        return read_table(handle.read(), fmt=job.format)


def import_job_check(*, job: ImportJob, options: Options) -> Checked:
    """The preview: every row checked with the job's mapping (nothing written)."""
    return check_table(job_table(job), source=Source(columns=job.columns), options=options)


def _progress(job_id: int, done: int, written: Written) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        processed=done, created_count=written.created, updated_count=written.updated
    )


def import_job_run(*, job_id: int) -> ImportJob:
    """The worker's part: check every row again (the categories may have
    changed since the preview), write the valid ones in chunks, report
    progress, and keep the per-row errors for the summary. A finished job is
    left alone; a running one is run again (its worker died: the worker
    queues the task again), which is safe as rows with an external ID update."""
    claimed = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("school", "created_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        options = Options(publish=job.publish, default_category_id=job.default_category_id)
        checked = import_job_check(job=job, options=options)
        ImportJob.objects.filter(pk=job.pk).update(to_write=len(checked.rows))
        written = write_rows(
            actor=job.created_by,
            school=job.school,
            rows=checked.rows,
            publish=job.publish,
            columns=job.columns,
            progress=partial(_progress, job.pk),
        )
    except (ValidationError, PermissionDenied) as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            failure=str(exc) if isinstance(exc, ValidationError) else "permission",
            finished_at=timezone.now(),
        )
    except Exception:
        logger.exception("import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, failure="error", finished_at=timezone.now()
        )
        raise
    else:
        errors = checked.errors + written.errors
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.DONE,
            processed=len(checked.rows),
            created_count=written.created,
            updated_count=written.updated,
            skipped_count=len({e.row for e in errors}),
            errors=[e.as_json() for e in errors],
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    if job.status == ImportStatus.DONE and job.file:
        # The summary keeps what the school needs; the file itself goes.
        job.file.delete(save=True)
    return job
