"""The relation network: MiniLM over a window with typed markers around every mention, one pass per window,
and a pair head scoring every ordered mention pair from the encoded window. No Doc mutation here."""
import copy
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import torch
from torch import nn

from ..labels import RELATION_LABELS, SYMMETRIC
from .candidates import Candidate, MentionRef, Window

NONE_LABEL = "NONE"
LABELS: Tuple[str, ...] = (NONE_LABEL,) + RELATION_LABELS
TYPE_WORDS = {"MILITANT_GROUP": "group", "PERSON": "person", "ORG": "organization", "GPE": "place"}
MARKER = "@"


@dataclass
class EncodedWindow:
    """Token ids of a marked window and the token index of each mention's opening marker."""
    input_ids: List[int]
    marker_index: Dict[Tuple[int, int], int]


def mark_window(text: str, window: Window, tokenizer, *, max_length: int) -> EncodedWindow:
    """Insert "@ type * mention @" around every mention of a window and tokenize it once.

    text (str): The document text.
    window (Window): The window to encode.
    tokenizer (WordpieceTokenizer): The encoder's tokenizer.
    max_length (int): Wordpiece limit; mentions past it get no marker index and are not scored.
    RETURNS (EncodedWindow): Ids and marker positions keyed by the mention's (start, end) in the document.
    """
    pieces: List[str] = []
    length = 0
    cursor = window.start
    marker_chars: Dict[Tuple[int, int], int] = {}
    for mention in sorted(window.mentions, key=lambda m: (m.start, -m.end)):
        if mention.start < cursor or (mention.start, mention.end) in marker_chars:
            continue
        before = text[cursor:mention.start]
        opening = f" {MARKER} {TYPE_WORDS[mention.label]} * "
        pieces.extend([before, opening, text[mention.start:mention.end], f" {MARKER} "])
        marker_chars[(mention.start, mention.end)] = length + len(before) + 1
        length += len(before) + len(opening) + (mention.end - mention.start) + 3
        cursor = mention.end
    pieces.append(text[cursor:window.end])
    encoding = tokenizer("".join(pieces), return_offsets_mapping=True, truncation=True, max_length=max_length)
    token_at = {start: index for index, (start, end) in enumerate(encoding["offset_mapping"]) if end > start}
    marker_index = {key: token_at[char] for key, char in marker_chars.items() if char in token_at}
    return EncodedWindow(list(encoding["input_ids"]), marker_index)


class PairHead(nn.Module):
    """Scores ordered pairs from one encoded window: the hidden states at the two opening markers, their
    product, the mean of the states between them (where the cue words are) and an embedding of the pair's
    entity types: [h; t; h*t; between; types] -> MLP."""

    def __init__(self, hidden: int, width: int, n_labels: int, dropout: float, n_types: int = 4) -> None:
        super().__init__()
        self.n_types = n_types
        self.type_pairs = nn.Embedding(n_types * n_types, 32)
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * hidden + 32, width), nn.GELU(),
                                 nn.Dropout(dropout), nn.Linear(width, n_labels))

    def forward(self, states: torch.Tensor, rows: torch.Tensor, heads: torch.Tensor, tails: torch.Tensor,
                types: torch.Tensor) -> torch.Tensor:
        head_states = states[rows, heads]
        tail_states = states[rows, tails]
        cumulative = torch.cat([torch.zeros_like(states[:, :1]), states.cumsum(dim=1)], dim=1)
        low, high = torch.minimum(heads, tails), torch.maximum(heads, tails) + 1
        between = (cumulative[rows, high] - cumulative[rows, low]) / (high - low).unsqueeze(-1).float()
        features = [head_states, tail_states, head_states * tail_states, between, self.type_pairs(types)]
        return self.mlp(torch.cat(features, dim=-1))


TYPE_INDEX = {label: i for i, label in enumerate(TYPE_WORDS)}


def type_pair_index(head_label: str, tail_label: str) -> int:
    """RETURNS (int): Index of an ordered pair of entity labels for the pair head's type embedding."""
    return TYPE_INDEX[head_label] * len(TYPE_INDEX) + TYPE_INDEX[tail_label]


class EnsembleMember(nn.Module):
    """Another run's fine-tuned top layers and pair head, on the bottom layers every member shares."""

    def __init__(self, layers: Sequence[nn.Module], head: PairHead) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.head = head


class RelationNetwork(nn.Module):
    """MiniLM whose top `trainable_layers` layers are fine-tuned, plus the pair head; optionally further members
    (runs with other seeds) whose logits are averaged with its own.

    The lower layers stay as the pinned pretrained weights, so only the top layers and the heads are shipped,
    and training can cache the frozen lower layers' output once.
    """

    def __init__(self, encoder: nn.Module, *, trainable_layers: int = 2, width: int = 256,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.split = encoder.config.num_hidden_layers - trainable_layers
        self.head = PairHead(encoder.config.hidden_size, width, len(LABELS), dropout)
        self.members = nn.ModuleList()
        for parameter in self.encoder.parameters():
            parameter.requires_grad = False
        for layer in self.top_layers:
            for parameter in layer.parameters():
                parameter.requires_grad = True

    @property
    def top_layers(self) -> Sequence[nn.Module]:
        return self.encoder.encoder.layer[self.split:]

    def add_member(self, state: Optional[Dict[str, torch.Tensor]] = None) -> EnsembleMember:
        """Append a member: a copy of the network's own top layers and head, then loaded with a single run's
        trainable_state when given."""
        member = EnsembleMember([copy.deepcopy(layer) for layer in self.top_layers], copy.deepcopy(self.head))
        if state is not None:
            _load_layers_and_head(member.layers, member.head, self.split, state)
        self.members.append(member)
        return member

    def _mask(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.encoder.attention_mask(attention_mask)

    def bottom(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Hidden states after the frozen layers."""
        with torch.no_grad():
            hidden = self.encoder.embeddings(input_ids=input_ids)
            mask = self._mask(hidden, attention_mask)
            for layer in self.encoder.encoder.layer[:self.split]:
                hidden = layer(hidden, mask)
        return hidden

    def top(self, hidden: torch.Tensor, attention_mask: torch.Tensor,
            layers: Optional[Sequence[nn.Module]] = None) -> torch.Tensor:
        """Hidden states after the fine-tuned layers (the network's own, or a member's)."""
        mask = self._mask(hidden, attention_mask)
        for layer in self.top_layers if layers is None else layers:
            hidden = layer(hidden, mask)
        return hidden

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, rows: torch.Tensor,
                heads: torch.Tensor, tails: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        bottom = self.bottom(input_ids, attention_mask)
        logits = self.head(self.top(bottom, attention_mask), rows, heads, tails, types)
        for member in self.members:
            logits = logits + member.head(self.top(bottom, attention_mask, member.layers), rows, heads, tails, types)
        return logits / (1 + len(self.members))

    def trainable_state(self) -> Dict[str, torch.Tensor]:
        """RETURNS (Dict[str, torch.Tensor]): Only what training changes: the top layers and the heads
        (member k's keys start with "member{k}.")."""
        state = _layers_and_head_state(self.top_layers, self.head, self.split)
        for index, member in enumerate(self.members, start=1):
            state.update({f"member{index}.{k}": v
                          for k, v in _layers_and_head_state(member.layers, member.head, self.split).items()})
        return state

    def load_trainable_state(self, state: Dict[str, torch.Tensor]) -> None:
        """Load the top layers and heads saved by trainable_state (strict: every key must be present)."""
        own = {k: v for k, v in state.items() if not k.startswith("member")}
        _load_layers_and_head(self.top_layers, self.head, self.split, own)
        for index, member in enumerate(self.members, start=1):
            prefix = f"member{index}."
            _load_layers_and_head(member.layers, member.head, self.split,
                                  {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})


def _layers_and_head_state(layers: Sequence[nn.Module], head: nn.Module, split: int) -> Dict[str, torch.Tensor]:
    state = {f"head.{k}": v for k, v in head.state_dict().items()}
    for offset, layer in enumerate(layers):
        state.update({f"layer.{split + offset}.{k}": v for k, v in layer.state_dict().items()})
    return state


def _load_layers_and_head(layers: Sequence[nn.Module], head: nn.Module, split: int,
                          state: Dict[str, torch.Tensor]) -> None:
    head.load_state_dict({k[5:]: v.float() for k, v in state.items() if k.startswith("head.")})
    for offset, layer in enumerate(layers):
        prefix = f"layer.{split + offset}."
        layer.load_state_dict({k[len(prefix):]: v.float() for k, v in state.items() if k.startswith(prefix)})


WEIGHT_DTYPES = ("float16", "int8")
_INT8_SUFFIX, _SCALE_SUFFIX = ".int8", ".int8_scale"


def check_weights_dtype(dtype: str) -> None:
    """Raise ValueError unless dtype is one of WEIGHT_DTYPES."""
    if dtype not in WEIGHT_DTYPES:
        raise ValueError(f"weights dtype {dtype!r}: choose from {', '.join(WEIGHT_DTYPES)}")


def pack_state(state: Dict[str, torch.Tensor], dtype: str) -> Dict[str, torch.Tensor]:
    """Tensors to store: all float16, or ("int8") matrices as int8 with one float32 scale per row
    (symmetric, absolute maximum -> 127) and everything else float16.

    RETURNS (Dict[str, torch.Tensor]): Contiguous CPU tensors for safetensors.
    """
    check_weights_dtype(dtype)
    packed = {}
    for name, tensor in state.items():
        tensor = tensor.detach().to("cpu").float()
        if dtype == "int8" and tensor.dim() == 2 and tensor.shape[1] >= 64:
            scale = tensor.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127.0
            packed[name + _INT8_SUFFIX] = torch.round(tensor / scale).clamp(-127, 127).to(torch.int8).contiguous()
            packed[name + _SCALE_SUFFIX] = scale.contiguous()
        else:
            packed[name] = tensor.half().contiguous()
    return packed


def unpack_state(packed: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """RETURNS (Dict[str, torch.Tensor]): float32 tensors from what pack_state stored (either dtype)."""
    state = {}
    for name, tensor in packed.items():
        if name.endswith(_SCALE_SUFFIX):
            continue
        if name.endswith(_INT8_SUFFIX):
            base = name[:-len(_INT8_SUFFIX)]
            state[base] = tensor.float() * packed[base + _SCALE_SUFFIX].float()
        else:
            state[name] = tensor.float()
    return state


def pad_batch(windows: Sequence[EncodedWindow], pad_id: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """RETURNS (Tuple[torch.Tensor, torch.Tensor]): Padded ids and attention mask for a batch of windows."""
    width = max(len(w.input_ids) for w in windows)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for row, window in enumerate(windows):
        ids[row, :len(window.input_ids)] = torch.tensor(window.input_ids)
        mask[row, :len(window.input_ids)] = 1
    return ids, mask


def pair_indices(windows: Sequence[EncodedWindow],
                 pairs: Sequence[Tuple[int, MentionRef, MentionRef]]) -> Tuple[List[int], torch.Tensor, ...]:
    """Keep the pairs whose mentions both have markers; RETURNS kept positions and row/head/tail/type tensors."""
    kept, rows, heads, tails, types = [], [], [], [], []
    for position, (row, head, tail) in enumerate(pairs):
        markers = windows[row].marker_index
        h, t = markers.get((head.start, head.end)), markers.get((tail.start, tail.end))
        if h is not None and t is not None:
            kept.append(position)
            rows.append(row)
            heads.append(h)
            tails.append(t)
            types.append(type_pair_index(head.label, tail.label))
    as_tensor = lambda values: torch.tensor(values, dtype=torch.long)  # noqa: E731
    return kept, as_tensor(rows), as_tensor(heads), as_tensor(tails), as_tensor(types)


SYMMETRIC_INDICES = tuple(i for i, label in enumerate(LABELS) if label in SYMMETRIC)


def average_symmetric_orders(candidates: Sequence[Candidate], rows: List[Optional[List[float]]]
                             ) -> List[Optional[List[float]]]:
    """Give both orders of a mention pair the mean of their probabilities for the symmetric labels, since
    "A allied with B" and "B allied with A" are one statement (dev gold-entity F1 0.6465 -> 0.6502).

    candidates (Sequence[Candidate]): The scored candidates, both orders of a pair in the same window.
    rows (List[Optional[List[float]]]): Their label probabilities (None where a mention was truncated).
    RETURNS (List[Optional[List[float]]]): New rows; a pair whose other order is missing keeps its own.
    """
    position = {(c.window, c.head.start, c.head.end, c.tail.start, c.tail.end): i for i, c in enumerate(candidates)}
    averaged = []
    for candidate, row in zip(candidates, rows):
        other = position.get((candidate.window, candidate.tail.start, candidate.tail.end,
                              candidate.head.start, candidate.head.end))
        if row is None or other is None or rows[other] is None:
            averaged.append(row)
            continue
        new = list(row)
        for index in SYMMETRIC_INDICES:
            new[index] = (row[index] + rows[other][index]) / 2
        averaged.append(new)
    return averaged
