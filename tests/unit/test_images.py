"""The picture pipeline on its own: what goes in untrusted comes out clean, or not at all."""

import base64
import io

import pytest
from PIL import Image, ImageCms

from socketspace.errors import InvalidInput, PayloadTooLarge
from socketspace.media.images import (
    MAX_BYTES,
    check_data_url,
    declared_format,
    decode_data_url,
    process,
)
from tests.pictures import (
    animated_gif,
    decompression_bomb,
    jpeg_with_gps,
    metadata_of,
    png_bytes,
    polyglot_png,
    svg_with_script,
)


def jpeg_with_exif(orientation: int, size: tuple[int, int] = (60, 20)) -> bytes:
    # Left half red, right half blue: after turning, where red ends up tells the orientation.
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def test_a_data_url_decodes_to_its_bytes():
    raw = png_bytes()
    url = "data:image/png;base64," + base64.b64encode(raw).decode()
    assert decode_data_url(url, field="profilePic") == raw
    assert check_data_url(url, field="profilePic").declared == "PNG"


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/cat.png",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png;base64,@@@not-base64@@@",
        "data:image/png;base64,",
        "data:image/png,rawbytes",
    ],
)
def test_anything_but_a_base64_image_data_url_is_refused(value):
    with pytest.raises(InvalidInput):
        decode_data_url(value, field="profilePic")


def test_an_oversized_data_url_is_refused_before_decoding():
    with pytest.raises(PayloadTooLarge):
        check_data_url("data:image/png;base64," + "A" * (MAX_BYTES * 4 // 3 + 8), field="image")


@pytest.mark.parametrize(
    ("content_type", "declared"),
    [
        ("image/png", "PNG"),
        ("image/jpeg; charset=binary", "JPEG"),
        ("application/octet-stream", None),
        (None, None),
        ("image/svg+xml", ""),
    ],
)
def test_an_uploads_content_type_names_the_format_it_claims(content_type, declared):
    assert declared_format(content_type) == declared


def test_a_message_picture_keeps_its_shape_and_gets_a_thumbnail():
    done = process(png_bytes(size=(3000, 1500)), "images")
    main = Image.open(io.BytesIO(done.main.data))
    thumb = Image.open(io.BytesIO(done.thumb.data))
    assert (main.format, main.size) == ("JPEG", (2048, 1024))
    assert (done.width, done.height) == (2048, 1024)
    assert thumb.size == (400, 200)
    assert done.main.content_type == "image/jpeg" and done.main.ext == "jpg"


def test_a_picture_with_transparency_stays_transparent_as_webp():
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (10, 20, 30, 0)).save(out, format="PNG")
    done = process(out.getvalue(), "images")
    main = Image.open(io.BytesIO(done.main.data))
    assert main.format == "WEBP" and main.mode == "RGBA"
    assert done.main.content_type == "image/webp"


def test_an_avatar_is_a_square_webp_with_a_small_square_thumbnail():
    done = process(png_bytes(size=(2000, 1000)), "avatars")
    main = Image.open(io.BytesIO(done.main.data))
    thumb = Image.open(io.BytesIO(done.thumb.data))
    assert (main.format, main.size) == ("WEBP", (512, 512))
    assert thumb.size == (128, 128)


def test_a_small_avatar_is_cropped_square_but_not_enlarged():
    done = process(png_bytes(size=(64, 90)), "avatars")
    assert Image.open(io.BytesIO(done.main.data)).size == (64, 64)


@pytest.mark.parametrize("purpose", ["images", "avatars"])
def test_the_exif_orientation_is_applied_then_dropped(purpose):
    # Orientation 6: the camera was turned; the picture must be turned 90 degrees clockwise.
    done = process(jpeg_with_exif(orientation=6, size=(600, 200)), purpose)
    picture = Image.open(io.BytesIO(done.main.data)).convert("RGB")
    width, height = picture.size
    if purpose == "images":
        assert (width, height) == (200, 600)
    red, _, blue = picture.getpixel((width // 2, 5))  # type: ignore[misc]
    # Turned clockwise, the left (red) half is now on top.
    assert red > 200 and blue < 60
    assert metadata_of(done.main.data) == {}


def test_gps_coordinates_never_survive():
    done = process(jpeg_with_gps(), "images")
    assert metadata_of(done.main.data) == {}
    assert metadata_of(done.thumb.data) == {}


def test_an_animation_becomes_its_first_frame():
    done = process(animated_gif(frames=3), "images")
    main = Image.open(io.BytesIO(done.main.data))
    assert getattr(main, "n_frames", 1) == 1


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a this is not really a gif", "invalid_image"),
        (svg_with_script(), "invalid_image"),
        (png_bytes()[:60], "invalid_image"),
        (b"", "invalid_image"),
        (bytes(range(256)) * 64, "invalid_image"),
        (polyglot_png(), "invalid_image"),
        (decompression_bomb(), "image_too_large"),
        (animated_gif(frames=600), "too_many_frames"),
    ],
    ids=[
        "fake-gif",
        "svg-with-script",
        "truncated-png",
        "empty",
        "random-bytes",
        "polyglot",
        "decompression-bomb",
        "thousands-of-frames",
    ],
)
def test_bytes_that_are_not_a_safe_allowed_image_are_refused(data, code):
    with pytest.raises(InvalidInput) as refused:
        process(data, "images")
    assert refused.value.code == code


def test_a_picture_that_is_not_what_it_claims_to_be_is_refused():
    with pytest.raises(InvalidInput, match="says it is JPEG but is PNG") as refused:
        process(png_bytes(), "images", declared="JPEG")
    assert refused.value.code == "image_type_mismatch"


def test_more_than_the_size_limit_is_refused():
    with pytest.raises(PayloadTooLarge):
        process(b"\0" * (MAX_BYTES + 1), "images")


@pytest.mark.parametrize("icc", [b"this is not an ICC profile", None], ids=["garbage", "srgb"])
def test_a_colour_profile_is_applied_or_ignored_and_never_kept(icc):
    profile = icc or ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, format="PNG", icc_profile=profile)
    done = process(out.getvalue(), "images")
    assert metadata_of(done.main.data) == {}
    red, green, blue = Image.open(io.BytesIO(done.main.data)).convert("RGB").getpixel((20, 15))  # type: ignore[misc]
    assert abs(red - 200) < 8 and abs(green - 100) < 8 and abs(blue - 50) < 8
