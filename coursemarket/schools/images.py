"""Uploaded images: proven to be real images, size-limited, re-encoded.

Re-encoding with Pillow drops metadata (EXIF location, camera serials) and
anything that is not pixels, and bounds the stored size."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SOURCE_PIXELS = 40_000_000  # decompression-bomb guard
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class ImageSpec:
    max_width: int
    max_height: int
    crop: bool = False  # crop to exactly this size (cover) instead of fitting inside it


LOGO = ImageSpec(512, 512, crop=False)
COVER = ImageSpec(1920, 640, crop=True)
PHOTO = ImageSpec(640, 640, crop=True)


def validate_image_upload(upload: Any) -> None:
    """Raise a translated ValidationError unless `upload` is a real, small enough image."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            code="image_too_large",
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, WebP or GIF."), code="invalid_image"
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="invalid_image_format")
    if width * height > MAX_SOURCE_PIXELS:
        raise ValidationError(_("This image has too many pixels. Please upload a smaller one."), code="image_too_big")
    if width < 32 or height < 32:
        raise ValidationError(_("This image is too small. Use one at least 32 pixels wide and high."), code="tiny")


def process_image(upload: Any, spec: ImageSpec, *, prefix: str) -> ContentFile[bytes]:
    """Validate, orient, resize and re-encode an upload; return a file to save."""
    validate_image_upload(upload)
    upload.seek(0)
    with Image.open(upload) as source:
        source.load()
        image = ImageOps.exif_transpose(source) or source
        has_alpha = image.mode in ("RGBA", "LA", "P") and (image.mode != "P" or "transparency" in image.info)
        image = image.convert("RGBA" if has_alpha else "RGB")
        if spec.crop:
            target = _cover_size(image.size, spec)
            image = ImageOps.fit(image, target, method=Image.Resampling.LANCZOS)
        else:
            image.thumbnail((spec.max_width, spec.max_height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if has_alpha:
        image.save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.save(buffer, format="JPEG", quality=85, optimize=True, progressive=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{prefix}-{uuid.uuid4().hex[:12]}.{extension}")


def _cover_size(size: tuple[int, int], spec: ImageSpec) -> tuple[int, int]:
    """The crop box: the spec's aspect ratio, never upscaled beyond the source."""
    width, height = size
    ratio = spec.max_width / spec.max_height
    if width / height > ratio:
        crop_h = min(height, spec.max_height)
        return round(crop_h * ratio), crop_h
    crop_w = min(width, spec.max_width)
    return crop_w, max(1, round(crop_w / ratio))
