"""Course pictures (cover and gallery) and share cards: what a school and a
person sharing a link rely on."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont

from coursemarket.catalog import services, sharecards
from coursemarket.catalog.models import Course, CourseImage, CourseTranslation
from coursemarket.core import images
from coursemarket.core.testing import assert_queries
from coursemarket.schools.models import Role

from .factories import CourseFactory, InstructorFactory, LocationFactory, category, make_session, staff
from .test_query_counts import LISTING_QUERIES

pytestmark = pytest.mark.django_db

GPS_TAG, MAKE_TAG, ORIENTATION_TAG = 0x8825, 0x010F, 0x0112


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """Pages rendered for each request (the page cache is tested in test_pagecache.py)."""
    settings.CATALOG_PAGE_CACHE_SECONDS = 0
    settings.CATALOG_VERSIONED_FRAGMENT_SECONDS = 0


def photo_bytes(size: tuple[int, int] = (900, 600), *, exif: bool = True, fmt: str = "JPEG") -> bytes:
    """A photo with a subject on the left; with EXIF (camera make, GPS position)."""
    image = Image.new("RGB", size, (40, 120, 200))
    ImageDraw.Draw(image).ellipse((40, 200, 240, 400), fill=(250, 200, 30))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[MAKE_TAG] = "Phone Maker"
        gps = data.get_ifd(GPS_TAG)
        gps[1], gps[2], gps[3], gps[4] = "N", (40.0, 25.0, 1.0), "W", (3.0, 42.0, 2.0)
        kwargs["exif"] = data.tobytes()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def upload(name: str = "cover.jpg", **kwargs: object) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, photo_bytes(**kwargs), content_type="image/jpeg")  # type: ignore[arg-type]


def test_uploaded_cover_is_stored_without_exif_or_gps_and_with_its_renditions():
    course = CourseFactory()
    owner = staff(course.school)
    original = photo_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_TAG)  # the upload really carries a position

    services.course_cover_set(actor=owner, course=course, upload=upload(), alt="A yellow ball", focus_x=15, focus_y=50)
    course.refresh_from_db()
    stored = default_storage.open(course.cover_image.name).read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (900, 600)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Phone Maker" not in stored
    assert (course.cover_alt, course.cover_focus_x, course.cover_focus_y) == ("A yellow ball", 15, 50)

    expected = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg"}
    for kind in (images.CARD, images.HERO):
        for image_format in images.RENDITION_FORMATS:
            for width in kind.widths:
                rendition = images.rendition_file(course.cover_image, kind, width, image_format, (15, 50))
                assert default_storage.exists(rendition.name), (kind.name, image_format, width)
                with Image.open(default_storage.open(rendition.name)) as made:
                    assert made.format == image_format
                    assert made.size == (width, kind.height(width))
                    assert Image.MIME[made.format] == expected[image_format]
    share = images.rendition_file(course.cover_image, images.SHARE, 1200, "JPEG", (15, 50))
    assert Image.open(default_storage.open(share.name)).size == (1200, 630)


def test_avif_is_offered_where_pillow_can_write_it():
    from PIL import features

    assert ("AVIF" in images.RENDITION_FORMATS) == bool(features.check("avif"))


def test_a_focal_crop_keeps_the_subject():
    # The subject is at 15 % across: a 1:1 crop of a 3:2 picture centred there starts at the left edge.
    assert images.focal_box((900, 600), 1.0, (15, 50)) == (0, 0, 600, 600)
    assert images.focal_box((900, 600), 1.0, (50, 50)) == (150, 0, 750, 600)
    assert images.focal_box((900, 600), 1.0, (95, 50)) == (300, 0, 900, 600)
    # A new focal point is a new rendition name: a URL never changes meaning.
    course = CourseFactory(cover_image="courses/covers/x.jpg")
    a = images.rendition_file(course.cover_image, images.CARD, 400, "JPEG", (15, 50)).name
    b = images.rendition_file(course.cover_image, images.CARD, 400, "JPEG", (60, 50)).name
    assert a != b


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"%PDF-1.7 not a picture", "not_image"), (photo_bytes((100, 80)), "too_small")],
)
def test_a_bad_picture_is_refused_and_changes_nothing(content, code):
    course = CourseFactory()
    owner = staff(course.school)
    with pytest.raises(Exception) as error:
        services.course_cover_set(
            actor=owner, course=course, upload=SimpleUploadedFile("x.jpg", content), alt="Something"
        )
    assert getattr(error.value, "code", None) == code
    course.refresh_from_db()
    assert not course.cover_image


def pictures_url(course: Course) -> str:
    return f"/en/dashboard/schools/{course.school.slug}/courses/{course.pk}/pictures/"


def test_alt_text_is_required_with_a_translated_error_and_nothing_is_stored(client):
    course = CourseFactory()
    client.force_login(staff(course.school))
    response = client.post(
        pictures_url(course).replace("/en/", "/es/"), {"image": upload(), "alt_text": "  "}, follow=False
    )
    assert response.status_code == 400
    with translation.override("es"):
        expected = str(
            translation.gettext(
                "Describe the picture for people who cannot see it (for example “Students at a pottery wheel”)."
            )
        )
    assert expected in response.content.decode()
    course.refresh_from_db()
    assert not course.cover_image
    assert not CourseImage.objects.exists()


def test_a_school_uploads_a_cover_then_gallery_pictures_reorders_and_deletes_them(client):
    course = CourseFactory()
    CourseTranslation.objects.create(course=course, language="ar", title="الإسبانية")
    client.force_login(staff(course.school))
    url = pictures_url(course)

    response = client.post(url, {"image": upload(), "alt_text": "Students in class"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.cover_image and course.cover_alt == "Students in class"  # the first picture is the cover

    for n in range(3):
        assert client.post(url, {"image": upload(f"g{n}.jpg"), "alt_text": f"Picture {n}"}).status_code == 302
    gallery = list(course.images.all())
    assert [image.alt_text for image in gallery] == ["Picture 0", "Picture 1", "Picture 2"]
    assert all(image.width == 900 and image.height == 600 for image in gallery)

    last = gallery[2]
    client.post(f"{url}{last.pk}/", {"action": "earlier"})
    assert [image.alt_text for image in course.images.all()] == ["Picture 0", "Picture 2", "Picture 1"]

    prefix = f"image-{last.pk}"
    client.post(
        f"{url}{last.pk}/",
        {"action": "save", f"{prefix}-alt_text": "A kiln", f"{prefix}-focus_x": "20", f"{prefix}-focus_y": "70",
         f"{prefix}-alt_ar": "فرن"},
    )  # fmt: skip
    last.refresh_from_db()
    assert (last.alt_text, last.focus_x, last.focus_y, last.alt_in("ar")) == ("A kiln", 20, 70, "فرن")

    client.post(
        f"{url}cover/",
        {"action": "save", "cover-alt_text": "Class", "cover-focus_x": "30", "cover-focus_y": "40",
         "cover-alt_ar": "صف"},
    )  # fmt: skip
    course.refresh_from_db()
    assert (course.cover_focus_x, course.cover_focus_y) == (30, 40)
    assert CourseTranslation.objects.get(course=course, language="ar").cover_alt == "صف"

    client.post(f"{url}{gallery[0].pk}/", {"action": "delete"})
    assert [(image.alt_text, image.position) for image in course.images.all()] == [("A kiln", 0), ("Picture 1", 1)]

    page = client.get(url)
    assert page.status_code == 200
    assert b"data-focal-picker" in page.content


def test_other_schools_staff_are_refused_on_every_new_address(client):
    course = CourseFactory()
    stored = default_storage.save("courses/gallery/x.jpg", upload())
    image = CourseImage.objects.create(course=course, image=stored, alt_text="X")
    other = CourseFactory()
    client.force_login(staff(other.school))
    school, own_school = course.school.slug, other.school.slug
    base = f"/en/dashboard/schools/{school}/courses/{course.pk}/pictures/"
    through_own = f"/en/dashboard/schools/{own_school}/courses/{course.pk}/pictures/"
    for url in (base, f"{base}cover/", f"{base}{image.pk}/", through_own, f"{through_own}cover/",
                f"{through_own}{image.pk}/"):  # fmt: skip
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"action": "delete", "alt_text": "x"}).status_code == 404, url
    assert CourseImage.objects.filter(pk=image.pk).exists()
    # Staff of the same school without the right to manage courses: 403.
    client.force_login(staff(course.school, role=Role.INSTRUCTOR))
    assert client.post(f"{base}{image.pk}/", {"action": "delete"}).status_code == 403
    assert CourseImage.objects.filter(pk=image.pk).exists()


def meta(html: str, key: str) -> list[str]:
    return re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)


def assert_share_tags(html: str, *, url_part: str) -> None:
    for key in ("og:title", "og:description", "og:image", "og:url", "og:locale", "twitter:title", "twitter:image"):
        assert meta(html, key) and meta(html, key)[0], key
    assert meta(html, "og:image:width") == ["1200"] and meta(html, "og:image:height") == ["630"]
    assert meta(html, "twitter:card") == ["summary_large_image"]
    assert meta(html, "og:locale") == ["en_US"]
    assert set(meta(html, "og:locale:alternate")) == {"es_ES", "de_DE", "fr_FR", "ar_AR", "pt_BR", "it_IT", "ja_JP"}
    assert meta(html, "og:image")[0].startswith("http://testserver/")
    assert url_part in meta(html, "og:url")[0]


def test_every_shared_page_type_has_complete_open_graph_tags(client):
    course = CourseFactory(slug="spanish-a1")
    other = CourseFactory(slug="spanish-a2", school=course.school)
    first = make_session(course, days=5)
    make_session(course, days=12)
    instructor = InstructorFactory(school=course.school, slug="ana")
    first.instructors.add(instructor)
    services.course_cover_set(actor=staff(course.school), course=course, upload=upload(), alt="A ball")

    page = client.get("/en/courses/spanish-a1/").content.decode()
    assert_share_tags(page, url_part="/courses/spanish-a1/")
    assert "/courses/spanish-a1/share/" in meta(page, "og:image")[0]

    session_page = client.get(f"/en/courses/spanish-a1/?session={first.pk}").content.decode()
    assert_share_tags(session_page, url_part=f"?session={first.pk}")
    assert f"/sessions/{first.pk}/share/" in meta(session_page, "og:image")[0]

    compare = f"/en/compare/?courses={course.slug},{other.slug}"
    for path in (f"/en/schools/{course.school.slug}/", "/en/instructors/ana/", compare,
                 f"/en/compare/sessions/{course.slug}/"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert_share_tags(response.content.decode(), url_part=path.split("?")[0].replace("/en", "", 1))


def share_image(client, course: Course) -> tuple[str, bytes]:
    page = client.get(f"/en/courses/{course.slug}/").content.decode()
    url = meta(page, "og:image")[0].replace("http://testserver", "")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"]
    return url, response.content


def test_share_image_is_a_1200x630_png_that_changes_with_the_price(client):
    course = CourseFactory(price=Decimal("180.00"))
    make_session(course, days=5)
    url, before = share_image(client, course)
    with Image.open(io.BytesIO(before)) as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))

    services.course_update(actor=staff(course.school), course=course, price=Decimal("150.00"))
    new_url, after = share_image(client, course)
    assert new_url != url and after != before
    stale = client.get(url)  # an old address leads to the current card
    assert stale.status_code == 302 and stale["Location"] == new_url


def test_a_session_card_says_how_many_seats_are_left(client):
    course = CourseFactory()
    session = make_session(course, days=5, capacity=10, seats_taken=7)
    course = sharecards.course_for_card(course.slug)
    facts = sharecards.share_facts(course, session, with_seats=True)
    assert facts.seats == "3 seats left"
    response = client.get(f"/en/courses/{course.slug}/sessions/{session.pk}/share/{facts.fingerprint}.png")
    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"


def _dark_columns(image: Image.Image, top: int, bottom: int) -> list[int]:
    band = image.crop((0, top, image.width, bottom)).convert("L")
    pixels = band.load()
    return [x for x in range(band.width) if any(pixels[x, y] < 100 for y in range(band.height))]


def test_an_arabic_course_card_is_shaped_and_right_aligned():
    title = "مقدمة في الخط العربي"
    facts = sharecards.ShareFacts("ar", title, "مدرسة النور", "", "", "", "", "", (50, 50))
    with Image.open(io.BytesIO(sharecards.render_card(facts))) as card:
        card = card.convert("RGB")
        # The title's line sits between the school name and the bottom rows (see render_card).
        columns = [x for x in _dark_columns(card, 125, 190) if x > 500]  # the text panel
    # Right-aligned in the text panel (the cover takes the left 500 pixels in a right-to-left card).
    assert 1120 <= max(columns) <= 1140
    drawn = max(columns) - min(columns)
    font = sharecards._font(sharecards.ARABIC, 54, True)
    shaped = font.getbbox(title, direction="rtl", language="ar", anchor="ls")
    unshaped = ImageFont.truetype(str(sharecards.ARABIC), 54, layout_engine=ImageFont.Layout.BASIC)
    unshaped.set_variation_by_axes([700])
    isolated = unshaped.getbbox(title, anchor="ls")
    # As wide as the shaped (joined) text, not as its isolated letters.
    assert abs(drawn - (shaped[2] - shaped[0])) <= 8, (drawn, shaped, isolated)
    assert abs(drawn - (isolated[2] - isolated[0])) > 24, (drawn, shaped, isolated)


def test_arabic_and_latin_runs_are_ordered_right_to_left():
    runs = sharecards._visual_runs("٤٫٨ (٢٣ مراجعة) Python", True)
    texts = [text for _font, text, _direction in runs]
    assert texts[0].strip() == "Python"  # the last word logically is leftmost in a right-to-left line
    assert texts[-1] == "٤٫٨"  # the first is rightmost, its digits left to right


def test_listing_cards_show_cover_renditions_without_more_queries(client):
    madrid = LocationFactory(city="Madrid")
    owner = staff(madrid.school)
    for n in range(5):
        course = CourseFactory(slug=f"covered-{n}", school=madrid.school, category=category("spanish"))
        make_session(course, days=5 + n, location=madrid)
        services.course_cover_set(actor=owner, course=course, upload=upload(), alt=f"Cover {n}")
    client.get("/en/courses/")  # warm the category and city caches
    with assert_queries(LISTING_QUERIES):
        response = client.get("/en/courses/")
    html = response.content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", html, flags=re.S)
    assert len(pictures) == 5
    for picture in pictures:
        assert 'type="image/webp"' in picture and "400w" in picture and "800w" in picture
        assert re.search(r'<img [^>]*width="800" height="450"', picture)
        assert re.search(r'alt="Cover \d"', picture)
    assert sum('loading="lazy"' in picture for picture in pictures) == 2  # the first row loads at once
    assert 'type="image/avif"' in pictures[0] or "AVIF" not in images.RENDITION_FORMATS


def test_course_page_shows_the_hero_and_the_gallery_in_the_readers_language(client):
    course = CourseFactory()
    CourseTranslation.objects.create(course=course, language="ar", title="الإسبانية", cover_alt="طلاب")
    owner = staff(course.school)
    services.course_cover_set(actor=owner, course=course, upload=upload(), alt="Students")
    services.course_image_add(actor=owner, course=course, upload=upload(), alt_text="A kiln",
                              alt_translations={"ar": "فرن"})  # fmt: skip
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    hero = re.search(r'data-testid="course-hero">(.*?)</figure>', html, flags=re.S).group(1)
    assert 'alt="Students"' in hero and "loading=" not in hero  # the hero is not lazy
    assert 'data-alt="A kiln"' in html and "data-gallery-dialog" in html
    arabic = client.get(f"/ar/courses/{course.slug}/").content.decode()
    assert 'alt="طلاب"' in arabic and 'data-alt="فرن"' in arabic


def test_make_renditions_fills_in_the_missing_ones():
    from django.core.management import call_command

    name = default_storage.save("courses/covers/old.jpg", upload())
    course = CourseFactory(cover_image=name, cover_focus_x=20)
    card = images.rendition_file(course.cover_image, images.CARD, 400, "WEBP", (20, 50))
    assert not default_storage.exists(card.name)
    call_command("make_renditions", stdout=io.StringIO())
    assert default_storage.exists(card.name)


def test_cards_included_by_other_pages_show_the_cover_too(client):
    """Home and recommendation grids include the card template directly (not
    through catalog.cards): their cards show the cover as well."""
    madrid = LocationFactory(city="Madrid")
    course = CourseFactory(slug="covered-home", school=madrid.school, category=category("spanish"))
    make_session(course, days=5, location=madrid)
    services.course_cover_set(actor=staff(madrid.school), course=course, upload=upload(), alt="A home cover")
    html = client.get("/en/").content.decode()
    card = re.search(r'<article class="course-card">.*?covered-home.*?</article>', html, flags=re.S)
    assert card, "the course is on the home page"
    assert "<picture>" in card.group(0) and 'alt="A home cover"' in card.group(0) and "is-empty" not in card.group(0)


def test_a_school_cover_is_served_as_renditions_on_its_page_and_directory_card(client):
    """The school's cover is stored once (3:1, no EXIF) and shown as
    renditions sized for the page and for the directory card, never as the
    stored upload itself."""
    from coursemarket.schools.services.schools import school_update

    course = CourseFactory()
    make_session(course, days=5)
    school = course.school
    school_update(actor=staff(school, Role.OWNER), school=school, data={"cover_image": upload(size=(2400, 900))})
    school.refresh_from_db()
    for kind in images.SCHOOL_COVER_KINDS:
        for width in kind.widths:
            rendition = images.rendition_file(school.cover_image, kind, width, "JPEG", (50, 50))
            assert default_storage.exists(rendition.name), (kind.name, width)
            with Image.open(default_storage.open(rendition.name)) as made:
                assert made.size == (width, round(width / 3))

    page = client.get(f"/en/schools/{school.slug}/").content.decode()
    cover = re.search(r'<div class="school-cover">(.*?)</div>', page, re.S)
    assert cover and "<picture>" in cover.group(1) and school.cover_image.url not in cover.group(1)
    assert 'fetchpriority="high"' in cover.group(1) and 'width="1600" height="533"' in cover.group(1)

    directory = client.get("/en/schools/").content.decode()
    card = re.search(r'<span class="directory-card-cover"[^>]*>(.*?)</span>', directory, re.S)
    assert card and "<picture>" in card.group(1) and 'loading="lazy"' in card.group(1)
    assert school.cover_image.url not in directory


def test_a_duplicated_course_keeps_its_cover_and_gallery_and_deleting_one_keeps_the_other():
    course = CourseFactory()
    owner = staff(course.school)
    services.course_cover_set(actor=owner, course=course, upload=upload(), alt="A yellow ball", focus_x=15, focus_y=50)
    first = services.course_image_add(actor=owner, course=course, upload=upload("a.jpg"), alt_text="The room")
    services.course_image_add(actor=owner, course=course, upload=upload("b.jpg"), alt_text="The teacher")
    course.refresh_from_db()

    copy = services.course_duplicate(actor=owner, course=course)
    assert (copy.cover_image.name, copy.cover_alt, copy.cover_focus_x) == (course.cover_image.name, "A yellow ball", 15)
    pictures = list(copy.images.order_by("position"))
    assert [(p.alt_text, p.position, p.image.name) for p in pictures] == [
        (p.alt_text, p.position, p.image.name) for p in course.images.order_by("position")
    ]
    services.course_image_delete(actor=owner, image=first)
    assert default_storage.exists(pictures[0].image.name)  # the copy's picture still shows
    assert copy.images.count() == 2 and course.images.count() == 1
