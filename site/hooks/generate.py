"""Build step for the docs site, run by mkdocs (``hooks:`` in mkdocs.yml) before it reads
``docs/``; also runnable by hand: ``python site/hooks/generate.py``.

One source of truth: the lessons stay in ``lessons/`` and the reference pages in ``docs/``.
This step copies them into ``site/docs/`` (git-ignored there) and generates what is derived
from the code:

- ``lessons/NN-name.ipynb``: the notebook with its stored outputs; widget views are dropped
  (each dashboard also stores a static SVG, which the page shows, so no widget renderer
  from a CDN is needed) and links to other lessons or to ``docs/`` point at their pages;
- ``lessons/index.md`` from ``lessons/README.md``; ``docs/*.md`` as they are;
- ``reference/api.md``: the API reference, from the docstrings (``inspect``);
- ``assets/architecture.svg``: ``kube_lab.viz.kubernetes_architecture`` of a small cluster.

Files are written only when their content changes, so ``mkdocs serve`` does not loop.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent
ROOT = SITE.parent
DOCS = SITE / "docs"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


# -- lessons ----------------------------------------------------------------------------------

_LINK = re.compile(r"\]\((?!https?:|mailto:|#)([^)#\s]+)(#[^)\s]*)?\)")


def _page_link(target: str) -> str | None:
    """Where a link in a lesson's Markdown goes on the site, relative to the lesson's page
    (``/lessons/NN-name/``); None leaves it alone."""
    if re.fullmatch(r"\d\d-[\w-]+\.ipynb", target):
        return f"../{target.removesuffix('.ipynb')}/"
    if target == "README.md":
        return "../"
    m = re.fullmatch(r"\.\./docs/([\w-]+)\.md", target)
    if m:
        return f"../../docs/{m.group(1)}/"
    return None


def _fix_links(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        new = _page_link(m.group(1))
        return m.group(0) if new is None else f"]({new}{m.group(2) or ''})"

    return _LINK.sub(repl, text)


def lesson_for_site(nb: dict) -> dict:
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = cell["source"]
            cell["source"] = _fix_links("".join(src) if isinstance(src, list) else src)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
    return nb


def lessons() -> list[Path]:
    return sorted((ROOT / "lessons").glob("[0-9][0-9]-*.ipynb"))


def copy_lessons() -> None:
    wanted = set()
    for src in lessons():
        nb = json.loads(src.read_text(encoding="utf-8"))
        dest = DOCS / "lessons" / src.name
        wanted.add(dest.name)
        write(dest, json.dumps(lesson_for_site(nb), indent=1, ensure_ascii=False) + "\n")
    for stale in (DOCS / "lessons").glob("*.ipynb"):
        if stale.name not in wanted:
            stale.unlink()
    readme = (ROOT / "lessons" / "README.md").read_text(encoding="utf-8")
    readme = readme.replace(
        "Open them with `bash scripts/lab` (from the repository's root), "
        "or read them here as they are.",
        "Open them with `bash scripts/lab` (from the repository's root), launch them on Binder "
        "(the button on each lesson's page), or read them here with their stored outputs.",
    )
    write(DOCS / "lessons" / "index.md", readme)


def copy_docs() -> None:
    for src in sorted((ROOT / "docs").glob("*.md")):
        write(DOCS / "docs" / src.name, src.read_text(encoding="utf-8"))


# -- API reference ----------------------------------------------------------------------------

API = [
    (
        "kube_lab",
        [
            "Cluster",
            "ApplyResult",
            "ManifestError",
            "StatusError",
            "NotFound",
            "AlreadyExists",
            "Conflict",
            "docker_available",
        ],
    ),
    ("kube_lab.kubectl.commands", None),
    ("kube_lab.viz.dashboard", ["Dashboard"]),
    ("kube_lab.viz.architecture", ["kubernetes_architecture"]),
    ("kube_lab.viz.cluster", ["cluster_diagram"]),
    ("kube_lab.timeline", None),
    ("kube_lab.traffic", None),
    ("kube_lab.metrics", None),
    ("kube_lab.store", None),
    ("kube_lab.engine", None),
    ("kube_lab.eras", None),
    ("kube_lab.borg", None),
    ("kube_lab.omega", None),
    ("kube_lab.checks.core", None),
]


def _doc(obj: object) -> str:
    text = inspect.getdoc(obj) or ""
    # reStructuredText roles and literals read well enough as Markdown code
    text = re.sub(r":(?:class|func|meth|mod|attr|data):`~?([^`]+)`", r"`\1`", text)
    text = text.replace("``", "`")
    # an indented block after "::" is code
    out: list[str] = []
    state = "text"  # "text", "before" (after "::", before the block), "code"
    for line in text.splitlines():
        if state == "before" and not line.strip():
            continue
        if state == "before":
            out.append("```python")
            state = "code"
        if state == "code" and line.strip() and not line.startswith(" "):
            while out and not out[-1].strip():
                out.pop()
            out += ["```", ""]
            state = "text"
        if state == "text" and line.rstrip().endswith("::"):
            out += [line.rstrip()[:-1], ""]
            state = "before"
            continue
        out.append(line[4:] if state == "code" else line)
    if state == "code":
        while out and not out[-1].strip():
            out.pop()
        out.append("```")
    return "\n".join(out).strip()


def _signature(obj: object) -> str:
    try:
        return str(inspect.signature(obj))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "(...)"


def _public_members(module: object, names: list[str] | None) -> list[str]:
    if names is not None:
        return names
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return list(declared)
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        if getattr(obj, "__module__", None) == module.__name__ and inspect.getdoc(obj):
            found.append(name)
    return found


def _anchor(text: str) -> str:
    return re.sub(r"[^\w-]", "-", text.lower()).strip("-")


def api_reference() -> str:
    sys.path.insert(0, str(ROOT))
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings of `kube_lab` at build time "
        "(`site/hooks/generate.py`). Start with [`Cluster`](#kube_lab-cluster); "
        "the [user guide](../guide.md) shows it at work.",
        "",
    ]
    for modname, names in API:
        module = importlib.import_module(modname)
        lines += [f"## `{modname}`", "", _doc(module), ""]
        for name in _public_members(module, names):
            obj = getattr(module, name)
            qual = f"{modname}.{name}"
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                lines += [
                    f"### `{qual}` {{#{_anchor(qual)}}}",
                    "",
                    "*exception*",
                    "",
                    _doc(obj),
                    "",
                ]
                continue
            if inspect.isclass(obj):
                lines += [
                    f"### `{qual}` {{#{_anchor(qual)}}}",
                    "",
                    f"```python\nclass {name}{_signature(obj)}\n```",
                    "",
                    _doc(obj),
                    "",
                ]
                for mname, member in sorted(vars(obj).items()):
                    if mname.startswith("_"):
                        continue
                    if isinstance(member, property):
                        doc = _doc(member)
                        if doc:
                            lines += [f"#### `{name}.{mname}` *(property)*", "", doc, ""]
                    elif inspect.isfunction(member) and inspect.getdoc(member):
                        lines += [
                            f"#### `{name}.{mname}`",
                            "",
                            f"```python\n{mname}{_signature(member)}\n```",
                            "",
                            _doc(member),
                            "",
                        ]
            elif callable(obj):
                lines += [
                    f"### `{qual}` {{#{_anchor(qual)}}}",
                    "",
                    f"```python\n{name}{_signature(obj)}\n```",
                    "",
                    _doc(obj),
                    "",
                ]
    return "\n".join(lines).rstrip() + "\n"


# -- architecture picture -------------------------------------------------------------------


def architecture_svg() -> str:
    sys.path.insert(0, str(ROOT))
    import kube_lab as kl
    from kube_lab.viz.architecture import kubernetes_architecture

    c = kl.Cluster(nodes=3, seed=0)
    c.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        }
    )
    c.run(seconds=30)
    svg = kubernetes_architecture(c, highlight="default-scheduler").svg
    svg = svg if isinstance(svg, str) else svg()
    return re.sub(r"<!-- Generated by graphviz version .* -->\n?", "", svg)


def main() -> None:
    copy_lessons()
    copy_docs()
    write(DOCS / "reference" / "api.md", api_reference())
    write(DOCS / "assets" / "architecture.svg", architecture_svg())


if __name__ == "__main__":
    main()
