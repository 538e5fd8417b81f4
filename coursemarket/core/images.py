"""Uploaded pictures, one pipeline for the whole site.

Every picture a person uploads (an avatar, a school's logo and cover, an
instructor's photo, a course's cover and gallery) goes through here:

1. **check** (`check_image`): the bytes must decode as a JPEG, PNG or WebP
   (the name and the declared type are not trusted), be at most 5 MB, not
   claim an absurd canvas (decompression bombs) and be at least a minimum size;
   every refusal is a translated `ValidationError` with a stable code.
2. **clean** (`clean_image`, `fit_image`): re-encoded upright by Pillow, so
   EXIF (with the camera's GPS position), XMP, ICC profiles and text chunks are
   gone, bounded in size. The clean master is stored once.
3. **renditions** (`picture`, `generate_renditions`): django-imagekit makes
   every size a page asks for from the master — AVIF (where this Pillow can
   write it), WebP and a JPEG fallback — cropped around the picture's focal
   point (x/y percentages) so a crop keeps the subject. Rendition names are a
   hash of the master's name, the crop and the format, so a new focal point or
   master is a new file and a URL never changes meaning (cacheable forever).
   They are generated when the picture is saved (the Optimistic strategy: a
   page never checks storage for them), on local disk or on S3 alike.

`Picture.html()` prints a `<picture>` with `srcset`/`sizes`, explicit width
and height (no layout shift) and `loading="lazy"` unless asked not to.
"""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from imagekit import ImageSpec
from imagekit.cachefiles import ImageCacheFile
from imagekit.cachefiles.strategies import Optimistic
from PIL import Image, ImageOps, UnidentifiedImageError, features

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse absurd canvases before decoding them (a tiny file can claim 100k×100k)
MIN_SIDE = 32
# Pillow's format name -> (file extension, content type)
UPLOAD_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
AVIF = features.check("avif") is True


@dataclass(frozen=True)
class CheckedImage:
    format: str
    width: int
    height: int


def _rewind(file: Any) -> None:
    if hasattr(file, "seek"):
        file.seek(0)


def check_image(file: IO[bytes] | Any, *, size: int | None = None, min_side: int = MIN_SIDE) -> CheckedImage:
    """Raise a translated ValidationError unless `file` is a JPEG, PNG or WebP
    image of at most 5 MB and at least `min_side` pixels each way."""
    if size is None:
        size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("This picture is larger than %(limit)s. Please choose a smaller one.")
            % {"limit": filesizeformat(MAX_UPLOAD_BYTES)},
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
                if image_format not in UPLOAD_FORMATS:
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
    if width < min_side or height < min_side:
        raise ValidationError(
            _("This picture is too small. Please use one at least %(side)s pixels wide and high.") % {"side": min_side},
            code="too_small",
        )
    return CheckedImage(format=image_format, width=width, height=height)


def _upright(file: Any, *, min_side: int = MIN_SIDE) -> tuple[Image.Image, CheckedImage]:
    checked = check_image(file, min_side=min_side)
    _rewind(file)
    with Image.open(file) as original:
        original.load()
        image = ImageOps.exif_transpose(original)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}  # drop everything the original carried (EXIF with GPS, XMP, ICC, text chunks)
    return image, checked


def _encode(image: Image.Image, image_format: str) -> bytes:
    output = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(output, format="PNG", optimize=True)
    else:
        image.save(output, format="WEBP", quality=88)
    return output.getvalue()


def clean_image(file: Any, *, max_side: int, name: str, min_side: int = MIN_SIDE) -> ContentFile[bytes]:
    """A new image file: upright, at most `max_side` each way, in its own type
    (JPEG, PNG or WebP), with no metadata. Named `name.<ext>` (give a prefix;
    a random part is added unless `name` ends in "!")."""
    image, checked = _upright(file, min_side=min_side)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    image_format = checked.format
    if image_format == "JPEG" and image.mode == "RGBA":
        image_format = "PNG"
    extension = UPLOAD_FORMATS[image_format][0]
    stem = name[:-1] if name.endswith("!") else f"{name}-{uuid.uuid4().hex[:12]}"
    return ContentFile(_encode(image, image_format), name=f"{stem}.{extension}")


@dataclass(frozen=True)
class Fit:
    """A stored size: fit inside max_width × max_height, or crop to that shape."""

    max_width: int
    max_height: int
    crop: bool = False


LOGO = Fit(512, 512)
SCHOOL_COVER = Fit(1920, 640, crop=True)
PHOTO = Fit(640, 640, crop=True)


def fit_image(file: Any, fit: Fit, *, prefix: str) -> ContentFile[bytes]:
    """Check, orient, resize (or crop to the fit's shape) and re-encode; JPEG,
    or PNG where the picture has transparency."""
    image, _checked = _upright(file)
    if fit.crop:
        image = ImageOps.fit(image, _crop_size(image.size, fit), method=Image.Resampling.LANCZOS)
    else:
        image.thumbnail((fit.max_width, fit.max_height), Image.Resampling.LANCZOS)
    image_format = "PNG" if image.mode == "RGBA" else "JPEG"
    extension = UPLOAD_FORMATS[image_format][0]
    return ContentFile(_encode(image, image_format), name=f"{prefix}-{uuid.uuid4().hex[:12]}.{extension}")


def _crop_size(size: tuple[int, int], fit: Fit) -> tuple[int, int]:
    """The crop box: the fit's aspect ratio, never upscaled beyond the source."""
    width, height = size
    ratio = fit.max_width / fit.max_height
    if width / height > ratio:
        crop_h = min(height, fit.max_height)
        return round(crop_h * ratio), crop_h
    crop_w = min(width, fit.max_width)
    return crop_w, max(1, round(crop_w / ratio))


# --- focal crops -----------------------------------------------------------


def focal_box(size: tuple[int, int], ratio: float, focus: tuple[float, float]) -> tuple[int, int, int, int]:
    """The largest box of `ratio` (width/height) inside `size`, centred on the
    focal point (x, y in percent) as far as the picture's edges allow."""
    width, height = size
    if width / height > ratio:
        box_w, box_h = round(height * ratio), height
    else:
        box_w, box_h = width, round(width / ratio)
    fx, fy = (min(100.0, max(0.0, float(v))) / 100 for v in focus)
    left = min(max(0, round(fx * width - box_w / 2)), width - box_w)
    top = min(max(0, round(fy * height - box_h / 2)), height - box_h)
    return left, top, left + box_w, top + box_h


def focal_crop(image: Image.Image, width: int, height: int, focus: tuple[float, float]) -> Image.Image:
    box = focal_box(image.size, width / height, focus)
    return image.resize((width, height), Image.Resampling.LANCZOS, box=box)


class FocalCrop:
    """A pilkit processor: crop to width × height around a focal point."""

    def __init__(self, width: int, height: int, focus: tuple[float, float]) -> None:
        self.width, self.height = width, height
        self.focus = (round(float(focus[0]), 1), round(float(focus[1]), 1))  # one hash for 15 and 15.0

    def process(self, img: Image.Image) -> Image.Image:
        img = ImageOps.exif_transpose(img)
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if "transparency" in img.info or img.mode in ("LA", "PA") else "RGB")
        return focal_crop(img, self.width, self.height, self.focus)

    def __getstate__(self) -> dict[str, Any]:  # imagekit hashes the processors with pickle
        return {"w": self.width, "h": self.height, "f": self.focus}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.width, self.height, self.focus = state["w"], state["h"], state["f"]


# --- renditions --------------------------------------------------------------

FORMAT_OPTIONS: dict[str, dict[str, Any]] = {
    "AVIF": {"quality": 55, "speed": 8},
    "WEBP": {"quality": 78, "method": 4},
    "JPEG": {"quality": 80, "optimize": True, "progressive": True},
}
MIME = {"AVIF": "image/avif", "WEBP": "image/webp", "JPEG": "image/jpeg"}
RENDITION_FORMATS: tuple[str, ...] = ("AVIF", "WEBP", "JPEG") if AVIF else ("WEBP", "JPEG")


@dataclass(frozen=True)
class Kind:
    """A rendition family: one shape, a few widths, and how wide it shows (`sizes`)."""

    name: str
    ratio_w: int
    ratio_h: int
    widths: tuple[int, ...]
    sizes: str

    def height(self, width: int) -> int:
        return round(width * self.ratio_h / self.ratio_w)


# Two widths each: 1x and 2x of how wide it shows on a desktop; a phone (100vw
# at DPR 2–3) takes the wider one.
CARD = Kind("card", 16, 9, (400, 800), "(min-width: 1200px) 370px, (min-width: 768px) 45vw, 100vw")
HERO = Kind("hero", 16, 9, (800, 1600), "(min-width: 992px) 40vw, 100vw")
GALLERY = Kind("gallery", 4, 3, (400, 800), "(min-width: 992px) 200px, 50vw")
SHARE = Kind("share", 40, 21, (1200,), "1200px")  # 1200×630, the Open Graph card's shape
# A school's cover (stored 3:1, SCHOOL_COVER): across its page, and on its card in the directory.
BANNER = Kind("banner", 3, 1, (800, 1600), "100vw")
BANNER_CARD = Kind("banner-card", 3, 1, (400, 800), "(min-width: 1200px) 370px, (min-width: 768px) 45vw, 100vw")
SCHOOL_COVER_KINDS = (BANNER, BANNER_CARD)
KINDS = (CARD, HERO, GALLERY)
PORTRAIT_FOCUS = (50, 35)  # a portrait's face sits above the middle: wide crops of a photo keep it


class Rendition(ImageSpec):
    cachefile_strategy = Optimistic()

    def __init__(self, source: Any, *, width: int, height: int, image_format: str, focus: tuple[float, float]):
        self.processors = [FocalCrop(width, height, focus)]
        self.format = image_format
        self.options = FORMAT_OPTIONS[image_format]
        super().__init__(source=source)


def rendition_file(source: Any, kind: Kind, width: int, image_format: str, focus: tuple[float, float]) -> Any:
    spec = Rendition(source, width=width, height=kind.height(width), image_format=image_format, focus=focus)
    return ImageCacheFile(spec)


@dataclass
class Picture:
    """What a `<picture>` needs: one srcset per format, the fallback, its size."""

    alt: str
    width: int
    height: int
    sizes: str
    src: str
    sources: list[tuple[str, str]] = field(default_factory=list)  # (content type, srcset)

    def html(self, *, lazy: bool = True, css_class: str = "", img_attrs: str = "") -> SafeString:
        sources = format_html_join(
            "",
            '<source type="{}" srcset="{}" sizes="{}">',
            ((mime, srcset, self.sizes) for mime, srcset in self.sources),
        )
        loading = mark_safe(' loading="lazy" decoding="async"' if lazy else ' fetchpriority="high"')  # noqa: S308
        return format_html(
            '<picture>{}<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}"{}{}{}></picture>',
            sources,
            self.src,
            dict(self.sources).get("image/jpeg", self.src),
            self.sizes,
            self.alt,
            self.width,
            self.height,
            format_html(' class="{}"', css_class) if css_class else "",
            loading,
            mark_safe(img_attrs),  # noqa: S308 - constant attributes from our templates
        )


def _focus(focus: Iterable[float] | None) -> tuple[float, float]:
    x, y = tuple(focus) if focus is not None else (50.0, 50.0)
    return float(x), float(y)


def picture(source: Any, kind: Kind, *, alt: str = "", focus: Iterable[float] | None = None) -> Picture | None:
    """The renditions of a stored picture (a FieldFile), or None without one.
    Costs no storage call: names are computed, files were made on save."""
    if not source:
        return None
    point = _focus(focus)
    sources = []
    for image_format in RENDITION_FORMATS:
        srcset = ", ".join(f"{rendition_file(source, kind, w, image_format, point).url} {w}w" for w in kind.widths)
        sources.append((MIME[image_format], srcset))
    middle = kind.widths[-1] if len(kind.widths) < 3 else kind.widths[len(kind.widths) // 2]  # the fallback
    return Picture(
        alt=alt,
        width=middle,
        height=kind.height(middle),
        sizes=kind.sizes,
        src=rendition_file(source, kind, middle, "JPEG", point).url,
        sources=sources,
    )


def share_rendition_url(source: Any, focus: Iterable[float] | None = None) -> str:
    """A 1200×630 JPEG of the picture, for pages without a share card of their own."""
    return str(rendition_file(source, SHARE, 1200, "JPEG", _focus(focus)).url) if source else ""


def generate_renditions(
    source: Any, *, focus: Iterable[float] | None = None, kinds: Iterable[Kind] = KINDS, share: bool = False
) -> int:
    """Make every rendition of a stored picture (existing ones are kept); the number made."""
    if not source:
        return 0
    point = _focus(focus)
    made = 0
    for kind in kinds:
        for image_format in RENDITION_FORMATS:
            for width in kind.widths:
                rendition_file(source, kind, width, image_format, point).generate()
                made += 1
    if share:
        rendition_file(source, SHARE, 1200, "JPEG", point).generate()
        made += 1
    return made
