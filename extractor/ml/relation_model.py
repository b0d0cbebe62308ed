"""The relation network: MiniLM over a window with typed markers around every mention, one pass per window,
and a pair head scoring every ordered mention pair from the encoded window. No Doc mutation here."""
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


class RelationNetwork(nn.Module):
    """MiniLM whose top `trainable_layers` layers are fine-tuned, plus the pair head.

    The lower layers stay as the pinned pretrained weights, so only the top layers and the head are shipped,
    and training can cache the frozen lower layers' output once.
    """

    def __init__(self, encoder: nn.Module, *, trainable_layers: int = 2, width: int = 256,
                 dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.split = encoder.config.num_hidden_layers - trainable_layers
        self.head = PairHead(encoder.config.hidden_size, width, len(LABELS), dropout)
        for parameter in self.encoder.parameters():
            parameter.requires_grad = False
        for layer in self.top_layers:
            for parameter in layer.parameters():
                parameter.requires_grad = True

    @property
    def top_layers(self) -> Sequence[nn.Module]:
        return self.encoder.encoder.layer[self.split:]

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

    def top(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Hidden states after the fine-tuned layers."""
        mask = self._mask(hidden, attention_mask)
        for layer in self.top_layers:
            hidden = layer(hidden, mask)
        return hidden

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, rows: torch.Tensor,
                heads: torch.Tensor, tails: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        states = self.top(self.bottom(input_ids, attention_mask), attention_mask)
        return self.head(states, rows, heads, tails, types)

    def trainable_state(self) -> Dict[str, torch.Tensor]:
        """RETURNS (Dict[str, torch.Tensor]): Only what training changes: the top layers and the head."""
        state = {f"head.{k}": v for k, v in self.head.state_dict().items()}
        for offset, layer in enumerate(self.top_layers):
            state.update({f"layer.{self.split + offset}.{k}": v for k, v in layer.state_dict().items()})
        return state

    def load_trainable_state(self, state: Dict[str, torch.Tensor]) -> None:
        """Load the top layers and head saved by trainable_state (strict: every key must be present)."""
        self.head.load_state_dict({k[5:]: v.float() for k, v in state.items() if k.startswith("head.")})
        for offset, layer in enumerate(self.top_layers):
            prefix = f"layer.{self.split + offset}."
            layer.load_state_dict({k[len(prefix):]: v.float() for k, v in state.items() if k.startswith(prefix)})


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
