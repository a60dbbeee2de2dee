"""Turning untrusted bytes into a safe image: decode for real, bound the size, strip metadata.

This is the minimal pipeline for profile pictures; every step runs in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from socketspace.errors import InvalidInput

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
AVATAR_SIZE = 512
MESSAGE_IMAGE_SIZE = 2048

# Pillow's own guard: it warns above this many pixels (we make the warning an error) and
# refuses outright above twice as many.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

_DATA_URL = re.compile(r"data:image/(png|jpeg|jpg|webp|gif);base64,", re.IGNORECASE)


def decode_data_url(value: str, *, field: str) -> bytes:
    """The bytes of a `data:image/...;base64,` URL; InvalidInput for anything else."""
    return decode_base64(check_data_url(value, field=field), field=field)


def check_data_url(value: str, *, field: str) -> str:
    """The base64 part of a `data:image/...;base64,` URL within the size limit. Cheap, so it
    can run on the event loop; the decoding is left to a worker thread."""
    match = _DATA_URL.match(value)
    if match is None:
        raise InvalidInput(
            f"{field} must be a PNG, JPEG, WebP or GIF image data URL.", code="invalid_image"
        )
    payload = value[match.end() :]
    if len(payload) > (MAX_BYTES * 4) // 3 + 4:
        raise InvalidInput(
            f"{field} is larger than {MAX_BYTES // (1024 * 1024)} MB.", code="image_too_large"
        )
    return payload


def decode_base64(payload: str, *, field: str) -> bytes:
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{field} is not valid base64.", code="invalid_image") from None


def make_avatar(data: bytes, *, field: str = "profilePic") -> bytes:
    """A WebP of at most 512 px a side, with orientation applied and no metadata."""
    return _to_webp(data, field, AVATAR_SIZE)


def make_message_image(data: bytes, *, field: str = "image") -> bytes:
    """A WebP of at most 2048 px a side, with orientation applied and no metadata."""
    return _to_webp(data, field, MESSAGE_IMAGE_SIZE)


def _to_webp(data: bytes, field: str, max_side: int) -> bytes:
    with _open_checked(data, field) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side))
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "transparency" in image.info else "RGB")
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=85, method=4)
        return out.getvalue()


def _open_checked(data: bytes, field: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS) as probe:
                probe.verify()
            # verify() leaves the image unusable: open again to decode the pixels for real.
            image = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidInput(
                f"{field} has too many pixels (at most {MAX_PIXELS:,}).", code="image_too_large"
            ) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise InvalidInput(
                f"{field} must be a PNG, JPEG, WebP or GIF image.", code="invalid_image"
            ) from None
    return image
