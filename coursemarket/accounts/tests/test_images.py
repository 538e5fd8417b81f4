import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from coursemarket.core.images import MAX_UPLOAD_BYTES as AVATAR_MAX_BYTES
from coursemarket.core.images import check_image, clean_image

from .factories import image_bytes


def check_avatar(file, *, size):
    return check_image(file, size=size, min_side=1)


def process_avatar(file):
    return clean_image(file, max_side=512, name="avatar!", min_side=1)


def exif_with_gps_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "Phone Maker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 31.0, 12.0)
    return exif.tobytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_three_accepted_types_pass(fmt):
    checked = check_avatar(io.BytesIO(image_bytes(fmt)), size=1000)
    assert checked.format == fmt


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"%PDF-1.7 not a picture at all", "not_image"),
        (b"", "not_image"),
        (image_bytes("GIF"), "not_image"),
        (image_bytes("BMP"), "not_image"),
        (image_bytes("PNG")[:60], "not_image"),  # truncated
    ],
)
def test_anything_else_is_refused_with_a_clear_message(content, code):
    with pytest.raises(ValidationError) as error:
        check_avatar(io.BytesIO(content), size=len(content))
    assert error.value.code == code
    assert "JPEG, PNG or WebP" in error.value.messages[0]


def test_oversized_file_is_refused_before_it_is_read():
    with pytest.raises(ValidationError) as error:
        check_avatar(io.BytesIO(image_bytes("PNG")), size=AVATAR_MAX_BYTES + 1)
    assert error.value.code == "too_large"
    assert error.value.messages[0] == "This picture is larger than 5.0\xa0MB. Please choose a smaller one."


def test_a_canvas_claiming_too_many_pixels_is_refused():
    with pytest.raises(ValidationError) as error:
        check_avatar(io.BytesIO(image_bytes("PNG", (8000, 6000))), size=1000)
    assert error.value.code in {"too_many_pixels", "not_image"}


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_processing_resizes_to_512_and_keeps_the_type(fmt):
    result = process_avatar(io.BytesIO(image_bytes(fmt, (2000, 1000))))
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.format == fmt
        assert image.size == (512, 256)


def test_processing_applies_the_orientation_and_strips_all_metadata():
    original = image_bytes("JPEG", (300, 100), exif=exif_with_gps_and_rotation())
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x0112) == 6  # the test image really carries EXIF
    result = process_avatar(io.BytesIO(original)).read()
    with Image.open(io.BytesIO(result)) as image:
        assert image.size == (100, 300)  # turned upright
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"Phone Maker" not in result


def test_small_images_are_not_enlarged():
    result = process_avatar(io.BytesIO(image_bytes("PNG", (40, 30))))
    with Image.open(io.BytesIO(result.read())) as image:
        assert image.size == (40, 30)
