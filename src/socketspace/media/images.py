"""Turning untrusted bytes into a safe image: decode for real, bound the size, strip metadata.

`process` is the whole pipeline, for uploads and data URLs alike. It is CPU work: callers run
it in a worker thread, never on the event loop.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from socketspace.errors import InvalidInput, PayloadTooLarge

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# An animation is kept as its first frame; counting frames only parses block headers, and
# an image of thousands of frames is refused as the abuse it is.
MAX_FRAMES = 500
MESSAGE_IMAGE_SIZE = 2048
MESSAGE_THUMB_SIZE = 400
AVATAR_SIZE = 512
AVATAR_THUMB_SIZE = 128

Purpose = Literal["images", "avatars"]

# Pillow's own guard: above this many pixels it warns, above twice as many it refuses. The
# warning is made an error for the whole process, once: `warnings.catch_warnings` is not
# thread-safe, and images are decoded in worker threads. We also check the size ourselves.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

_DATA_URL = re.compile(r"data:image/(png|jpeg|jpg|webp|gif);base64,", re.IGNORECASE)
_DECLARED = {
    "png": "PNG",
    "jpeg": "JPEG",
    "jpg": "JPEG",
    "pjpeg": "JPEG",
    "webp": "WEBP",
    "gif": "GIF",
}
# Bytes that make a browser or a sniffing proxy read a file as a page. An image that carries
# them is a polyglot (valid image and valid HTML at once): refused, even though re-encoding
# would drop them, because nobody sends such a file by accident. The markers are long enough
# that compressed pixel data contains them by chance about once in ten thousand 10 MB files.
_MARKUP = re.compile(rb"<(?:script|html|!doctype|iframe|object|embed|svg[\s>/])|javascript:")
# EXIF orientation -> the transpose that shows the picture upright.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.createProfile("sRGB")
# Long C calls on large buffers hold the GIL; work on slices of this size (a multiple of 4,
# for base64) so the event loop's thread gets its turn between them.
_SLICE = 1024 * 1024
_KIND_NAME = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}


@dataclass(frozen=True)
class Encoded:
    data: bytes
    content_type: str
    ext: str


@dataclass(frozen=True)
class Processed:
    main: Encoded
    thumb: Encoded
    width: int
    height: int


@dataclass(frozen=True)
class DataUrl:
    """The still-encoded part of a `data:image/...;base64,` URL and the format it claims."""

    payload: str
    declared: str


# --- data URLs (the original client's way) ---------------------------------------------------


def check_data_url(value: str, *, field: str, max_bytes: int = MAX_BYTES) -> DataUrl:
    """Shape and size of a `data:image/...;base64,` URL. Cheap, so it can run on the event
    loop; decoding is left to a worker thread."""
    match = _DATA_URL.match(value)
    if match is None:
        raise InvalidInput(
            f"{field} must be a PNG, JPEG, WebP or GIF image data URL.", code="invalid_image"
        )
    payload = value[match.end() :]
    if len(payload) > (max_bytes * 4) // 3 + 4:
        raise _too_large(field, max_bytes)
    if not payload:
        raise InvalidInput(f"{field} is an empty data URL.", code="invalid_image")
    return DataUrl(payload, _DECLARED[match.group(1).lower()])


def decode_base64(payload: str, *, field: str) -> bytes:
    """Decoded a slice at a time: one C call over 13 MB of base64 would hold the GIL, and so
    stall the event loop, for tens of milliseconds."""
    padding = payload.find("=")
    if padding != -1 and padding < len(payload) - 2:
        raise InvalidInput(f"{field} is not valid base64.", code="invalid_image")
    try:
        return b"".join(
            base64.b64decode(payload[start : start + _SLICE], validate=True)
            for start in range(0, len(payload), _SLICE)
        )
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{field} is not valid base64.", code="invalid_image") from None


def decode_data_url(value: str, *, field: str) -> bytes:
    """The bytes of a `data:image/...;base64,` URL; InvalidInput for anything else."""
    return decode_base64(check_data_url(value, field=field).payload, field=field)


def declared_format(content_type: str | None) -> str | None:
    """The format an upload's `image/...` Content-Type claims; None when it claims none."""
    if not content_type:
        return None
    kind, _, subtype = content_type.split(";")[0].strip().lower().partition("/")
    if kind != "image":
        return None
    return _DECLARED.get(subtype, "")


# --- the pipeline ----------------------------------------------------------------------------


def process(
    data: bytes,
    purpose: Purpose,
    *,
    field: str = "image",
    declared: str | None = None,
    max_bytes: int = MAX_BYTES,
) -> Processed:
    """A clean copy of an untrusted image: decoded for real, at most MAX_PIXELS, orientation
    applied, no metadata at all, re-encoded, with a thumbnail. Message images keep their shape
    (at most 2048 px a side); avatars are cropped square (at most 512 px). Opaque pictures
    become JPEG (encoding a 12-megapixel photo to WebP takes several times longer), pictures
    with transparency and avatars WebP."""
    if len(data) > max_bytes:
        raise _too_large(field, max_bytes)
    if not data:
        raise InvalidInput(f"{field} is empty.", code="invalid_image")
    if _has_markup(data):
        raise InvalidInput(
            f"{field} contains markup; it is not a plain image.", code="invalid_image"
        )
    image = _open_checked(data, field, declared)
    box = AVATAR_SIZE if purpose == "avatars" else MESSAGE_IMAGE_SIZE
    try:
        try:
            orientation = image.getexif().get(0x0112)
        except Exception:  # a broken EXIF block says nothing we need
            orientation = None
        icc = image.info.get("icc_profile")
        if image.format == "JPEG":
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale almost for free: the biggest saving on
            # a 12-megapixel photo. Wanted: a long side of at least 15/16 of the box (a square
            # avatar's short side), so a 4000 px photo becomes 2000 px, not 2048.
            image.draft("RGB", _draft_size(image.size, box, purpose))
        image.load()
        picture: Image.Image = image
        if picture.mode == "P" and "transparency" in picture.info:
            picture = picture.convert("RGBA")
        if purpose == "avatars":
            # Cropping the centre square commutes with the orientation's turns and flips, so
            # the big decode is cut down before anything else touches it.
            side = min(picture.size)
            picture = ImageOps.fit(picture, (min(side, box),) * 2)
        else:
            picture.thumbnail((box, box))  # only the first frame of an animation is kept
        transpose = _ORIENTATION.get(orientation) if isinstance(orientation, int) else None
        if transpose is not None:
            picture = picture.transpose(transpose)
        if isinstance(icc, bytes) and icc:
            picture = _to_srgb(picture, icc)
        picture = _normal_mode(picture)
        thumb = picture.copy()
        thumb_box = AVATAR_THUMB_SIZE if purpose == "avatars" else MESSAGE_THUMB_SIZE
        thumb.thumbnail((thumb_box, thumb_box))
        as_webp = purpose == "avatars" or picture.mode == "RGBA"
        return Processed(
            main=_encode(picture, as_webp, quality=85),
            thumb=_encode(thumb, as_webp, quality=80),
            width=picture.width,
            height=picture.height,
        )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _not_an_image(field) from None
    finally:
        image.close()


def _draft_size(size: tuple[int, int], box: int, purpose: Purpose) -> tuple[int, int]:
    width, height = size
    wanted = box * 15 // 16
    side = min(width, height) if purpose == "avatars" else max(width, height)
    return (max(1, -(-width * wanted // side)), max(1, -(-height * wanted // side)))


def _has_markup(data: bytes) -> bool:
    """A slice at a time, overlapping by a marker's length, so the GIL is let go between
    slices; lower() first, because a case-blind regex is three times slower."""
    overlap = 16
    return any(
        _MARKUP.search(data[start : start + _SLICE + overlap].lower())
        for start in range(0, len(data), _SLICE)
    )


def _open_checked(data: bytes, field: str, declared: str | None) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
            _check_dimensions(probe, field)
            probe.verify()
        # verify() leaves the image unusable: open again to decode the pixels for real.
        image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
        _check_dimensions(image, field)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_an_image(field) from None
    if declared is not None and declared != image.format:
        actual = _KIND_NAME.get(str(image.format), str(image.format))
        claimed = _KIND_NAME.get(declared, "something else")
        image.close()
        raise InvalidInput(
            f"{field} says it is {claimed} but is {actual}.", code="image_type_mismatch"
        )
    return image


def _check_dimensions(image: Image.Image, field: str) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise _not_an_image(field)
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(field)
    if getattr(image, "n_frames", 1) > MAX_FRAMES:
        raise InvalidInput(
            f"{field} is an animation of more than {MAX_FRAMES} frames.", code="too_many_frames"
        )


def _to_srgb(picture: Image.Image, icc: bytes) -> Image.Image:
    """The picture's colours in sRGB. Its ICC profile is about to be dropped with the rest of
    the metadata; without this, a wide-gamut photo (a phone's Display P3) would look dull."""
    if picture.mode not in ("RGB", "RGBA"):
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(picture, source, _SRGB, outputMode=picture.mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return picture  # an unreadable profile: keep the pixels as they are
    return converted if converted is not None else picture


def _normal_mode(picture: Image.Image) -> Image.Image:
    """RGB, or RGBA when some pixel is really see-through."""
    has_alpha = picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    if has_alpha:
        picture = picture.convert("RGBA")
        extrema = picture.getchannel("A").getextrema()
        if isinstance(extrema, tuple) and isinstance(extrema[0], int) and extrema[0] < 255:
            return picture
    return picture.convert("RGB")


def _encode(picture: Image.Image, as_webp: bool, quality: int) -> Encoded:
    picture.info = {}  # nothing of the source's metadata may ride along
    out = io.BytesIO()
    if as_webp:
        picture.save(out, format="WEBP", quality=quality, method=4)
        return Encoded(out.getvalue(), "image/webp", "webp")
    picture.save(out, format="JPEG", quality=quality)
    return Encoded(out.getvalue(), "image/jpeg", "jpg")


def _too_large(field: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"{field} is larger than {max_bytes / (1024 * 1024):g} MB.", code="image_too_large"
    )


def _not_an_image(field: str) -> InvalidInput:
    return InvalidInput(f"{field} must be a PNG, JPEG, WebP or GIF image.", code="invalid_image")


def _too_many_pixels(field: str) -> InvalidInput:
    return InvalidInput(
        f"{field} has too many pixels (at most {MAX_PIXELS:,}).", code="image_too_large"
    )
