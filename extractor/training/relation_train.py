"""Training the relation classifier: cache the frozen layers once, fine-tune the top layers and the pair head."""
import logging
import math
import random
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import spacy

from ..extensions import ENTITIES_ATTR
from ..ml.relation_model import LABELS, NONE_LABEL, mark_window, type_pair_index
from ..pipeline.nominals import NominalResolver
from ..pipeline.relation_classifier import RelationClassifier
from .relation_data import RelationExample, build_examples, gold_label_table
from .relation_eval import score_documents

logger = logging.getLogger(__name__)
LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


def make_component(*, initialize: bool = True, **overrides: Any) -> RelationClassifier:
    """A relation classifier with the factory defaults, overridden by keyword (its network built unless
    initialize is False, e.g. before from_disk, which builds it)."""
    nlp = spacy.blank("en")
    config = {"threshold": 0.5, "max_sentences": 2, "max_length": 256, "batch_size": 32, "trainable_layers": 2,
              "width": 256, "temperature": 1.0, "drop_negated": False, "torch_threads": 0}
    config.update(overrides)
    component = RelationClassifier(nlp, "relation_classifier", **config)
    if initialize:
        component.initialize()
    return component


def mask_related_negatives(examples: Sequence[RelationExample], records: Sequence[Dict[str, Any]]) -> int:
    """Take out of training the NONE candidates of ordered entity pairs that the document relates elsewhere
    (symmetric relations in both orders; the reverse of a directed relation stays NONE).

    The gold evidence of a relation names one or a few sentences; other sentences naming the same pair often
    state it too, so their NONE labels are noise, and document-level triples only need one sentence per pair.
    RETURNS (int): Number of candidates taken out.
    """
    masked = 0
    for example, record in zip(examples, records):
        table = gold_label_table(record)
        keep = [not (label == NONE_LABEL and (c.head.entity, c.tail.entity) in table)
                for c, label in zip(example.candidates, example.labels)]
        masked += keep.count(False)
        example.candidates = [c for c, k in zip(example.candidates, keep) if k]
        example.labels = [label for label, k in zip(example.labels, keep) if k]
    return masked


def _training_windows(component: RelationClassifier, examples: Sequence[RelationExample]) -> List[Tuple]:
    """(encoded window, [(head marker, tail marker, label index)]) for every window with scorable pairs."""
    items = []
    for example in examples:
        encoded = [mark_window(example.doc.text, w, component.tokenizer, max_length=component.cfg["max_length"])
                   for w in example.windows]
        pairs: Dict[int, List[Tuple[int, int, int]]] = {}
        for candidate, label in zip(example.candidates, example.labels):
            markers = encoded[candidate.window].marker_index
            h = markers.get((candidate.head.start, candidate.head.end))
            t = markers.get((candidate.tail.start, candidate.tail.end))
            if h is not None and t is not None:
                pairs.setdefault(candidate.window, []).append(
                    (h, t, LABEL_INDEX[label], type_pair_index(candidate.head.label, candidate.tail.label)))
        items.extend((encoded[w], p) for w, p in pairs.items())
    return items


def _cache_bottom(component: RelationClassifier, items: Sequence[Tuple], batch: int = 64) -> List[Any]:
    import torch

    from ..ml.relation_model import pad_batch

    network = component.network
    network.eval()
    cached: List[Any] = [None] * len(items)
    order = sorted(range(len(items)), key=lambda i: len(items[i][0].input_ids))
    for start in range(0, len(order), batch):
        rows = order[start:start + batch]
        ids, mask = pad_batch([items[r][0] for r in rows], component.tokenizer.pad_token_id)
        hidden = network.bottom(ids, mask)
        for local, row in enumerate(rows):
            cached[row] = hidden[local, :len(items[row][0].input_ids)].clone()
    return cached


def predict_examples(component: RelationClassifier, examples: Sequence[RelationExample],
                     threshold: Optional[float] = None) -> List[Tuple[list, list]]:
    """(entities, relations) per example, from the component's current weights."""
    probabilities = component.score([(e.doc, e.windows, e.candidates) for e in examples])
    return [(list(e.doc._.get(ENTITIES_ATTR)),
             component.decide(e.doc, e.windows, e.candidates, probs, threshold=threshold))
            for e, probs in zip(examples, probabilities)]


def fit_temperature(component: RelationClassifier, examples: Sequence[RelationExample]) -> float:
    """The softmax temperature minimising pair-level negative log-likelihood on the given examples."""
    import torch

    saved = component.cfg["temperature"]
    component.cfg["temperature"] = 1.0
    probabilities = component.score([(e.doc, e.windows, e.candidates) for e in examples])
    component.cfg["temperature"] = saved
    logits, targets = [], []
    for example, probs in zip(examples, probabilities):
        for label, row in zip(example.labels, probs):
            if row is not None:
                logits.append(torch.log(torch.tensor(row).clamp_min(1e-9)))
                targets.append(LABEL_INDEX[label])
    if not logits:
        return 1.0
    stacked, target = torch.stack(logits), torch.tensor(targets)
    best = min((torch.nn.functional.cross_entropy(stacked / t, target).item(), t)
               for t in [0.5 + 0.1 * i for i in range(26)])
    return round(best[1], 2)


def train_relations(train_records: Sequence[Dict[str, Any]], dev_records: Sequence[Dict[str, Any]], *,
                    epochs: int = 4, batch_windows: int = 16, learning_rate: float = 1e-4,
                    head_learning_rate: float = 1e-3, none_weight: float = 0.5, seed: int = 0,
                    trainable_layers: int = 2, max_sentences: int = 2, mask_related: bool = False,
                    resolver: Optional[NominalResolver] = None, progress: Optional[Callable[[str], None]] = None) -> Tuple[RelationClassifier, Dict[str, Any]]:
    """Train a relation classifier on gold entities; pick the epoch, temperature and threshold on dev.

    RETURNS (Tuple[RelationClassifier, Dict[str, Any]]): The trained component and a training log.
    """
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    say = progress or logger.info
    nlp = spacy.blank("en")
    component = make_component(trainable_layers=trainable_layers, max_sentences=max_sentences)
    network = component.network
    started = time.time()
    train_examples = build_examples(nlp, train_records, max_sentences=max_sentences, resolver=resolver)
    dev_examples = build_examples(nlp, dev_records, max_sentences=max_sentences, resolver=resolver)
    if mask_related:
        say(f"{mask_related_negatives(train_examples, train_records)} NONE candidates of related pairs masked")
    items = _training_windows(component, train_examples)
    cached = _cache_bottom(component, items)
    say(f"{len(items)} training windows, {sum(len(p) for _, p in items)} pairs; cached in "
        f"{time.time() - started:.0f}s")
    parameters = [p for layer in network.top_layers for p in layer.parameters()]
    optimizer = torch.optim.AdamW([{"params": parameters, "lr": learning_rate},
                                   {"params": network.head.parameters(), "lr": head_learning_rate}],
                                  weight_decay=0.01)
    steps = epochs * math.ceil(len(items) / batch_windows)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, steps // 10)) * max(0.0, 1 - step / steps))
    weights = torch.ones(len(LABELS))
    weights[0] = none_weight
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    log: Dict[str, Any] = {"epochs": [], "seed": seed, "train_windows": len(items), "mask_related": mask_related}
    best_f, best_state = -1.0, None
    for epoch in range(epochs):
        network.train()
        order = list(range(len(items)))
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), batch_windows):
            rows = order[start:start + batch_windows]
            width = max(cached[r].shape[0] for r in rows)
            hidden = torch.zeros(len(rows), width, cached[rows[0]].shape[1])
            mask = torch.zeros(len(rows), width, dtype=torch.long)
            row_t, head_t, tail_t, type_t, target = [], [], [], [], []
            for local, r in enumerate(rows):
                length = cached[r].shape[0]
                hidden[local, :length] = cached[r]
                mask[local, :length] = 1
                for h, t, label, pair_type in items[r][1]:
                    row_t.append(local)
                    head_t.append(h)
                    tail_t.append(t)
                    type_t.append(pair_type)
                    target.append(label)
            states = network.top(hidden, mask)
            logits = network.head(states, torch.tensor(row_t), torch.tensor(head_t), torch.tensor(tail_t),
                                  torch.tensor(type_t))
            loss = loss_fn(logits, torch.tensor(target))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            total += loss.item()
        network.eval()
        report = score_documents(dev_records, predict_examples(component, dev_examples), gold_entities=True)
        dev_f = report["coarse"]["0.5"]["micro"]["f"]
        say(f"epoch {epoch + 1}: loss {total / max(1, len(order) / batch_windows):.4f}, dev coarse micro F1 "
            f"{dev_f:.4f} ({time.time() - started:.0f}s)")
        log["epochs"].append({"epoch": epoch + 1, "loss": total, "dev_coarse_micro_f": dev_f})
        if dev_f > best_f:
            best_f = dev_f
            best_state = {k: v.clone() for k, v in network.trainable_state().items()}
    network.load_trainable_state(best_state)
    network.eval()
    log.update({"best_dev_coarse_micro_f": best_f, **fit_decision(component, dev_records, dev_examples),
                "seconds": round(time.time() - started)})
    say(f"temperature {component.cfg['temperature']}, threshold {component.cfg['threshold']}")
    return component, log


def fit_decision(component: RelationClassifier, dev_records: Sequence[Dict[str, Any]],
                 dev_examples: Sequence[RelationExample]) -> Dict[str, Any]:
    """Set the component's softmax temperature (pair-level likelihood) and pair threshold (coarse micro F1 with
    gold entities, ties towards 0.5) on dev.

    RETURNS (Dict[str, Any]): {"temperature", "threshold", "dev_threshold_sweep"}.
    """
    component.cfg["temperature"] = fit_temperature(component, dev_examples)
    outputs = predict_examples(component, dev_examples, threshold=0.0)
    thresholds = [round(0.3 + 0.05 * i, 2) for i in range(13)]
    report = score_documents(dev_records, outputs, gold_entities=True, thresholds=thresholds)
    sweep = {threshold: report["coarse"][str(threshold)]["micro"]["f"] for threshold in thresholds}
    component.cfg["threshold"] = max(sweep, key=lambda t: (sweep[t], -abs(t - 0.5)))
    return {"temperature": component.cfg["temperature"], "threshold": component.cfg["threshold"],
            "dev_threshold_sweep": sweep}


def combine_relation_runs(folders: Sequence[Any], dev_records: Sequence[Dict[str, Any]], *,
                          weights_dtype: str = "int8") -> Tuple[RelationClassifier, Dict[str, Any]]:
    """One relation classifier whose members are the trained runs in folders (same layers and width; their
    logits averaged), stored as weights_dtype, with temperature and threshold refitted on dev.

    RETURNS (Tuple[RelationClassifier, Dict[str, Any]]): The combined component and a log with its dev scores.
    """
    from ..ml.relation_model import check_weights_dtype, pack_state, unpack_state
    from ..pipeline.relation_classifier import read_saved_weights

    check_weights_dtype(weights_dtype)
    if not folders:
        raise ValueError("combining relation runs needs at least one trained relation classifier folder")
    component = make_component(initialize=False).from_disk(folders[0])
    if component.cfg.get("members", 1) != 1:
        raise ValueError(f"{folders[0]}: each run must be a single model, not an ensemble")
    shape = {key: component.cfg[key] for key in ("trainable_layers", "width", "max_sentences")}
    for folder in folders[1:]:
        manifest, state = read_saved_weights(folder)
        if {key: manifest.get(key) for key in shape} != shape or manifest.get("members", 1) != 1:
            raise ValueError(f"{folder}: each run must be a single model with the first one's {shape}")
        component.network.add_member(state)
    component.cfg["members"] = len(folders)
    component.cfg["weights_dtype"] = weights_dtype
    # score dev with exactly the weights that will be stored
    component.network.load_trainable_state(unpack_state(pack_state(component.network.trainable_state(),
                                                                   weights_dtype)))
    component.network.eval()
    dev_examples = build_examples(spacy.blank("en"), dev_records, max_sentences=component.cfg["max_sentences"])
    log = fit_decision(component, dev_records, dev_examples)
    report = score_documents(dev_records, predict_examples(component, dev_examples), gold_entities=True,
                             thresholds=(0.0,))
    log.update({"members": [str(f) for f in folders], "weights_dtype": weights_dtype,
                "dev_coarse_micro_f": report["coarse"]["0.0"]["micro"]["f"]})
    return component, log
