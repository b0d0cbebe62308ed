"""Fuzz `extractor.extract` with generated inputs; report how many ran and any exception.

Usage: python scripts/fuzz.py [N] [SEED] [MODEL]  (writes benchmarks/fuzz.json)
"""
import json
import random
import sys
import time
from pathlib import Path

import extractor.api as api
from extractor.api import extract

PIECES = ["Boko Haram", "Abubakar Shekau", "ISWAP", "al-Qaeda", "Hay'at Tahrir al-Sham", "(HTS)", " led ",
          " fought ", " allied with ", " the group ", " reportedly ", " denied any links to ", " until 2016",
          ". ", "\n\n", "\u0628\u0648\u0643\u0648", "\u202e", "\x00", "<p>", "</p>", "&amp;", "\ud800", "'s faction",
          " and ", ", ", "Taliban", "TTP", "Mali", " since 2014", "\t", "\u200b", "\U0001F600", "He", " its emir "]


def random_text(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60)))
    if kind < 0.7:
        return "".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 200)))
    if kind < 0.9:
        return "".join(rng.choice(PIECES + list("abc XYZ.,;()\n")) for _ in range(rng.randint(0, 400)))
    return rng.choice(PIECES) * rng.randint(1, 300)


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    nlp = api.load(sys.argv[3] if len(sys.argv) > 3 else None)
    rng = random.Random(seed)
    started, failures = time.time(), []
    for index in range(count):
        text = random_text(rng)
        try:
            record = extract(text, id=index, nlp=nlp).to_dict()
            for entity in record["entities"]:
                for m in entity["mentions"]:
                    assert text[m["start"]:m["end"]] == m["text"]
        except Exception as err:  # the point of a fuzz run is to catch anything
            failures.append({"index": index, "error": repr(err)[:300], "text": text[:200]})
        if (index + 1) % 1000 == 0:
            print(f"{index + 1} inputs, {len(failures)} exceptions, {time.time() - started:.0f}s", file=sys.stderr,
                  flush=True)
    result = {"model": sys.argv[3] if len(sys.argv) > 3 else "shipped", "pipes": nlp.pipe_names,
              "inputs": count, "seed": seed, "exceptions": len(failures), "failures": failures[:20],
              "seconds": round(time.time() - started, 1)}
    Path("benchmarks").mkdir(exist_ok=True)
    Path("benchmarks/fuzz.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "failures"}))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
