"""Make src/dispstats/reports/geo/countries.geojson, the country outlines drawn under the
brief's map, from Natural Earth's 1:110m admin 0 countries (public domain).

The source is the copy geopandas 0.14.4 ships as datasets/naturalearth_lowres (Natural Earth
110m cultural, ne_110m_admin_0_countries). Run once, with pyshp on the path, when updating:

    pip download --no-deps geopandas==0.14.4 && unzip geopandas-0.14.4-py3-none-any.whl \
        'geopandas/datasets/naturalearth_lowres/*'
    PYTHONPATH=<pyshp> python tools/make_countries.py \
        geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp

Coordinates are rounded to 0.01 degree (about 1 km), finer than the 1:110m lines themselves.
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path

import shapefile  # pyshp

OUT = Path(__file__).parents[1] / "src" / "dispstats" / "reports" / "geo" / "countries.geojson"


def main(path: str) -> None:
    reader = shapefile.Reader(path)
    fields = [f[0] for f in reader.fields[1:]]
    features = []
    for record, shape in zip(reader.records(), reader.shapes(), strict=True):
        attributes = dict(zip(fields, record, strict=True))
        starts = [*shape.parts, len(shape.points)]
        rings = [
            [[round(x, 2), round(y, 2)] for x, y in shape.points[a:b]] for a, b in pairwise(starts)
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"name": attributes["name"], "iso_a3": attributes["iso_a3"]},
                # Rings as Natural Earth gives them: outer rings clockwise, holes not used at
                # this scale; drawn as filled polygons, each ring on its own.
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring] for ring in rings]},
            }
        )
    collection = {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m admin 0 countries (public domain), via geopandas "
        "0.14.4 datasets/naturalearth_lowres",
        "features": features,
    }
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(features)} countries -> {OUT} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main(sys.argv[1])
