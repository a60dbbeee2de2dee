"""How long the picture pipeline takes for a 12-megapixel JPEG (decode, orient, strip,
re-encode, thumbnail): `.venv/bin/python bench/images.py [--runs 7]`.

Two inputs, both 4000 x 3000 and EXIF-oriented (orientation 6, so the turn is included): a
photo-like picture (smooth shapes and fine grain, about the size a phone writes) and a worst
case of heavy noise (which makes the file, and its entropy decoding, several times bigger).
Prints the median and the slowest run of each, for a message picture and for an avatar.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from socketspace.media.images import process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # for the tests' picture builders
from tests.pictures import photo_like


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
