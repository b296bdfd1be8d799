"""Helpers that write Triton-style model repositories: config.pbtxt text and version folders.

Why this exists: every cases_*.py module (ours and the PyTorch engineer's) writes models the
same way, and the check test (test_models.py) needs each model's documented sample answers
in a machine-readable form. A `Case` bundles both: what to write, and what the model must
answer.

Only the standard library and torch are used; import torch lazily so that generate.py can
decide "nothing to do" without paying torch's import time.
"""

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Union


def int_list(values: Sequence[int]) -> str:
    """Renders a text-format list: "[ 1, -1 ]", or "[ ]" when empty."""
    return "[ " + "".join(f"{v}, " for v in values)[:-2] + " ]" if values else "[ ]"


def tensor_config(name: str, data_type: str, dims: Sequence[int],
                  reshape: Optional[Sequence[int]] = None,
                  label_filename: Optional[str] = None) -> str:
    """Returns one `{ ... }` entry of a config `input`/`output` list.

    data_type is the config enum without the prefix ("FP32", "STRING"); dims excludes the
    batch dimension; reshape=[] gives `reshape: { shape: [ ] }`.
    """
    parts = [f'name: "{name}"', f"data_type: TYPE_{data_type}",
             "dims: " + int_list(dims)]
    if reshape is not None:
        parts.append("reshape: { shape: " + int_list(reshape) + " }")
    if label_filename is not None:
        parts.append(f'label_filename: "{label_filename}"')
    return "  {\n    " + "\n    ".join(parts) + "\n  }"


def model_config(name: str, inputs: Sequence[str], outputs: Sequence[str],
                 max_batch_size: int = 0, dynamic_batching: Optional[str] = None,
                 platform: Optional[str] = None, extra: str = "") -> str:
    """Returns a complete config.pbtxt text.

    inputs/outputs are tensor_config() entries. dynamic_batching is the text inside
    `dynamic_batching { ... }` ("" enables it with defaults, None leaves it out). Without a
    platform the config says `backend: "pytorch"`. extra is appended verbatim (version
    policies, instance groups, parameters).
    """
    lines = [f'name: "{name}"']
    lines.append(f'platform: "{platform}"' if platform else 'backend: "pytorch"')
    lines.append(f"max_batch_size: {max_batch_size}")
    lines.append("input [\n" + ",\n".join(inputs) + "\n]")
    lines.append("output [\n" + ",\n".join(outputs) + "\n]")
    if dynamic_batching is not None:
        body = dynamic_batching.strip()
        lines.append("dynamic_batching { " + (body + " " if body else "") + "}")
    if extra:
        lines.append(extra.strip())
    return "\n".join(lines) + "\n"


# What a version directory holds: a scripted module (saved as model.pt), raw bytes (written
# as model.pt as they are, e.g. a corrupt file) or None (an empty version directory).
VersionContent = Union["torch.jit.ScriptModule", bytes, None]  # noqa: F821


@dataclass
class Sample:
    """One documented answer: forward(*inputs) of `version` must give `outputs`.

    inputs are the forward arguments in forward order (a dict for dict-input models, a list
    of str for List[str] arguments). outputs is the list of results in forward-return order
    (one entry for a single output). raises, when set, is a substring of the exception text
    expected instead of outputs.
    """
    inputs: List[Any]
    outputs: List[Any] = field(default_factory=list)
    version: int = 1
    raises: Optional[str] = None


@dataclass
class Case:
    """One model of a repository: its files and its documented behaviour.

    repo is the repository folder under the generator's out dir ("pytorch", "faulty",
    "bf16"). files maps extra file names (relative to the model folder) to their text.
    loads is False for a model.pt that torch.jit.load must reject.
    """
    repo: str
    name: str
    config: str
    versions: Dict[int, VersionContent]
    files: Dict[str, str] = field(default_factory=dict)
    samples: List[Sample] = field(default_factory=list)
    loads: bool = True


def write_case(out_dir: str, case: Case) -> None:
    """Writes case into <out_dir>/<case.repo>/<case.name>/ (config, files, versions)."""
    import torch

    model_dir = os.path.join(out_dir, case.repo, case.name)
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "config.pbtxt"), "w") as f:
        f.write(case.config)
    for rel, text in case.files.items():
        with open(os.path.join(model_dir, rel), "w") as f:
            f.write(text)
    for version, content in case.versions.items():
        version_dir = os.path.join(model_dir, str(version))
        os.makedirs(version_dir, exist_ok=True)
        path = os.path.join(version_dir, "model.pt")
        if content is None:
            continue
        if isinstance(content, bytes):
            with open(path, "wb") as f:
                f.write(content)
        else:
            torch.jit.save(content, path)
