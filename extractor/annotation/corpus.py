"""The team corpus: authoring files -> clean texts, frozen splits and statistics."""
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional

from .markup import MarkupError, parse_markup

AUTHORING_DIR = Path("annotations/authoring")
CORPUS_DIR = Path("corpus")
SPLITS_FILE = Path("annotations/splits.json")
STATS_FILE = Path("annotations/STATS.md")
SPLITS = ("train", "dev", "test")


def load_authoring(folder: Path = AUTHORING_DIR, *, skipped: Optional[List[str]] = None) -> List[Dict[str, Any]]:
    """Parse every .ann file under a folder (sorted by path).

    folder (Path): The authoring folder.
    skipped (Optional[List[str]]): When given, invalid files are skipped and their errors appended here;
        otherwise the first invalid file raises MarkupError.
    RETURNS (List[Dict[str, Any]]): Gold records.
    """
    records = []
    for path in sorted(Path(folder).rglob("*.ann")):
        try:
            records.append(parse_markup(path.read_text(encoding="utf-8"), origin=str(path)))
        except MarkupError as err:
            if skipped is None:
                raise
            skipped.append(str(err))
    return records


def record_digest(record: Dict[str, Any]) -> str:
    """RETURNS (str): sha256 of a record's text and annotations, so any edit to a frozen document shows."""
    payload = json.dumps({k: record[k] for k in ("id", "text", "entities", "relations", "negated")},
                         sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_corpus(records: List[Dict[str, Any]], corpus_dir: Path = CORPUS_DIR) -> List[Path]:
    """Write each record's clean text to corpus/<id>.txt and remove texts with no authoring file.

    records (List[Dict[str, Any]]): Gold records.
    corpus_dir (Path): Output folder.
    RETURNS (List[Path]): Files written.
    """
    corpus_dir.mkdir(parents=True, exist_ok=True)
    wanted = {f"{r['id']}.txt" for r in records}
    for stale in corpus_dir.glob("*.txt"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for record in records:
        path = corpus_dir / f"{record['id']}.txt"
        path.write_text(record["text"] + "\n", encoding="utf-8")
        written.append(path)
    return written


def hash_slot(doc_id: str, buckets: int = 8) -> int:
    """RETURNS (int): A stable bucket for a document id, independent of the other documents."""
    return int(hashlib.sha256(doc_id.encode("utf-8")).hexdigest(), 16) % buckets


def assign_splits(records: List[Dict[str, Any]], frozen: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Split by document with a stable hash of its id: 2 in 8 to test, 1 in 8 to dev, the rest to train.

    Documents already in a frozen manifest keep their split (the test split never changes); new documents
    only go to train or dev.
    records (List[Dict[str, Any]]): Gold records.
    frozen (Optional[Dict[str, Any]]): An existing manifest.
    RETURNS (Dict[str, Any]): {"test": {id: digest}, "dev": [ids], "train": [ids]}.
    """
    ids = {r["id"] for r in records}
    manifest: Dict[str, Any] = {"test": dict((frozen or {}).get("test", {})), "dev": [], "train": []}
    for split in ("dev", "train"):
        manifest[split] = [i for i in (frozen or {}).get(split, []) if i in ids]
    known = set(manifest["test"]) | set(manifest["dev"]) | set(manifest["train"])
    for record in records:
        if record["id"] in known:
            continue
        slot = hash_slot(record["id"])
        if frozen is None and slot in (0, 4):
            manifest["test"][record["id"]] = record_digest(record)
        elif slot == 2:
            manifest["dev"].append(record["id"])
        else:
            manifest["train"].append(record["id"])
    if frozen is None:
        _cover_every_region(records, manifest)
    manifest["dev"].sort()
    manifest["train"].sort()
    manifest["test"] = dict(sorted(manifest["test"].items()))
    return manifest


def _cover_every_region(records: List[Dict[str, Any]], manifest: Dict[str, Any]) -> None:
    """Move the lowest-hash document of any region missing from test into test, so test spans all regions."""
    covered = {r["meta"]["region"] for r in records if r["id"] in manifest["test"]}
    for region in sorted({r["meta"]["region"] for r in records} - covered):
        chosen = min((r for r in records if r["meta"]["region"] == region),
                     key=lambda r: hashlib.sha256(r["id"].encode("utf-8")).hexdigest())
        for split in ("dev", "train"):
            if chosen["id"] in manifest[split]:
                manifest[split].remove(chosen["id"])
        manifest["test"][chosen["id"]] = record_digest(chosen)


def read_splits(path: Path = SPLITS_FILE) -> Dict[str, Any]:
    """RETURNS (Dict[str, Any]): The split manifest."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def split_of(manifest: Dict[str, Any]) -> Dict[str, str]:
    """RETURNS (Dict[str, str]): Document id -> split name."""
    mapping = {doc_id: "test" for doc_id in manifest["test"]}
    mapping.update({doc_id: "dev" for doc_id in manifest["dev"]})
    mapping.update({doc_id: "train" for doc_id in manifest["train"]})
    return mapping


def corpus_stats(records: List[Dict[str, Any]], manifest: Dict[str, Any]) -> Dict[str, Any]:
    """Counts for STATS.md: documents, words, labels, regions, genres, splits and hard cases."""
    splits = split_of(manifest)
    stats: Dict[str, Any] = {
        "documents": len(records), "words": 0, "long_documents": 0, "entity_mentions": Counter(),
        "entities": Counter(), "relations": Counter(), "regions": Counter(), "genres": Counter(),
        "splits": Counter(), "split_words": Counter(), "hard_cases": Counter(), "hard_relations": 0,
        "negated": 0, "hedged": 0, "timed": 0, "nominals": 0, "cross_sentence": 0,
    }
    for record in records:
        words = len(record["text"].split())
        split = splits.get(record["id"], "unassigned")
        stats["words"] += words
        stats["long_documents"] += words >= 1500
        stats["regions"][record["meta"]["region"]] += 1
        stats["genres"][record["meta"]["genre"]] += 1
        stats["splits"][split] += 1
        stats["split_words"][split] += words
        stats["nominals"] += len(record["nominals"])
        stats["negated"] += len(record["negated"])
        for entity in record["entities"]:
            stats["entities"][entity["label"]] += 1
            stats["entity_mentions"][entity["label"]] += len(entity["mentions"])
        for rel in record["relations"]:
            stats["relations"][rel["relation"]] += 1
            stats["hedged"] += rel["hedged"]
            stats["timed"] += rel["time"] is not None
            stats["cross_sentence"] += len(rel["evidence"]) > 1
            stats["hard_relations"] += bool(rel["hard"] or rel["hedged"] or rel["time"])
            for tag in rel["hard"]:
                stats["hard_cases"][tag] += 1
    return stats


def render_stats(stats: Dict[str, Any]) -> str:
    """RETURNS (str): STATS.md as markdown."""
    total_rel = sum(stats["relations"].values())
    lines = [
        "# Corpus statistics", "",
        "Generated by `extractor corpus stats` from annotations/authoring; do not edit by hand.", "",
        f"- Documents: {stats['documents']} ({stats['long_documents']} of 1,500+ words)",
        f"- Words: {stats['words']:,}",
        f"- Relation annotations (document-level): {total_rel:,}",
        f"- Relations with a hard case (tagged, hedged or timed): {stats['hard_relations']:,} "
        f"({stats['hard_relations'] / max(total_rel, 1):.0%})",
        f"- Hedged: {stats['hedged']}; with time: {stats['timed']}; evidence over several sentences: "
        f"{stats['cross_sentence']}; nominal references marked: {stats['nominals']}",
        f"- Negated statements (no relation): {stats['negated']}", "",
    ]

    def table(title: str, counter: Counter, extra: Optional[Counter] = None) -> None:
        lines.extend([f"## {title}", "", "| value | count |" + (" words |" if extra else ""),
                      "|---|---|" + ("---|" if extra else "")])
        for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {key} | {count} |" + (f" {extra[key]:,} |" if extra else ""))
        lines.append("")

    table("Entity mentions per label", stats["entity_mentions"])
    table("Entities per label", stats["entities"])
    table("Relations per label", stats["relations"])
    table("Hard-case tags", stats["hard_cases"])
    table("Documents per region", stats["regions"])
    table("Documents per genre", stats["genres"])
    table("Documents per split", stats["splits"], stats["split_words"])
    return "\n".join(lines)
