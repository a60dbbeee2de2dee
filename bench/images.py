"""How long the picture pipeline takes for a 12-megapixel JPEG (decode, orient, strip,
re-encode, thumbnail): `.venv/bin/python bench/images.py [--runs 7]`.

Two inputs, both 4000 x 3000 and EXIF-oriented (orientation 6, so the turn is included): a
photo-like picture (smooth shapes and fine grain, about the size a phone writes) and a worst
case of heavy noise (which makes the file, and its entropy decoding, several times bigger).
Prints the median and the slowest run of each, for a message picture and for an avatar.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image, ImageDraw, ImageFilter

from socketspace.media.images import process


def photo_like(noise: int) -> bytes:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for label, data in (("photo-like", photo_like(20)), ("heavy noise", photo_like(120))):
        for purpose in ("images", "avatars"):
            process(data, purpose)  # warm up
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                process(data, purpose)
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"{label:12} {len(data) / 1e6:4.1f} MB  {purpose:8}"
                f" median {statistics.median(times):6.1f} ms   slowest {max(times):6.1f} ms"
            )


if __name__ == "__main__":
    main()
