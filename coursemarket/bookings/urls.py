from django.urls import path

from .views import analytics, checkin, checkout, operator, school, student, ticket, waitlist

app_name = "bookings"

SCHOOL = "dashboard/schools/<slug:slug>/bookings/"

urlpatterns: list = [
    # checkout: book, pay, confirmation
    path("book/<int:session_id>/", checkout.book, name="book"),
    path("checkout/<str:reference>/", checkout.checkout, name="checkout"),
    path("checkout/<str:reference>/pay/", checkout.pay, name="pay"),
    path("checkout/<str:reference>/code/", checkout.apply_code, name="apply_code"),
    path("checkout/<str:reference>/code/remove/", checkout.remove_code, name="remove_code"),
    path("checkout/<str:reference>/return/", checkout.payment_return, name="payment_return"),
    path("account/bookings/<str:reference>/confirmation/", checkout.confirmation, name="confirmation"),
    path("account/bookings/<str:reference>/bank-transfer/", checkout.bank_transfer, name="bank_transfer"),
    # student: My bookings, receipt, cancel
    path("account/bookings/", student.my_bookings, name="my_bookings"),
    path("account/bookings/<str:reference>/receipt/", student.receipt, name="receipt"),
    path("account/bookings/<str:reference>/ticket/", ticket.ticket, name="ticket"),
    path("account/bookings/<str:reference>/cancel/", student.cancel, name="cancel"),
    # school: rosters, attendance, bank transfers, cancellations
    path(SCHOOL, school.dashboard, name="dashboard"),
    path("dashboard/schools/<slug:slug>/channels/", analytics.channels, name="channels"),
    # operators: the platform's referral cost and return
    path("operator/referrals/", operator.referral_report, name="referral_report"),
    path(SCHOOL + "sessions/<int:session_id>/", school.roster, name="roster"),
    path(SCHOOL + "sessions/<int:session_id>/roster.csv", school.roster_csv, name="roster_csv"),
    path(SCHOOL + "sessions/<int:session_id>/complete/", school.complete, name="session_complete"),
    # check-in at the door (staff with CHECK_IN, the session's instructors)
    path("dashboard/schools/<slug:slug>/checkin/", checkin.checkin_today, name="checkin_today"),
    path(SCHOOL + "sessions/<int:session_id>/checkin/", checkin.checkin, name="checkin"),
    path(SCHOOL + "sessions/<int:session_id>/checkin/roster.json", checkin.checkin_roster, name="checkin_roster"),
    path(SCHOOL + "sessions/<int:session_id>/checkin/scans/", checkin.checkin_scans, name="checkin_scans"),
    path(SCHOOL + "<int:booking_id>/attendance/", school.attendance, name="attendance"),
    path(SCHOOL + "<int:booking_id>/cancel/", school.booking_cancel, name="school_cancel"),
    path(SCHOOL + "<int:booking_id>/bank-transfer/", school.bank_transfer_confirm, name="bank_transfer_confirm"),
    # waitlist
    path("waitlist/join/<int:session_id>/", waitlist.waitlist_join, name="waitlist_join"),
    path("waitlist/<str:reference>/", waitlist.waitlist_entry, name="waitlist_entry"),
    path("waitlist/<str:reference>/accept/", waitlist.waitlist_accept, name="waitlist_accept"),
    path("waitlist/<str:reference>/decline/", waitlist.waitlist_decline, name="waitlist_decline"),
    path("waitlist/<str:reference>/leave/", waitlist.waitlist_leave, name="waitlist_leave"),
]
