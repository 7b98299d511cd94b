"""The map of complaints, drawn on the server as SVG over the configured tiles (Web Mercator, 256-pixel
"slippy" tiles such as OpenStreetMap's): it works without JavaScript, and each marker is a link. Without a
tile URL, or when none of the complaints has a point, there is no map: the page lists the coordinates."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

TILE = 256
WIDTH = 768
HEIGHT = 512
MARGIN = 24
MIN_ZOOM = 3
MAX_ZOOM = 18
MAX_LAT = 85.05112878  # Web Mercator's limit
_PLACEHOLDERS = ("{z}", "{x}", "{y}")


def tile_template(url: str) -> str | None:
    """The tile URL template when it is usable here (http(s), with {z}, {x} and {y}), else None."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        return None
    if not all(placeholder in url for placeholder in _PLACEHOLDERS):
        return None
    return url


def tile_origin(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def project(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    """World pixel coordinates of a point at ``zoom``."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    scale = TILE * 2**zoom
    x = (lon + 180.0) / 360.0 * scale
    sin = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * scale
    return x, y


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    href: str
    label: str


@dataclass(frozen=True)
class Tile:
    x: float
    y: float
    url: str


@dataclass(frozen=True)
class MapImage:
    width: int
    height: int
    zoom: int
    tiles: list[Tile]
    markers: list[Marker]
    origin: str


@dataclass(frozen=True)
class Point:
    latitude: Decimal
    longitude: Decimal
    href: str
    label: str


def _zoom_for(points: list[Point]) -> int:
    for zoom in range(MAX_ZOOM, MIN_ZOOM - 1, -1):
        xs, ys = zip(*(project(float(p.latitude), float(p.longitude), zoom) for p in points), strict=True)
        if max(xs) - min(xs) <= WIDTH - 2 * MARGIN and max(ys) - min(ys) <= HEIGHT - 2 * MARGIN:
            return zoom
    return MIN_ZOOM


def build_map(template: str, points: Iterable[Point], *, max_zoom: int = 17) -> MapImage | None:
    """The tiles and markers of a WIDTH × HEIGHT picture showing every point, or None without points."""
    points = [p for p in points if p.latitude is not None and p.longitude is not None]
    if not points:
        return None
    zoom = min(_zoom_for(points), max_zoom)
    projected = [project(float(p.latitude), float(p.longitude), zoom) for p in points]
    xs, ys = zip(*projected, strict=True)
    left = (min(xs) + max(xs)) / 2 - WIDTH / 2
    top = (min(ys) + max(ys)) / 2 - HEIGHT / 2
    count = 2**zoom
    tiles = []
    for ty in range(math.floor(top / TILE), math.floor((top + HEIGHT) / TILE) + 1):
        if not 0 <= ty < count:
            continue
        for tx in range(math.floor(left / TILE), math.floor((left + WIDTH) / TILE) + 1):
            url = (
                template.replace("{z}", str(zoom))
                .replace("{x}", str(tx % count))
                .replace("{y}", str(ty))
                .replace("{s}", "abc"[(tx + ty) % 3])
            )
            tiles.append(Tile(x=round(tx * TILE - left, 1), y=round(ty * TILE - top, 1), url=url))
    markers = [
        Marker(x=round(x - left, 1), y=round(y - top, 1), href=p.href, label=p.label)
        for (x, y), p in zip(projected, points, strict=True)
    ]
    return MapImage(width=WIDTH, height=HEIGHT, zoom=zoom, tiles=tiles, markers=markers, origin=tile_origin(template))


def geo_uri(latitude: Decimal, longitude: Decimal) -> str:
    """RFC 5870 ``geo:`` link: phones open it in their map application."""
    return f"geo:{format(latitude.normalize(), 'f')},{format(longitude.normalize(), 'f')}"
