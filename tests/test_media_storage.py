"""Uploads on object storage: with MEDIA_BUCKET and friends set, the settings
put `STORAGES["default"]` on S3 (django-storages); a school's logo, processed by
the image pipeline (core/images.py), lands in the bucket and its link on the page fetches it
from the store. Runs against moto's S3 server started here."""

from __future__ import annotations

import importlib
import io
import os
import re
from unittest import mock

import pytest
import requests
from django.core.files.storage import default_storage
from PIL import Image

from coursemarket.accounts.tests.factories import UserFactory
from coursemarket.schools import services as school_services
from coursemarket.schools.tests.factories import image_upload

from .services import object_store


def _settings_with(env: dict[str, str]):  # type: ignore[no-untyped-def]
    from coursemarket.config import settings as module

    with mock.patch.dict(os.environ, env):
        return importlib.reload(module)


@pytest.fixture(scope="module")
def store():  # type: ignore[no-untyped-def]
    with object_store() as running:
        yield running


@pytest.fixture
def s3_settings(settings, store):  # type: ignore[no-untyped-def]
    configured = _settings_with(store.env())
    try:
        settings.STORAGES = {**settings.STORAGES, "default": configured.STORAGES["default"]}
        yield configured
    finally:
        _settings_with({})


def test_without_a_bucket_uploads_stay_on_local_disk():
    configured = _settings_with({"MEDIA_BUCKET": ""})
    assert configured.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert configured.SERVE_MEDIA is True
    assert "amazonaws" not in " ".join(configured.SECURE_CSP["img-src"])


def test_with_a_bucket_the_settings_name_the_store_and_allow_its_images(s3_settings, store):
    assert s3_settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3_settings.STORAGES["default"]["OPTIONS"]
    assert options["bucket_name"] == store.bucket
    assert options["querystring_auth"] is False  # a public address: plain links
    assert s3_settings.SERVE_MEDIA is False
    assert store.endpoint in s3_settings.SECURE_CSP["img-src"]


@pytest.mark.django_db
def test_a_school_logo_goes_to_the_bucket_and_its_link_serves_it(s3_settings, store, client):
    owner = UserFactory()
    school = school_services.school_create(user=owner, name="Bucket School", logo=image_upload(size=(1600, 900)))
    name = school.logo.name
    assert default_storage.__class__.__name__ == "S3Storage"
    stored = store.client().get_object(Bucket=store.bucket, Key=name)
    assert stored["CacheControl"] == "public, max-age=31536000, immutable"
    url = school.logo.url
    assert url.startswith(store.public_url + "/schools/logos/")
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) <= 1600  # the processed rendition, not the upload
    page = client.get(f"/en/schools/{school.slug}/")
    assert page.status_code == 200
    assert url in page.content.decode()


@pytest.mark.django_db
def test_a_second_upload_with_the_same_name_never_overwrites_the_first(s3_settings, store):
    owner = UserFactory()
    first = school_services.school_create(user=owner, name="Twin", logo=image_upload())
    second = school_services.school_update(actor=owner, school=first, data={"logo": image_upload()})
    assert second.logo.name != first.logo.name
    keys = {o["Key"] for o in store.client().list_objects_v2(Bucket=store.bucket)["Contents"]}
    assert {first.logo.name, second.logo.name} <= keys


@pytest.mark.django_db
def test_a_course_cover_and_its_renditions_go_to_the_bucket_and_the_card_links_serve_them(s3_settings, store, client):
    from coursemarket.catalog import services as catalog_services
    from coursemarket.catalog.tests.factories import CourseFactory, staff
    from coursemarket.core import images

    course = CourseFactory()
    catalog_services.course_cover_set(
        actor=staff(course.school), course=course, upload=image_upload("c.jpg", size=(1200, 800), fmt="JPEG"), alt="A"
    )
    course.refresh_from_db()
    keys = {o["Key"] for o in store.client().list_objects_v2(Bucket=store.bucket)["Contents"]}
    assert course.cover_image.name in keys
    picture = images.picture(course.cover_image, images.CARD, alt="A", focus=(50, 50))
    assert picture is not None
    for _mime, srcset in picture.sources:
        for candidate in srcset.split(", "):
            url = candidate.rsplit(" ", 1)[0]
            assert url.startswith(store.public_url + "/renditions/")
            response = requests.get(url, timeout=10)
            assert response.status_code == 200, url
    share = requests.get(images.share_rendition_url(course.cover_image, (50, 50)), timeout=10)
    with Image.open(io.BytesIO(share.content)) as image:
        assert image.size == (1200, 630)
    # The share card is drawn once, stored in the bucket and served from there.
    html = client.get(f"/en/courses/{course.slug}/").content.decode()
    card_url = re.search(r'<meta property="og:image" content="http://testserver([^"]+)"', html).group(1)
    card = client.get(card_url)
    assert card.status_code == 200 and card.content[:4] == b"\x89PNG"
    keys = {o["Key"] for o in store.client().list_objects_v2(Bucket=store.bucket)["Contents"]}
    assert any(key.startswith(f"share/courses/{course.pk}-") for key in keys)
