"""The school's translation workflow for courses: fingerprints make a
translation outdated when the original changes, each language's completeness,
the fallback order readers get, the link to the original, the files for
translators, the editor's permissions and the machine-draft label."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coursemarket.catalog import services, translation_files
from coursemarket.catalog.models import Course, CourseTranslation
from coursemarket.catalog.selectors import course_text
from coursemarket.catalog.translations import course_translation_overview
from coursemarket.schools.models import Role

from .factories import CourseFactory, SchoolFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(default_language="es")


@pytest.fixture
def owner(school):
    return staff(school)


@pytest.fixture
def course(school):
    return CourseFactory(
        school=school,
        language="es",
        title="Cerámica para principiantes",
        summary="Tu primera pieza en el torno.",
        description="Grupos pequeños.",
        cover_alt="",
    )


def translate(owner, course, language="en", **texts):
    fields = {
        "title": "Pottery for beginners",
        "summary": "Your first piece on the wheel.",
        "description": "Small groups.",
    }
    fields.update(texts)
    return services.course_translation_save(actor=owner, course=course, language=language, **fields)


def row(course, code):
    return next(r for r in course_translation_overview(course) if r.code == code)


def test_editing_the_original_makes_the_translation_outdated_and_saving_it_again_clears_it(owner, course):
    translate(owner, course)
    assert row(course, "en").state == "complete"

    services.course_update(actor=owner, course=course, description="Grupos pequeños y mucha práctica.")
    course.refresh_from_db()
    status = row(course, "en")
    assert status.state == "outdated" and status.outdated == ["description"]
    assert course_text(course, "en").outdated is True

    translate(owner, course, description="Small groups and lots of practice.")
    assert row(course, "en").state == "complete"
    assert course_text(course, "en").outdated is False


def test_editing_something_else_leaves_the_translation_current(owner, course):
    translate(owner, course)
    services.course_update(actor=owner, course=course, price=Decimal("200.00"))
    course.refresh_from_db()
    assert row(course, "en").state == "complete"
    assert course_text(course, "en").outdated is False


def test_completeness_counts_the_fields_the_original_fills(owner, course):
    translate(owner, course, summary="", description="")
    status = row(course, "en")
    # title, summary and description have text in Spanish; the cover description is empty
    assert (status.filled, status.wanted, status.state) == (1, 3, "incomplete")
    missing = row(course, "de")
    assert (missing.filled, missing.wanted, missing.state) == (0, 3, "missing")


def test_readers_get_their_language_then_the_school_fallbacks_then_the_original(owner, school, course):
    translate(owner, course, language="en")
    # No Arabic translation, no fallback: the original
    assert course_text(course, "ar").language == "es"
    school.fallback_languages = ["en"]
    school.save()
    course = Course.objects.get(pk=course.pk)
    text = course_text(course, "ar")
    assert (text.language, text.title, text.original_language) == ("en", "Pottery for beginners", "es")
    translate(owner, course, language="ar", title="الخزف للمبتدئين")
    assert course_text(course, "ar").title == "الخزف للمبتدئين"
    assert course_text(course, "ar", original=True).title == "Cerámica para principiantes"


def test_fallback_languages_are_checked_on_the_school(owner, school):
    from coursemarket.schools.services import school_update

    for wrong in (["en", "en"], ["xx"], ["en", "klingon"]):
        with pytest.raises(ValidationError):
            school_update(actor=owner, school=school, data={"fallback_languages": wrong})
    school.refresh_from_db()
    assert school.fallback_languages == []
    school_update(actor=owner, school=school, data={"fallback_languages": ["en", "fr"]})
    school.refresh_from_db()
    assert school.fallback_languages == ["en", "fr"]


def test_the_profile_page_takes_the_fallback_order(client, owner, school):
    client.force_login(owner)
    url = reverse("schools:profile", args=[school.slug])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("logo", "cover_image")}
    data.update({"fallback_languages": "ar, ar", "languages_taught": []})
    response = client.post(url, data)
    assert response.status_code == 400
    data["fallback_languages"] = "ar, en"
    assert client.post(url, data).status_code == 302
    school.refresh_from_db()
    assert school.fallback_languages == ["ar", "en"]


def test_the_course_page_notes_an_outdated_translation_and_links_to_the_original(
    client, owner, course, django_capture_on_commit_callbacks
):
    translate(owner, course)
    page = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "Pottery for beginners" in page
    assert "Read in the original language (español)" in page
    assert "The original was updated after this translation" not in page

    with django_capture_on_commit_callbacks(execute=True):  # the page cache learns of the change on commit
        services.course_update(actor=owner, course=course, title="Cerámica para empezar")
    page = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "The original was updated after this translation" in page

    original = client.get(f"/en/courses/{course.slug}/?original=1").content.decode()
    assert "Cerámica para empezar" in original and "You are reading the course in its original language" in original


def test_a_machine_draft_is_labelled_until_a_person_approves_it(
    client, owner, course, django_capture_on_commit_callbacks
):
    translate(owner, course, origin="machine")
    assert row(course, "en").state == "machine"
    page = client.get(f"/en/courses/{course.slug}/").content.decode()
    assert "Machine translation — not reviewed" in page

    client.force_login(owner)
    editor = reverse("catalog:dashboard_course_translations", args=[course.school.slug, course.pk, "en"])
    assert "I have reviewed this machine translation" in client.get(editor).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            editor,
            {"title": "Pottery", "summary": "Your first piece.", "description": "Small groups.", "approved": "on"},
        )
    assert response.status_code == 302
    saved = CourseTranslation.objects.get(course=course, language="en")
    assert (saved.origin, saved.approved) == ("machine", True)
    client.logout()
    assert "Machine translation — not reviewed" not in client.get(f"/en/courses/{course.slug}/").content.decode()


def test_the_editor_shows_the_original_beside_the_translation_right_to_left_for_arabic(client, owner, course):
    translate(owner, course, language="ar", title="الخزف")
    services.course_update(actor=owner, course=course, summary="Otra entradilla.")
    client.force_login(owner)
    page = client.get(reverse("catalog:dashboard_course_translations", args=[course.school.slug, course.pk, "ar"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'lang="ar" dir="rtl"' in html and "Otra entradilla." in html
    assert html.count('data-testid="field-outdated"') == 1  # only the summary changed
    overview = client.get(reverse("catalog:dashboard_course_translation_list", args=[course.school.slug, course.pk]))
    assert 'data-state="outdated"' in overview.content.decode()


@pytest.mark.parametrize("who,expected", [("other_school_owner", 404), ("instructor", 403)])
def test_the_translation_pages_refuse_staff_without_the_right_and_change_nothing(client, school, course, who, expected):
    user = staff(SchoolFactory()) if who == "other_school_owner" else staff(school, role=Role.INSTRUCTOR)
    client.force_login(user)
    args = [school.slug, course.pk]
    urls = [
        ("get", reverse("catalog:dashboard_course_translation_list", args=args)),
        ("get", reverse("catalog:dashboard_course_translations", args=[*args, "en"])),
        ("post", reverse("catalog:dashboard_course_translations", args=[*args, "en"])),
        ("get", reverse("catalog:dashboard_course_translation_export", args=[*args, "en", "xlf"])),
        ("post", reverse("catalog:dashboard_course_translation_import", args=[*args, "en"])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"title": "Hijacked"} if method == "post" else None)
        assert response.status_code == expected, url
    assert not CourseTranslation.objects.exists()


def test_xliff_round_trip_updates_the_translation(client, owner, course):
    translate(owner, course, language="fr", title="Céramique", summary="", description="")
    client.force_login(owner)
    args = [course.school.slug, course.pk, "fr"]
    exported = client.get(reverse("catalog:dashboard_course_translation_export", args=[*args, "xlf"])).content
    assert b'source-language="es"' in exported and b"<target>C\xc3\xa9ramique</target>" in exported
    edited = exported.replace(b"<target />", b"<target>Petits groupes.</target>", 1)
    edited = edited.replace(b"<target>C\xc3\xa9ramique</target>", "<target>Céramique pour débutants</target>".encode())
    upload = _upload("course.fr.xlf", edited)
    response = client.post(reverse("catalog:dashboard_course_translation_import", args=args), {"file": upload})
    assert response.status_code == 302
    saved = CourseTranslation.objects.get(course=course, language="fr")
    assert saved.title == "Céramique pour débutants" and saved.summary == "Petits groupes."
    assert row(course, "fr").state == "incomplete"  # the description is still to translate


def test_po_round_trip_updates_the_translation(owner, course):
    import polib

    po = polib.pofile(translation_files.export_po(course, "de").decode())
    for entry in po:
        entry.msgstr = {"title": "Töpfern für Anfänger"}.get(entry.msgctxt.rsplit(".", 1)[1], "Text")
    translation_files.import_translation_file(
        actor=owner, course=course, language="de", name="kurs.po", data=str(po).encode()
    )
    assert CourseTranslation.objects.get(course=course, language="de").title == "Töpfern für Anfänger"
    assert row(course, "de").state == "complete"


@pytest.mark.parametrize(
    "name,mutate,message",
    [
        ("x.xlf", lambda b: b.replace(b"</xliff>", b""), "could not be read"),
        ("x.xlf", lambda b: b.replace(b'source-language="es"', b'source-language="it"'), "translates from"),
        ("x.xlf", lambda b: b.replace(b'target-language="fr"', b'target-language="de"'), "not into"),
        ("x.xlf", lambda b: b.replace(b".title", b".price"), "not among these texts"),
        ("x.xlf", lambda b: b.replace(b"course.", b"course.999999", 1), "not among these texts"),
        ("x.docx", lambda b: b, "XLIFF"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_changes(client, owner, course, name, mutate, message):
    translate(owner, course, language="fr", title="Céramique", summary="", description="")
    client.force_login(owner)
    args = [course.school.slug, course.pk, "fr"]
    good = translation_files.export_xliff(course, "fr").replace(b"<target />", b"<target>Nouveau</target>")
    response = client.post(
        reverse("catalog:dashboard_course_translation_import", args=args), {"file": _upload(name, mutate(good))}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    saved = CourseTranslation.objects.get(course=course, language="fr")
    assert (saved.title, saved.summary) == ("Céramique", "")


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/octet-stream")
