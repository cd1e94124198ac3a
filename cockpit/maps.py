"""pydeck layer builders. No tiles by default: officials' networks may be closed, so layers draw on a blank style
served by the cockpit itself, with outlines for context; COCKPIT_MAP_STYLE names a MapLibre style URL reachable
from the officials' browsers (e.g. a tile server inside the government network)."""

from __future__ import annotations

import math
import os

import pandas as pd
import pydeck as pdk

TOOLTIP_STYLE = {"backgroundColor": "#0b3d91", "color": "white", "fontSize": "14px"}


# Served by Streamlit from cockpit/static/: without a style of our own, Streamlit fetches CARTO's.
OFFLINE_STYLE = "/app/static/blank-style.json"


def deck(layers: dict[str, pdk.Layer], *, lat: float, lon: float, zoom: float, tooltip: str) -> pdk.Deck:
    style = os.environ.get("COCKPIT_MAP_STYLE") or OFFLINE_STYLE
    return pdk.Deck(
        layers=list(layers.values()),
        initial_view_state=pdk.ViewState(latitude=lat, longitude=lon, zoom=zoom),
        map_provider=None,
        map_style=style,
        tooltip={"html": tooltip, "style": TOOLTIP_STYLE},
    )


def catchment_layers(catchments: list[dict], seats: pd.DataFrame) -> dict[str, pdk.Layer]:
    fill = dict(zip(seats["id"], seats["fill"], strict=True)) if len(seats) else {}
    features = [
        {"type": "Feature", "geometry": c["geometry"], "properties": {"name": c["name"], "level": c["level"], "fill": fill.get(c["id"], 0)}}
        for c in catchments
    ]
    return {
        "catchments": pdk.Layer(
            "GeoJsonLayer",
            id="catchments",
            data={"type": "FeatureCollection", "features": features},
            stroked=True,
            filled=True,
            pickable=True,
            get_line_color=[20, 60, 140, 220],
            line_width_min_pixels=1.5,
            get_fill_color="[30, 120, 220, 30 + 150 * properties.fill]",
        ),
        "schools": pdk.Layer(
            "ScatterplotLayer",
            id="schools",
            data=seats,
            get_position="[lon, lat]",
            pickable=True,
            get_fill_color="[level == 'primary' ? 240 : 255, level == 'primary' ? 120 : 190, 30, 230]",
            get_radius=220,
            radius_min_pixels=5,
            stroked=True,
            get_line_color=[255, 255, 255],
        ),
    }


def circle(lat: float, lon: float, radius_m: float, steps: int = 48) -> list[list[float]]:
    """A ring of ``radius_m`` around a point, as [lon, lat] pairs (port zones drawn without a base map)."""
    dlat = radius_m / 111_320
    dlon = dlat / math.cos(math.radians(lat))
    return [[lon + dlon * math.cos(2 * math.pi * i / steps), lat + dlat * math.sin(2 * math.pi * i / steps)] for i in range(steps + 1)]


def port_layers(ports: pd.DataFrame) -> dict[str, pdk.Layer]:
    zones = pd.DataFrame(
        {"name": ports["name"], "polygon": [circle(la, lo, 2500) for la, lo in zip(ports["lat"], ports["lon"], strict=True)]}
    )
    biggest = max(float(ports["tonnes"].max() or 0), 1.0) if len(ports) else 1.0
    sized = ports.assign(radius=300 + 1500 * ports["tonnes"] / biggest)
    return {
        "port_zones": pdk.Layer(
            "PolygonLayer",
            id="port_zones",
            data=zones,
            get_polygon="polygon",
            stroked=True,
            filled=True,
            get_fill_color=[0, 140, 160, 25],
            get_line_color=[0, 110, 130, 200],
            line_width_min_pixels=1.5,
        ),
        "ports": pdk.Layer(
            "ScatterplotLayer",
            id="ports",
            data=sized,
            get_position="[lon, lat]",
            get_radius="radius",
            get_fill_color=[0, 150, 136, 200],
            pickable=True,
            stroked=True,
            get_line_color=[255, 255, 255],
            radius_min_pixels=6,
        ),
    }


def green_layers(points: pd.DataFrame, stations: pd.DataFrame) -> dict[str, pdk.Layer]:
    outline = []
    if len(stations):
        south, north = stations["lat"].min() - 0.05, stations["lat"].max() + 0.05
        west, east = stations["lon"].min() - 0.06, stations["lon"].max() + 0.06
        outline = [{"name": "仙居县城区", "polygon": [[west, south], [east, south], [east, north], [west, north], [west, south]]}]
    return {
        "area": pdk.Layer(
            "PolygonLayer",
            id="area",
            data=outline,
            get_polygon="polygon",
            stroked=True,
            filled=False,
            get_line_color=[60, 120, 60, 200],
            line_width_min_pixels=1.5,
        ),
        "behaviour": pdk.Layer(
            "HexagonLayer",
            id="behaviour",
            data=points,
            get_position="[lon, lat]",
            get_elevation_weight="count",
            get_color_weight="count",
            radius=250,
            extruded=False,
            pickable=True,
            coverage=0.9,
        ),
        "stations": pdk.Layer(
            "ScatterplotLayer",
            id="stations",
            data=stations,
            get_position="[lon, lat]",
            get_radius=180,
            radius_min_pixels=6,
            get_fill_color=[46, 125, 50, 230],
            pickable=True,
            stroked=True,
            get_line_color=[255, 255, 255],
        ),
    }


def selected(event, layer_id: str) -> dict | None:
    """The object clicked on a layer (pydeck selection), if any."""
    try:
        objects = event.selection.get("objects", {}).get(layer_id) or []
    except AttributeError:
        return None
    return objects[0] if objects else None
