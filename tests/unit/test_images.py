import base64
import io

import pytest
from PIL import Image

from socketspace.errors import InvalidInput
from socketspace.media.images import decode_data_url, make_avatar


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif(orientation: int) -> bytes:
    image = Image.new("RGB", (60, 20), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "SpyCam"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_data_url_decodes_to_its_bytes():
    raw = png_bytes()
    assert (
        decode_data_url(
            "data:image/png;base64," + base64.b64encode(raw).decode(), field="profilePic"
        )
        == raw
    )


@pytest.mark.parametrize(
    "value",
    [
        "https://example.com/cat.png",
        "data:text/html;base64,PGgxPmhpPC9oMT4=",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:image/png;base64,@@@not-base64@@@",
    ],
)
def test_anything_but_a_base64_image_data_url_is_refused(value):
    with pytest.raises(InvalidInput):
        decode_data_url(value, field="profilePic")


def test_an_avatar_is_a_metadata_free_webp_with_orientation_applied():
    avatar = Image.open(io.BytesIO(make_avatar(jpeg_with_exif(orientation=6))))
    assert avatar.format == "WEBP"
    assert avatar.size == (20, 60)  # rotated by the EXIF orientation, then stripped
    assert len(avatar.getexif()) == 0
    assert "icc_profile" not in avatar.info


def test_a_large_picture_is_scaled_down():
    avatar = Image.open(io.BytesIO(make_avatar(png_bytes(size=(2000, 1000)))))
    assert max(avatar.size) == 512


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a this is not really a gif",
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        png_bytes()[:60],  # truncated
        b"",
    ],
    ids=["fake-gif", "svg", "truncated-png", "empty"],
)
def test_bytes_that_do_not_decode_as_an_allowed_image_are_refused(data):
    with pytest.raises(InvalidInput):
        make_avatar(data)


def test_a_decompression_bomb_is_refused():
    # 10,000 x 10,000 pixels of one colour compresses to a few kilobytes.
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    with pytest.raises(InvalidInput, match="too many pixels"):
        make_avatar(out.getvalue())
