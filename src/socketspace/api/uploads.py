"""Reading one picture from a multipart/form-data body, as it arrives, into a temporary file.

Our own small reader over python-multipart rather than `request.form()`: the size limit is
enforced while the bytes arrive (not after the whole body sits on disk), any failure closes
the file at once, and nothing but the expected fields is accepted.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from socketspace.errors import InvalidInput, PayloadTooLarge

FILE_FIELD = "file"
FIELD_MAX = 256


@dataclass
class Upload:
    file: IO[bytes]  # the picture, in a temporary file
    size: int
    content_type: str | None
    fields: dict[str, str]


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    is_file: bool = False
    value: bytearray = field(default_factory=bytearray)


@asynccontextmanager
async def read_upload(
    request: Request, *, max_bytes: int, fields: frozenset[str]
) -> AsyncIterator[Upload]:
    """The one file of the body (field `file`) and the named text fields; the file is
    deleted when the block ends."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the picture as multipart/form-data.", code="invalid_upload")
    with tempfile.TemporaryFile() as spool:
        upload = Upload(file=spool, size=0, content_type=None, fields={})
        seen_file = False
        part = _Part()
        header_name = bytearray()
        header_value = bytearray()

        def on_part_begin() -> None:
            nonlocal part
            part = _Part()

        def on_header_field(data: bytes, start: int, end: int) -> None:
            header_name.extend(data[start:end])

        def on_header_value(data: bytes, start: int, end: int) -> None:
            header_value.extend(data[start:end])

        def on_header_end() -> None:
            part.headers[header_name.decode("latin-1").lower()] = header_value.decode("latin-1")
            header_name.clear()
            header_value.clear()

        def on_headers_finished() -> None:
            nonlocal seen_file
            _, params = parse_options_header(part.headers.get("content-disposition", ""))
            part.name = params.get(b"name", b"").decode("utf-8", "replace")
            part.is_file = b"filename" in params
            if part.is_file:
                if part.name != FILE_FIELD:
                    raise InvalidInput(
                        f"Send the picture in the field `{FILE_FIELD}`.", code="invalid_upload"
                    )
                if seen_file:
                    raise InvalidInput("Send one picture at a time.", code="too_many_files")
                seen_file = True
                upload.content_type = part.headers.get("content-type")
            elif part.name not in fields:
                raise InvalidInput(f"Unknown field: {part.name}.", code="invalid_upload")

        def on_part_data(data: bytes, start: int, end: int) -> None:
            if part.is_file:
                upload.size += end - start
                if upload.size > max_bytes:
                    raise PayloadTooLarge(
                        f"The picture is larger than {max_bytes // (1024 * 1024)} MB.",
                        code="image_too_large",
                    )
                spool.write(data[start:end])
                return
            part.value.extend(data[start:end])
            if len(part.value) > FIELD_MAX:
                raise InvalidInput(f"{part.name} is too long.", code="invalid_upload")

        def on_part_end() -> None:
            if not part.is_file:
                upload.fields[part.name] = part.value.decode("utf-8", "replace")

        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": on_part_begin,
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": on_headers_finished,
                "on_part_data": on_part_data,
                "on_part_end": on_part_end,
            },
        )
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except MultipartParseError:
            raise InvalidInput("The multipart body is malformed.", code="invalid_upload") from None
        if not seen_file:
            raise InvalidInput(
                f"{FILE_FIELD} is required: send the picture as the multipart field "
                f"`{FILE_FIELD}`.",
                code="missing_file",
            )
        spool.seek(0)
        yield upload
