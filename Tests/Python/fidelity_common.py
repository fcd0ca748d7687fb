"""What the fidelity tests share: the tools, the image, the structured-output model, and what the
simulator answers to them (see docs/simulator.md)."""
import base64
import struct
import zlib
from typing import Literal

from pydantic import BaseModel

PROXY_KEY = "test-proxy-key"
SERVE_KEY = "test-serve-key"


def _png(width: int = 1, height: int = 1) -> bytes:
    """A real, decodable RGBA PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = _png()
PNG_BASE64 = base64.b64encode(PNG).decode()
PNG_DATA_URL = f"data:image/png;base64,{PNG_BASE64}"
# How the simulator acknowledges the image in its reply: the decoded size, as it received it.
IMAGE_ACK = f"[image image/png {len(PNG)} bytes]"

WEATHER_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "description": "The city"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer"},
    },
    "required": ["city", "unit", "days"],
}
TIME_SCHEMA = {
    "type": "object",
    "properties": {"timezone": {"type": "string"}, "precise": {"type": "boolean"}},
    "required": ["timezone"],
}
# The simulator builds arguments from the schema: every required property, "sample-<name>" for a
# string, the first enum value, 1 for an integer.
WEATHER_ARGS = {"city": "sample-city", "unit": "celsius", "days": 1}
TIME_ARGS = {"timezone": "sample-timezone"}

TOOL_RESULT = '{"temp":21}'
WEATHER_RESULT_LINE = 'Tool get_weather returned: {"temp":21}'
TIME_RESULT = '{"time":"12:00"}'
TIME_RESULT_LINE = 'Tool get_time returned: {"time":"12:00"}'

REASONING_TEXT = "Simulated reasoning before the answer."


class Forecast(BaseModel):
    """The structured output the tests ask for."""
    city: str
    days: int
    unit: Literal["celsius", "fahrenheit"]


# The simulator's instance of Forecast's schema: "sample-city", 1, the first enum value.
FORECAST = {"city": "sample-city", "days": 1, "unit": "celsius"}


def reply_prefix(model: str) -> str:
    """The start of every simulated text answer (the model without a provider prefix or switches)."""
    return f"Simulated reply from {model.split('/', 1)[-1].split('@', 1)[0]}: "
