"""Avatar pictures: check what was uploaded really is an image, then make a
small, clean copy of it (oriented, at most 512×512, without metadata such as
the camera's GPS position)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_SIDE = 512
# Pillow's format name -> (file extension, content type)
AVATAR_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
# Refuse absurd canvases before decoding them (a tiny file can claim 100k×100k).
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int


def _rewind(file: IO[bytes]) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def check_avatar(file: IO[bytes], *, size: int | None) -> CheckedImage:
    """Raise a translated ValidationError unless `file` is a JPEG, PNG or WebP
    image of at most 5 MB. The file's name and declared type are not trusted."""
    if size is not None and size > AVATAR_MAX_BYTES:
        raise ValidationError(
            _("This picture is larger than %(limit)s. Please choose a smaller one.")
            % {"limit": filesizeformat(AVATAR_MAX_BYTES)},
            code="too_large",
        )
    not_an_image = ValidationError(
        _("This file is not a picture we can use. Please upload a JPEG, PNG or WebP image."), code="not_image"
    )
    _rewind(file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                image_format = image.format or ""
                width, height = image.size
                if image_format not in AVATAR_FORMATS:
                    raise not_an_image
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("This picture is too large to process. Please choose a smaller one."), code="too_many_pixels"
                    )
                image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise not_an_image from exc
    finally:
        _rewind(file)
    return CheckedImage(format=image_format, width=width, height=height)


def process_avatar(file: IO[bytes]) -> ContentFile[bytes]:
    """A new image file: upright, at most 512×512, with no EXIF, XMP or other metadata.

    Call check_avatar() first; this raises the same errors for anything else."""
    checked = check_avatar(file, size=None)
    _rewind(file)
    with Image.open(file) as original:
        original.load()
        image = ImageOps.exif_transpose(original)
    if checked.format == "JPEG":
        image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette and other modes resize badly; RGBA keeps any transparency.
        image = image.convert("RGBA")
    image.thumbnail((AVATAR_MAX_SIDE, AVATAR_MAX_SIDE), Image.Resampling.LANCZOS)
    # Drop everything the original carried (EXIF with GPS, XMP, ICC, text chunks).
    image.info = {}
    output = io.BytesIO()
    extension, _content_type = AVATAR_FORMATS[checked.format]
    if checked.format == "JPEG":
        image.save(output, format="JPEG", quality=85, optimize=True, progressive=True)
    elif checked.format == "PNG":
        image.save(output, format="PNG", optimize=True)
    else:
        image.save(output, format="WEBP", quality=85)
    return ContentFile(output.getvalue(), name=f"avatar.{extension}")
