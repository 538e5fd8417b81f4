import pytest
from django.db import DatabaseError, connection, transaction

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.audit.models import AppendOnlyError, AuditEntry
from coursemarket.audit.services import audit_record, changes_between
from coursemarket.core.context import RequestContext, reset_request_context, set_request_context

pytestmark = pytest.mark.django_db


def test_record_keeps_who_what_which_when_and_where():
    user = UserFactory()
    token = set_request_context(RequestContext(ip="203.0.113.9", user_agent="pytest"))
    try:
        entry = audit_record(
            actor=user, action="user.renamed", target=user, changes=changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3})
        )
    finally:
        reset_request_context(token)
    entry.refresh_from_db()
    assert entry.actor == user
    assert entry.action == "user.renamed"
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert entry.ip == "203.0.113.9"
    assert entry.changes == {"b": {"before": 2, "after": 3}}
    assert entry.created_at is not None


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = audit_record(actor=None, action="system.test")
    entry.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "system.test"


def test_database_refuses_raw_update():
    entry = audit_record(actor=None, action="system.test")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["rewritten", entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "system.test"


def test_database_refuses_raw_delete():
    entry = audit_record(actor=None, action="system.test")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_flush_still_empties_the_trail_and_keeps_the_guard(transactional_db):
    from django.core.management import call_command

    audit_record(actor=None, action="system.test")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists()
    entry = audit_record(actor=None, action="system.after-flush")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_admin_offers_no_change_or_delete(admin_client):
    entry = audit_record(actor=None, action="system.test")
    assert admin_client.get("/admin/audit/auditentry/").status_code == 200
    assert admin_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "x"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "system.test"
