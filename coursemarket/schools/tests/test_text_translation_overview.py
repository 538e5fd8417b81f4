"""The school's own texts in other languages: the overview (every text ×
every language with its state, linked to the editor), the notes on the public
school and instructor pages, and the files for professional translators."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coursemarket.core.texts import TranslationOrigin
from coursemarket.schools import translation_files
from coursemarket.schools.models import ProfileTranslation, Role
from coursemarket.schools.services import school_update
from coursemarket.schools.translations import TRANSLATABLE, profile_texts, profile_translation_save

from .factories import InstructorFactory, LocationFactory, SchoolFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(default_language="es", tagline="Cerámica en Madrid", description="Taller abierto.")


@pytest.fixture
def owner(school):
    return staff(school).user


def overview(client, school):
    return client.get(reverse("schools:translations", args=[school.slug]))


def cell_state(html, text_id, language):
    """The state shown in the overview for one text and language."""
    row = html.split(f'data-text="{text_id}"', 1)[1].split("</tr>", 1)[0]
    cell = row.split(f'data-language="{language}"', 1)[1].split("</td>", 1)[0]
    return cell.split('data-state="', 1)[1].split('"', 1)[0] if "data-state" in cell else "none"


def test_the_overview_shows_each_text_in_each_language_with_its_state(client, school, owner):
    instructor = InstructorFactory(school=school, name="Ana", bio="Ceramista desde 2001.")
    location = LocationFactory(school=school, name="Taller", directions="Segundo piso, puerta azul.")
    empty = LocationFactory(school=school, name="Almacén", directions="")
    profile_translation_save(actor=owner, obj=school, language="en", texts={"tagline": "Pottery in Madrid"})
    profile_translation_save(actor=owner, obj=instructor, language="fr", texts={"bio": "Céramiste depuis 2001."})
    profile_translation_save(
        actor=owner,
        obj=location,
        language="de",
        texts={"directions": "Zweiter Stock."},
        origin="machine",
        approved=False,
    )
    school_update(actor=owner, school=school, data={"tagline": "Cerámica y torno en Madrid"})
    client.force_login(owner)
    response = overview(client, school)
    assert response.status_code == 200
    html = response.content.decode()
    assert cell_state(html, f"school.{school.pk}.tagline", "en") == "outdated"
    assert cell_state(html, f"school.{school.pk}.description", "en") == "missing"
    assert cell_state(html, f"instructor.{instructor.pk}.bio", "fr") == "complete"
    assert cell_state(html, f"instructor.{instructor.pk}.bio", "ja") == "missing"
    assert cell_state(html, f"location.{location.pk}.directions", "de") == "machine"
    assert cell_state(html, f"location.{empty.pk}.directions", "de") == "none"  # nothing written to translate
    assert 'data-language="es"' not in html  # the school's own language is not a translation
    editor = reverse("schools:profile_translation", args=[school.slug, "instructor", instructor.pk, "fr"])
    assert f'href="{editor}"' in html
    # Approving the draft in the editor makes it complete.
    url = reverse("schools:profile_translation", args=[school.slug, "location", location.pk, "de"])
    assert client.post(url, {"directions": "Zweiter Stock, blaue Tür.", "approved": "on"}).status_code == 302
    assert cell_state(overview(client, school).content.decode(), f"location.{location.pk}.directions", "de") == (
        "complete"
    )


def test_the_overview_is_linked_from_the_navigation_and_the_edit_pages(client, school, owner):
    instructor = InstructorFactory(school=school)
    location = LocationFactory(school=school)
    client.force_login(owner)
    url = reverse("schools:translations", args=[school.slug])
    for page in (
        reverse("schools:dashboard", args=[school.slug]),
        reverse("schools:profile", args=[school.slug]),
        reverse("schools:instructor_edit", args=[school.slug, instructor.pk]),
        reverse("schools:location_edit", args=[school.slug, location.pk]),
    ):
        assert f'href="{url}"' in client.get(page).content.decode(), page


def test_the_overview_reads_a_constant_number_of_queries(client, school, owner, django_assert_max_num_queries):
    for n in range(12):
        instructor = InstructorFactory(school=school, bio=f"Bio {n}")
        location = LocationFactory(school=school, directions=f"Puerta {n}")
        profile_translation_save(actor=owner, obj=instructor, language="en", texts={"bio": f"Bio {n} en"})
        profile_translation_save(actor=owner, obj=location, language="ar", texts={"directions": f"باب {n}"})
    client.force_login(owner)
    overview(client, school)  # the content types are cached from here on
    # Session, user, membership; instructors, locations, translations; own profile.
    with django_assert_max_num_queries(7):
        response = overview(client, school)
    assert response.content.decode().count("data-text=") == 2 + 12 + 12


def test_who_may_open_the_overview_and_its_files(client, school):
    urls = [
        reverse("schools:translations", args=[school.slug]),
        reverse("schools:translation_export", args=[school.slug, "en", "xlf"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to sign in
    client.force_login(staff(SchoolFactory()).user)
    assert {client.get(url).status_code for url in urls} == {404}
    client.force_login(staff(school, role=Role.INSTRUCTOR).user)
    assert {client.get(url).status_code for url in urls} == {403}
    client.force_login(staff(school, role=Role.MANAGER).user)
    assert {client.get(url).status_code for url in urls} == {200}
    assert client.get(reverse("schools:translation_export", args=[school.slug, "es", "xlf"])).status_code == 404


# --- the public pages ---------------------------------------------------------


def test_the_school_page_notes_a_fallback_an_outdated_translation_and_links_the_original(
    client, school, owner, django_capture_on_commit_callbacks
):
    profile_translation_save(actor=owner, obj=school, language="en", texts={"description": "Open workshop."})
    school_update(actor=owner, school=school, data={"fallback_languages": ["en"]})
    url = f"/schools/{school.slug}/"
    html = client.get(f"/en{url}").content.decode()
    assert "Open workshop." in html and 'data-testid="translation-note"' in html
    assert 'data-testid="fallback-note"' not in html and 'data-testid="outdated-note"' not in html
    # A French reader gets the English fallback, told so, in French.
    html = client.get(f"/fr{url}").content.decode()
    assert "Open workshop." in html and 'data-testid="fallback-note"' in html and 'lang="en"' in html
    with django_capture_on_commit_callbacks(execute=True):  # the shared pieces learn of the change on commit
        school_update(actor=owner, school=school, data={"description": "Taller abierto de martes a sábado."})
    html = client.get(f"/en{url}").content.decode()
    assert 'data-testid="outdated-note"' in html and 'href="?original=1"' in html
    original = client.get(f"/en{url}?original=1").content.decode()
    assert "Taller abierto de martes a sábado." in original and "Open workshop." not in original
    assert 'data-testid="reading-original"' in original


def test_the_instructor_page_labels_a_machine_translation_until_approved(
    client, school, owner, django_capture_on_commit_callbacks
):
    instructor = InstructorFactory(school=school, bio="Ceramista desde 2001.", is_active=True)
    profile_translation_save(
        actor=owner,
        obj=instructor,
        language="ja",
        texts={"bio": "2001年から陶芸家。"},
        origin="machine",
        approved=False,
    )
    url = f"/ja/instructors/{instructor.slug}/"
    html = client.get(url).content.decode()
    assert "2001年から陶芸家。" in html and 'data-testid="machine-label"' in html
    with django_capture_on_commit_callbacks(execute=True):
        profile_translation_save(
            actor=owner, obj=instructor, language="ja", texts={"bio": "2001年から陶芸家。"}, approved=True
        )
    html = client.get(url).content.decode()
    assert "2001年から陶芸家。" in html and 'data-testid="machine-label"' not in html
    assert 'data-testid="untranslated-note"' not in html
    # A reader without a translation is told the text is as the school wrote it.
    assert 'data-testid="untranslated-note"' in client.get(url.replace("/ja/", "/de/", 1)).content.decode()


# --- files for translators ----------------------------------------------------


def _upload(name, data):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_xliff_round_trip_translates_every_kind_of_text(client, school, owner):
    instructor = InstructorFactory(school=school, bio="Ceramista desde 2001.")
    location = LocationFactory(school=school, directions="Segundo piso.")
    profile_translation_save(actor=owner, obj=school, language="fr", texts={"tagline": "Céramique à Madrid"})
    client.force_login(owner)
    exported = client.get(reverse("schools:translation_export", args=[school.slug, "fr", "xlf"])).content
    assert b'source-language="es"' in exported and "<target>Céramique à Madrid</target>".encode() in exported
    assert f'id="instructor.{instructor.pk}.bio"'.encode() in exported
    edited = exported.replace(b"<target />", b"<target>Traduit</target>")
    response = client.post(
        reverse("schools:translation_import", args=[school.slug, "fr"]), {"file": _upload("ecole.fr.xlf", edited)}
    )
    assert response.status_code == 302
    assert profile_texts(instructor, "fr")["bio"].text == "Traduit"
    assert profile_texts(location, "fr")["directions"].text == "Traduit"
    texts = profile_texts(school, "fr")
    assert (texts["tagline"].text, texts["description"].text) == ("Céramique à Madrid", "Traduit")


def test_po_round_trip(school, owner):
    instructor = InstructorFactory(school=school, bio="Ceramista.")
    kinds = list(TRANSLATABLE)
    po = polib.pofile(translation_files.export_po(school, "de", kinds).decode())
    for entry in po:
        entry.msgstr = f"DE {entry.msgid}"
    saved = translation_files.import_translation_file(
        actor=owner, school=school, language="de", kinds=kinds, name="schule.po", data=str(po).encode()
    )
    assert saved == 3  # tagline, description, bio
    assert profile_texts(instructor, "de")["bio"].text == "DE Ceramista."
    assert ProfileTranslation.objects.filter(language="de", origin=TranslationOrigin.HUMAN, approved=True).count() == 3


@pytest.mark.parametrize(
    "name,mutate,message",
    [
        ("x.xlf", lambda b: b.replace(b"</xliff>", b""), "could not be read"),
        ("x.xlf", lambda b: b.replace(b'source-language="es"', b'source-language="it"'), "translates from"),
        ("x.xlf", lambda b: b.replace(b'target-language="fr"', b'target-language="de"'), "not into"),
        ("x.xlf", lambda b: b.replace(b".bio", b".email"), "not among these texts"),
        ("x.xlf", lambda b: b.replace(b"instructor.", b"instructor.999999", 1), "not among these texts"),
        ("x.xlf", lambda b: b.replace(b"Corto", b"C" * 200), "160 characters"),
        ("x.docx", lambda b: b, "XLIFF"),
    ],
)
def test_bad_files_are_refused_with_a_clear_error_and_nothing_changes(client, school, owner, name, mutate, message):
    instructor = InstructorFactory(school=school, bio="Ceramista.")
    profile_translation_save(actor=owner, obj=instructor, language="fr", texts={"bio": "Céramiste."})
    client.force_login(owner)
    good = client.get(reverse("schools:translation_export", args=[school.slug, "fr", "xlf"])).content
    good = good.replace("<target>Céramiste.</target>".encode(), b"<target>Nouveau</target>")
    good = good.replace(b"<target />", b"<target>Corto</target>")
    response = client.post(
        reverse("schools:translation_import", args=[school.slug, "fr"]), {"file": _upload(name, mutate(good))}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert profile_texts(instructor, "fr")["bio"].text == "Céramiste."
    assert ProfileTranslation.objects.filter(language="fr").count() == 1


def test_another_schools_file_is_refused(client, school, owner):
    other = SchoolFactory(default_language="es")
    InstructorFactory(school=other, bio="Otra.")
    other_file = translation_files.export_xliff(other, "fr", list(TRANSLATABLE)).replace(
        b"<target />", b"<target>X</target>"
    )
    client.force_login(owner)
    response = client.post(
        reverse("schools:translation_import", args=[school.slug, "fr"]), {"file": _upload("x.xlf", other_file)}
    )
    assert response.status_code == 400 and "not among these texts" in response.content.decode()
    assert not ProfileTranslation.objects.exists()
