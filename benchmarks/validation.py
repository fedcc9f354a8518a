"""How fast kube_lab validates manifests, and what the schemas cost to load.

    .venv/bin/python benchmarks/validation.py

Prints the time of ``import kube_lab`` (the schemas are not loaded then), the one-time cost
of loading the schemas on the first validation, and the time per document, after the
first, of defaulting, strict decoding and validating every manifest of the test corpus
(``tests/manifests/valid``). The target is under 1 ms for a typical Deployment.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "manifests" / "valid"
TYPICAL = CORPUS / "deployment-probes-limits.yaml"

_IMPORT = "import time; t = time.perf_counter(); import kube_lab; print(time.perf_counter() - t)"
_FIRST = """
import time
from kube_lab.api.manifest import load_documents
from kube_lab.api.defaults import apply_defaults
from kube_lab.api.validation import validate
obj = apply_defaults(load_documents({path!r})[0].obj)
t = time.perf_counter(); validate(obj); first = time.perf_counter() - t
t = time.perf_counter(); validate(obj); second = time.perf_counter() - t
print(first - second)
"""


def _python(code: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip())


def main() -> None:
    from kube_lab.api.defaults import apply_defaults
    from kube_lab.api.manifest import load_documents
    from kube_lab.api.schemas import KUBERNETES_VERSION, SCHEMA_FILE
    from kube_lab.api.validation import validate

    imports = sorted(_python(_IMPORT) for _ in range(5))
    loads = sorted(_python(_FIRST.format(path=str(TYPICAL))) for _ in range(5))
    size = SCHEMA_FILE.stat().st_size
    print(f"Kubernetes {KUBERNETES_VERSION} schemas: {SCHEMA_FILE.name}, {size / 1024:.0f} KiB")
    print(f"import kube_lab:                 {statistics.median(imports) * 1000:7.1f} ms")
    print(f"first validation loads schemas: +{statistics.median(loads) * 1000:6.1f} ms")
    print()
    print(f"{'document':44} {'kind':24} {'per document':>12}")
    for path in sorted(CORPUS.iterdir()):
        documents = load_documents(path)
        for number, document in enumerate(documents, start=1):
            obj = document.obj
            validate(apply_defaults(obj))  # warm
            runs = 200
            start = time.perf_counter()
            for _ in range(runs):
                errors = validate(apply_defaults(obj))
            elapsed = (time.perf_counter() - start) / runs
            assert not errors, (path, errors)
            label = f"{path.name}#{number}" if len(documents) > 1 else path.name
            marker = "  <- typical Deployment" if path == TYPICAL else ""
            print(f"{label:44} {obj['kind']:24} {elapsed * 1e6:9.0f} µs{marker}")


if __name__ == "__main__":
    main()
