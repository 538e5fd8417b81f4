from django.urls import URLPattern, URLResolver, include, path

from .views import dashboard, instructors, locations, members, public, translations

app_name = "schools"

dashboard_patterns = [
    path("", dashboard.overview, name="dashboard"),
    path("profile/", dashboard.profile, name="profile"),
    path("translations/", translations.translation_overview_page, name="translations"),
    path(
        "translations/<str:language>/export.<str:file_format>",
        translations.translation_export,
        name="translation_export",
    ),
    path("translations/<str:language>/import/", translations.translation_import, name="translation_import"),
    path(
        "translations/<str:kind>/<int:object_id>/<str:language>/",
        translations.profile_translation_edit,
        name="profile_translation",
    ),
    path("delete/", dashboard.school_delete, name="delete"),
    path("leave/", dashboard.leave, name="leave"),
    path("locations/", locations.locations, name="locations"),
    path("locations/new/", locations.location_create, name="location_create"),
    path("locations/<int:location_id>/", locations.location_edit, name="location_edit"),
    path("locations/<int:location_id>/delete/", locations.location_delete, name="location_delete"),
    path("locations/<int:location_id>/rooms/new/", locations.room_create, name="room_create"),
    path("rooms/<int:room_id>/", locations.room_edit, name="room_edit"),
    path("rooms/<int:room_id>/delete/", locations.room_delete, name="room_delete"),
    path("members/", members.members, name="members"),
    path("members/invite/", members.invite, name="invite"),
    path("members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path("members/<int:membership_id>/remove/", members.member_remove, name="member_remove"),
    path("invitations/<int:invitation_id>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:invitation_id>/resend/", members.invitation_resend, name="invitation_resend"),
    path("instructors/", instructors.instructors, name="instructors"),
    path("instructors/new/", instructors.instructor_create, name="instructor_create"),
    path("instructors/<int:instructor_id>/", instructors.instructor_edit, name="instructor_edit"),
    path("instructors/<int:instructor_id>/delete/", instructors.instructor_delete, name="instructor_delete"),
    path(
        "instructors/<int:instructor_id>/credentials/new/",
        instructors.credential_create,
        name="credential_create",
    ),
    path(
        "instructors/<int:instructor_id>/credentials/<int:credential_id>/delete/",
        instructors.credential_delete,
        name="credential_delete",
    ),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("schools/", public.school_list, name="school_list"),
    path("schools/<slug:slug>/", public.school_detail, name="school_detail"),
    path("instructors/<slug:slug>/", public.instructor_detail, name="instructor_detail"),
    path("invitations/<str:token>/", members.invitation_detail, name="invitation_detail"),
    path("invitations/<str:token>/answer/", members.invitation_answer, name="invitation_answer"),
    path("dashboard/schools/", dashboard.my_schools, name="my_schools"),
    path("dashboard/schools/new/", dashboard.school_create, name="school_create"),
    path("dashboard/cities/", locations.city_search, name="city_search"),
    path("dashboard/schools/<slug:slug>/", include(dashboard_patterns)),
]
