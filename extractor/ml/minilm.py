"""A BERT encoder in plain torch for the pinned MiniLM weights, and its wordpiece tokenizer.

transformers' BertModel computes the same function (tests/test_minilm.py checks this) but importing its model code
takes about 2.5 s, more than the rest of the pipeline's cold start; this module keeps the load light. Parameter
names follow BertModel's, so the checkpoint loads as it is.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class EncoderConfig:
    """The fields of a BERT config.json this encoder uses."""
    vocab_size: int
    hidden_size: int
    num_hidden_layers: int
    num_attention_heads: int
    intermediate_size: int
    max_position_embeddings: int
    type_vocab_size: int
    layer_norm_eps: float
    hidden_dropout_prob: float
    attention_probs_dropout_prob: float

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "EncoderConfig":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        if raw.get("hidden_act", "gelu") != "gelu" or raw.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError(f"{path}: only BERT with gelu and absolute positions is supported")
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__})


class Embeddings(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device)
        hidden = (self.word_embeddings(input_ids) + self.position_embeddings(positions)[None]
                  + self.token_type_embeddings.weight[0])
        return self.dropout(self.LayerNorm(hidden))


class SelfAttention(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.heads = config.num_attention_heads
        self.query = nn.Linear(config.hidden_size, config.hidden_size)
        self.key = nn.Linear(config.hidden_size, config.hidden_size)
        self.value = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout_prob = config.attention_probs_dropout_prob

    def forward(self, hidden: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        batch, length, width = hidden.shape

        def split(projected: torch.Tensor) -> torch.Tensor:
            return projected.view(batch, length, self.heads, width // self.heads).transpose(1, 2)

        context = F.scaled_dot_product_attention(
            split(self.query(hidden)), split(self.key(hidden)), split(self.value(hidden)), attn_mask=attend,
            dropout_p=self.dropout_prob if self.training else 0.0)
        return context.transpose(1, 2).reshape(batch, length, width)


class DenseResidual(nn.Module):
    """dense -> dropout -> LayerNorm(x + residual): BERT's attention output and layer output blocks."""

    def __init__(self, config: EncoderConfig, width_in: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width_in, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class Attention(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.self = SelfAttention(config)
        self.output = DenseResidual(config, config.hidden_size)

    def forward(self, hidden: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        return self.output(self.self(hidden, attend), hidden)


class Intermediate(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.dense = nn.Linear(config.hidden_size, config.intermediate_size)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(hidden))


class Layer(nn.Module):
    """One transformer layer; `attend` is a boolean (batch, 1, 1, length) mask, True where a token may be seen."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.attention = Attention(config)
        self.intermediate = Intermediate(config)
        self.output = DenseResidual(config, config.intermediate_size)

    def forward(self, hidden: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        attended = self.attention(hidden, attend)
        return self.output(self.intermediate(attended), attended)


class LayerStack(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.layer = nn.ModuleList(Layer(config) for _ in range(config.num_hidden_layers))


class MiniLMEncoder(nn.Module):
    """BERT without the pooler: embeddings, then the layer stack (called layer by layer by the relation network)."""

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = LayerStack(config)

    @staticmethod
    def attention_mask(attention_mask: torch.Tensor) -> torch.Tensor:
        """RETURNS (torch.Tensor): The boolean mask the layers take, from a (batch, length) 0/1 padding mask."""
        return attention_mask.bool()[:, None, None, :]

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        attend = self.attention_mask(attention_mask)
        hidden = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            hidden = layer(hidden, attend)
        return hidden

    @classmethod
    def from_folder(cls, path: Union[str, Path]) -> "MiniLMEncoder":
        """Build from config.json and model.safetensors in a folder (the pooler and buffers are not used)."""
        from safetensors.torch import load_file

        path = Path(path)
        model = cls(EncoderConfig.from_file(path / "config.json"))
        state = {k: v for k, v in load_file(str(path / "model.safetensors")).items()
                 if not k.startswith("pooler.") and k != "embeddings.position_ids"}
        model.load_state_dict(state, strict=True)
        return model.eval()


class WordpieceTokenizer:
    """The checkpoint's own tokenizer.json through the `tokenizers` library, with the call signature the relation
    code uses: tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=N)."""

    def __init__(self, path: Union[str, Path]) -> None:
        from tokenizers import Tokenizer

        self.path = Path(path)
        self._tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.pad_token_id = self._tokenizer.token_to_id("[PAD]")
        self._truncating_at: Dict[int, Any] = {}

    def _truncating(self, max_length: int) -> Any:
        from tokenizers import Tokenizer

        if max_length not in self._truncating_at:
            tokenizer = Tokenizer.from_str(self._tokenizer.to_str())
            tokenizer.enable_truncation(max_length=max_length)
            self._truncating_at[max_length] = tokenizer
        return self._truncating_at[max_length]

    def __call__(self, text: str, *, return_offsets_mapping: bool = False, truncation: bool = False,
                 max_length: int = 512) -> Dict[str, List[Any]]:
        tokenizer = self._truncating(max_length) if truncation else self._tokenizer
        encoding = tokenizer.encode(text)
        result: Dict[str, List[Any]] = {"input_ids": list(encoding.ids),
                                        "attention_mask": list(encoding.attention_mask)}
        if return_offsets_mapping:
            result["offset_mapping"] = [tuple(offset) for offset in encoding.offsets]
        return result

    def convert_ids_to_tokens(self, ids: List[int]) -> List[str]:
        return [self._tokenizer.id_to_token(i) for i in ids]


def load_encoder_and_tokenizer(path: Union[str, Path]) -> Tuple[WordpieceTokenizer, MiniLMEncoder]:
    """RETURNS (Tuple[WordpieceTokenizer, MiniLMEncoder]): Tokenizer and encoder (eval mode) from a folder."""
    return WordpieceTokenizer(path), MiniLMEncoder.from_folder(path)
