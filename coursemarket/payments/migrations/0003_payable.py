"""Payments stop knowing bookings: a payment points at what it pays for
generically (content type + id, see payments.ports) and copies the payable's
payer, school and reference. Every existing payment stays linked to its
booking (filled from `booking_id` before that column goes).

Refunds become rows the worker sends (pending → sending → succeeded/failed,
with attempts and backoff); what a payment has promised back is kept apart
from what the provider has already returned (`refund_requested_amount`)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def link_payments_to_their_bookings(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Booking = apps.get_model("bookings", "Booking")
    if Payment.objects.exists():
        booking_type, _created = ContentType.objects.get_or_create(app_label="bookings", model="booking")
        for payment in Payment.objects.all().iterator():
            booking = Booking.objects.select_related("session__course").get(pk=payment.booking_id)
            payment.payable_type_id = booking_type.pk
            payment.payable_id = booking.pk
            payment.payer_id = booking.student_id
            payment.school_id = booking.session.school_id
            payment.reference = booking.reference
            payment.description = f"{booking.session.course.title} · {booking.seats}"[:200]
            payment.refund_requested_amount = payment.refunded_amount
            payment.save(
                update_fields=[
                    "payable_type", "payable_id", "payer", "school_id", "reference", "description",
                    "refund_requested_amount",
                ]
            )  # fmt: skip
    # Every refund so far was made at once, when it was asked for.
    Refund.objects.update(completed_at=models.F("created_at"), next_attempt_at=models.F("created_at"))
    Refund.objects.filter(key__endswith="-unused").update(of_price=False)


def restore_booking_links(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    for payment in Payment.objects.all().iterator():
        payment.booking_id = payment.payable_id
        payment.save(update_fields=["booking"])


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0003_fewer_indexes"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("payments", "0002_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="payable_type",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="paid for (kind)",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="payable_id",
            field=models.PositiveBigIntegerField(null=True, verbose_name="paid for (id)"),
        ),
        migrations.AddField(
            model_name="payment",
            name="payer",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="payer",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="school_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="school"),
        ),
        migrations.AddField(
            model_name="payment",
            name="reference",
            field=models.CharField(blank=True, max_length=40, verbose_name="reference"),
        ),
        migrations.AddField(
            model_name="payment",
            name="description",
            field=models.CharField(blank=True, max_length=200, verbose_name="description"),
        ),
        migrations.AddField(
            model_name="payment",
            name="refund_requested_amount",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=12, verbose_name="refunds asked for"),
        ),
        migrations.AddField(
            model_name="refund",
            name="of_price",
            field=models.BooleanField(default=True, verbose_name="part of the price"),
        ),
        migrations.AddField(
            model_name="refund",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="refund",
            name="next_attempt_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt at"),
        ),
        migrations.AddField(
            model_name="refund",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="claimed at"),
        ),
        migrations.AddField(
            model_name="refund",
            name="last_error",
            field=models.CharField(blank=True, max_length=300, verbose_name="last error"),
        ),
        migrations.AddField(
            model_name="refund",
            name="completed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="completed at"),
        ),
        migrations.AlterField(
            model_name="refund",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Refund pending"),
                    ("sending", "Being sent"),
                    ("succeeded", "Refunded"),
                    ("pending_manual", "To be paid back by the school"),
                    ("failed", "Refund failed"),
                ],
                default="pending",
                max_length=20,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(link_payments_to_their_bookings, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="payable_type",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="paid for (kind)",
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="payable_id",
            field=models.PositiveBigIntegerField(verbose_name="paid for (id)"),
        ),
        migrations.RemoveConstraint(model_name="payment", name="one_open_payment_per_booking"),
        migrations.RemoveIndex(model_name="payment", name="payments_pa_booking_d7428b_idx"),
        # Reversing puts the column back empty (so nullable first): filled
        # before it becomes required again and the old index and constraint
        # return (operations reverse bottom-up).
        migrations.AlterField(
            model_name="payment",
            name="booking",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to="bookings.booking",
                verbose_name="booking",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, restore_booking_links),
        migrations.RemoveField(model_name="payment", name="booking"),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["payable_type", "payable_id", "state"], name="payments_by_payable"),
        ),
        migrations.AddIndex(
            model_name="refund",
            index=models.Index(fields=["state", "next_attempt_at"], name="refunds_due"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["created", "requires_action"])),
                fields=("payable_type", "payable_id"),
                name="one_open_payment_per_payable",
            ),
        ),
    ]
