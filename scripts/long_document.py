"""Process one ~10 MB document (corpus texts concatenated) and report time, peak memory and validity.

Usage: python scripts/long_document.py [MEGABYTES] [MODEL]  (writes benchmarks/long_document_<MB>mb.json)
"""
import json
import resource
import sys
import time
from pathlib import Path

from extractor.api import extract, load


def main() -> int:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("corpus").glob("*.txt"))]
    pieces, size = [], 0
    while size < megabytes * 1_000_000:
        for text in texts:
            pieces.append(text)
            size += len(text)
    document = "\n\n".join(pieces)
    model = sys.argv[2] if len(sys.argv) > 2 else None
    nlp = load(model)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.time()
    record = extract(document, id="long", nlp=nlp).to_dict()
    seconds = time.time() - started
    bad = sum(document[m["start"]:m["end"]] != m["text"] for e in record["entities"] for m in e["mentions"])
    result = {"model": model or "shipped", "characters": len(document), "seconds": round(seconds, 1), "entities": len(record["entities"]),
              "mentions": sum(len(e["mentions"]) for e in record["entities"]), "relations": len(record["relations"]),
              "mismatched_mentions": bad, "peak_rss_mb_after_load": round(rss_before, 1),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    Path("benchmarks").mkdir(exist_ok=True)
    Path(f"benchmarks/long_document_{megabytes:g}mb.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
