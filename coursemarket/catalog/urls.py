from django.urls import path

from . import dashboard_views as dash
from . import translation_views, views

app_name = "catalog"

DASH = "dashboard/schools/<slug:slug>/courses/"

urlpatterns = [
    path("courses/", views.course_list, name="course_list"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
    path("courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path("courses/<slug:slug>/share/<str:fingerprint>.png", views.course_share_image, name="course_share_image"),
    path(
        "courses/<slug:slug>/sessions/<int:session_id>/share/<str:fingerprint>.png",
        views.session_share_image,
        name="session_share_image",
    ),
    path("categories/<slug:slug>/", views.category_detail, name="category_detail"),
    path(DASH, dash.course_list, name="dashboard_courses"),
    path(DASH + "new/", dash.course_create, name="dashboard_course_create"),
    path(DASH + "<int:course_id>/", dash.course_edit, name="dashboard_course_edit"),
    path(
        DASH + "<int:course_id>/translations/",
        translation_views.course_translation_list,
        name="dashboard_course_translation_list",
    ),
    path(
        DASH + "<int:course_id>/translations/<str:language>/",
        translation_views.course_translations,
        name="dashboard_course_translations",
    ),
    path(
        DASH + "<int:course_id>/translations/<str:language>/export.<str:file_format>",
        translation_views.course_translation_export,
        name="dashboard_course_translation_export",
    ),
    path(
        DASH + "<int:course_id>/translations/<str:language>/import/",
        translation_views.course_translation_import,
        name="dashboard_course_translation_import",
    ),
    path(DASH + "<int:course_id>/pictures/", dash.course_pictures, name="dashboard_course_pictures"),
    path(DASH + "<int:course_id>/pictures/cover/", dash.course_picture_edit, name="dashboard_course_cover"),
    path(DASH + "<int:course_id>/pictures/<int:image_id>/", dash.course_picture_edit, name="dashboard_course_picture"),
    path(DASH + "<int:course_id>/publish/", dash.course_publish, name="dashboard_course_publish"),
    path(DASH + "<int:course_id>/archive/", dash.course_archive, name="dashboard_course_archive"),
    path(DASH + "<int:course_id>/duplicate/", dash.course_duplicate, name="dashboard_course_duplicate"),
    path(DASH + "<int:course_id>/sessions/new/", dash.session_create, name="dashboard_session_create"),
    path(DASH + "<int:course_id>/sessions/<int:session_id>/", dash.session_edit, name="dashboard_session_edit"),
    path(
        DASH + "<int:course_id>/sessions/<int:session_id>/cancel/", dash.session_cancel, name="dashboard_session_cancel"
    ),
]
