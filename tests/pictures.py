"""Builders of pictures, good and hostile, for the media tests."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter, TiffImagePlugin


def png_bytes(
    size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (200, 30, 30)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(
    size: tuple[int, int] = (300, 200), color: tuple[int, int, int] = (1, 2, 3)
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A photo whose EXIF says where it was taken (and which camera), with an XMP packet, an
    ICC profile and a comment besides."""
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    gps = {
        1: "N",  # GPSLatitudeRef
        2: (
            TiffImagePlugin.IFDRational(48),
            TiffImagePlugin.IFDRational(51),
            TiffImagePlugin.IFDRational(30),
        ),
        3: "E",  # GPSLongitudeRef
        4: (
            TiffImagePlugin.IFDRational(2),
            TiffImagePlugin.IFDRational(17),
            TiffImagePlugin.IFDRational(40),
        ),
    }
    exif[0x8825] = gps  # GPSInfo
    image = Image.new("RGB", (120, 80), (90, 160, 40))
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="48,51N"/></x:xmpmeta>'
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(out, format="JPEG", exif=exif.tobytes(), xmp=xmp, icc_profile=icc, comment=b"secret")
    data = out.getvalue()
    assert metadata_of(data).get("gps"), "the builder must really write GPS coordinates"
    return data


def metadata_of(data: bytes) -> dict[str, object]:
    """Every kind of metadata block Pillow finds in an encoded picture."""
    image = Image.open(io.BytesIO(data))
    found: dict[str, object] = {}
    exif = image.getexif()
    if len(exif):
        found["exif"] = dict(exif)
    gps = exif.get_ifd(0x8825)
    if gps:
        found["gps"] = gps
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "photoshop"):
        if image.info.get(key):
            found[key] = True
    return found


def decompression_bomb() -> bytes:
    """A few kilobytes declaring 10,000 x 10,000 pixels (100 megapixels)."""
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, format="PNG")
    return out.getvalue()


def animated_gif(frames: int, size: tuple[int, int] = (8, 8)) -> bytes:
    # Every frame differs from the one before, so the encoder cannot merge them.
    images = [Image.new("L", size, (i % 2) * 255) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=20)
    return out.getvalue()


def svg_with_script() -> bytes:
    return (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script></svg>"
    )


def polyglot_png() -> bytes:
    """A real PNG that is also a web page: HTML after the image's end."""
    return png_bytes() + b"<html><script>alert(document.cookie)</script></html>"


def photo_like(noise: int) -> bytes:
    """4000 x 3000, EXIF orientation 6: smooth shapes with fine grain (noise 20, about the
    size a phone writes) or heavy noise (120: a file several times bigger, slower to decode)."""
    width, height = 4000, 3000
    base = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge("RGB", (base, base.rotate(90).resize((width, height)), base))
    draw = ImageDraw.Draw(picture)
    for i in range(40):
        x, y = (i * 397) % width, (i * 211) % height
        draw.ellipse((x, y, x + 600, y + 400), fill=((i * 53) % 256, (i * 97) % 256, 120))
    picture = picture.filter(ImageFilter.GaussianBlur(3))
    grain = Image.effect_noise((width, height), noise).convert("RGB")
    picture = Image.blend(picture, grain, 0.15 if noise < 50 else 0.5)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()
