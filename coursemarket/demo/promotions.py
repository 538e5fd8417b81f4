"""Demo promo codes and a referral that paid off.

- Every demo school gets four codes, made by its owner through
  `promo_code_create` (so the checks and the audit trail are the real ones):
  WELCOME15 (15 %, live for three months, 100 uses), SAVE<amount> (a fixed
  amount worth about €10 in the school's currency), SUMMER25 (25 %, ended two
  months ago) and FRIENDS10 (10 % for students a friend invited — the school's
  own referral offer).
- student@coursemarket.test (Amira) has her invite code, visited a few times;
  her friend Yusuf signed up through it (attached by `referral_attach`, as a
  sign-up after the visit is), booked a course at Academia Sol Madrid with
  the school's FRIENDS10 offer, and paid by bank transfer, which the school
  confirmed — so `referral_reward` gave both of them a reward code, Amira's
  invite page shows a friend who booked, and the school's channel report a
  referral booking. Yusuf then spent his reward on a second booking, so the
  operators' referral report shows a discount the platform paid for.

Idempotent: a school's existing code is left alone; the referral is made once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import F, Q
from django.utils import timezone

from coursemarket.accounts.models import StudentProfile, User
from coursemarket.bookings.models import Booking
from coursemarket.bookings.services.checkout import booking_pay
from coursemarket.bookings.services.discounts import booking_apply_code
from coursemarket.bookings.services.holds import HoldRequest, booking_hold
from coursemarket.bookings.services.roster import booking_bank_transfer_confirm
from coursemarket.catalog.models import Course, CourseStatus, Session, SessionStatus
from coursemarket.promotions.models import CodePurpose, DiscountKind, PromoCode, Referral, ReferralCode
from coursemarket.promotions.referrals import SESSION_KEY, count_click_month, referral_attach, referral_code_for
from coursemarket.promotions.services import promo_code_create
from coursemarket.schools.models import Membership, Role, School

from .accounts import _ensure_user
from .bookings import MAIN_STUDENT, OWNER_SCHOOL
from .courses import local_price

# Not @students.coursemarket.test: the reviews seeder writes past bookings for those.
FRIEND_EMAIL = "yusuf@coursemarket.test"
OFFER_CODE = "FRIENDS10"
LINK_VISITS = 7  # visits through Amira's link (Yusuf's among them)


def seed() -> list[str]:
    made = _codes()
    made += _referral()
    return made


def _codes() -> list[str]:
    now = timezone.now()
    owners = dict(
        Membership.objects.filter(role=Role.OWNER).order_by("pk").values_list("school_id", "user_id").distinct()
    )
    currencies = dict(Course.objects.order_by("school_id", "pk").values_list("school_id", "currency"))
    existing = set(PromoCode.objects.filter(school__isnull=False).values_list("school_id", "code"))
    users = User.objects.in_bulk(set(owners.values()))
    made = []
    for school in School.objects.filter(pk__in=owners).order_by("pk"):
        currency = currencies.get(school.pk)
        if currency is None:
            continue  # a school without courses has nothing to discount
        owner = users[owners[school.pk]]
        save = local_price(10, currency)
        specs = [
            dict(code="WELCOME15", kind=DiscountKind.PERCENT, value=Decimal(15), valid_from=now - timedelta(days=7),
                 valid_until=now + timedelta(days=90), max_uses=100),
            dict(code=f"SAVE{save.normalize():f}", kind=DiscountKind.FIXED, value=save, currency=currency,
                 valid_until=now + timedelta(days=60), per_student_limit=1),
            dict(code="SUMMER25", kind=DiscountKind.PERCENT, value=Decimal(25), valid_from=now - timedelta(days=150),
                 valid_until=now - timedelta(days=60), max_uses=50),
            dict(code=OFFER_CODE, kind=DiscountKind.PERCENT, value=Decimal(10), purpose=CodePurpose.REFERRAL_OFFER),
        ]  # fmt: skip
        for spec in specs:
            if (school.pk, spec["code"]) in existing:
                continue
            promo_code_create(actor=owner, school=school, **spec)  # type: ignore[arg-type]
            made.append(f"{school.slug}:{spec['code']}")
    return made


def _referral() -> list[str]:
    amira = User.objects.filter(email=MAIN_STUDENT).first()
    if amira is None or Referral.objects.filter(referred__email=FRIEND_EMAIL).exists():
        return []
    code = referral_code_for(user=amira)
    if code.clicks < LINK_VISITS:
        ReferralCode.objects.filter(pk=code.pk).update(clicks=F("clicks") + LINK_VISITS - code.clicks)
        now = timezone.now()
        for _visit in range(LINK_VISITS - code.clicks):
            count_click_month(now=now)
    friend, _created = _ensure_user(
        FRIEND_EMAIL,
        {"display_name": "Yusuf Mansour", "first_name": "Yusuf", "last_name": "Mansour", "language": "ar",
         "timezone": "Africa/Cairo"},
    )  # fmt: skip
    StudentProfile.objects.get_or_create(
        user=friend,
        defaults={"bio": "Amira's colleague. Finally learning Spanish before a summer in Andalusia.",
                  "city": "Alexandria", "languages_spoken": ["ar", "en"]},
    )  # fmt: skip
    # He opened Amira's link an hour before signing up (the session's attribution).
    visit = {SESSION_KEY: {"code": code.code, "at": (friend.date_joined - timedelta(hours=1)).isoformat()}}
    if referral_attach(user=friend, session=visit) is None:
        return []
    made = [FRIEND_EMAIL]
    first = _bookable_session()
    if first is None:
        return made
    made.append(_book_and_pay(friend, first, OFFER_CODE))  # his first paid booking rewards both
    second = _bookable_session(exclude=first.pk)
    reward = PromoCode.objects.filter(owner=friend, purpose=CodePurpose.REWARD).first()
    if second is not None and reward is not None:
        made.append(_book_and_pay(friend, second, reward.code))
    return made


def _book_and_pay(student: User, session: Session, code: str) -> str:
    """A booking through the checkout's services: held, the code applied, paid
    by bank transfer and confirmed by the school's owner."""
    booking = booking_hold(
        student=student,
        request=HoldRequest(session_id=session.pk, seats=1, attendees=[], request_key=f"demo-referral-{session.pk}",
                            channel="referral"),
    )  # fmt: skip
    booking = booking_apply_code(student=student, booking=booking, code=code.lower())
    booking_pay(student=student, booking=booking, provider="bank_transfer", terms_accepted=True, key="demo-referral")
    owner = Membership.objects.filter(school_id=session.school_id, role=Role.OWNER).select_related("user").first()
    assert owner is not None
    booking_bank_transfer_confirm(actor=owner.user, booking=Booking.objects.get(pk=booking.pk))
    return booking.reference


def _bookable_session(exclude: int | None = None) -> Session | None:
    """An upcoming paid session with a free seat, at Academia Sol Madrid if it has one."""
    soon = timezone.now() + timedelta(days=3)
    paid = Q(price_override__gt=0) | Q(price_override__isnull=True, course__price__gt=0)
    candidates = Session.objects.filter(
        paid, status=SessionStatus.SCHEDULED, course__status=CourseStatus.PUBLISHED, starts_at__gt=soon,
        seats_taken__lt=F("capacity"),
    ).order_by("starts_at", "pk")  # fmt: skip
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return candidates.filter(school__slug=OWNER_SCHOOL).first() or candidates.first()
