"""mkdocs hooks for the kube-lab site.

- before the build: run ``generate.py`` (lessons, docs pages, API reference, architecture);
- on every lesson page: an "Open in Binder" button to that lesson and a download link for
  its notebook (``extra.binder_repo`` in mkdocs.yml names the GitHub repository);
- in Markdown pages: ``{{ binder_url }}`` and ``{{ binder_lab }}`` become Binder links;
- after the build: the original notebooks are copied next to their pages for download.
"""

from __future__ import annotations

import html
import importlib.util
import shutil
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "kube_lab_site_generate", Path(__file__).with_name("generate.py")
)
assert _spec and _spec.loader
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def binder_base(config) -> str:
    repo = config["extra"]["binder_repo"]
    ref = config["extra"].get("binder_ref", "HEAD")
    return f"https://mybinder.org/v2/gh/{repo}/{ref}"


def binder_url(config, notebook: str | None = None) -> str:
    path = f"lab/tree/lessons/{notebook}" if notebook else "lab/tree/lessons"
    return f"{binder_base(config)}?urlpath={path}"


def on_pre_build(config, **kwargs) -> None:
    generate.main()


def on_page_markdown(markdown: str, page, config, files, **kwargs) -> str:
    markdown = markdown.replace("{{ binder_lab }}", binder_url(config))
    return markdown.replace("{{ binder_url }}", binder_url(config, "00-welcome.ipynb"))


def on_page_content(content: str, page, config, files, **kwargs) -> str:
    src = page.file.src_uri
    if not (src.startswith("lessons/") and src.endswith(".ipynb")):
        return content
    name = src.rsplit("/", 1)[1]
    url = html.escape(binder_url(config, name), quote=True)
    bar = (
        '<div class="kl-launch">'
        f'<a class="md-button md-button--primary kl-binder" href="{url}" '
        'target="_blank" rel="noopener">Open in Binder</a> '
        f'<a class="md-button kl-download" href="../{name}" download>Download the notebook</a>'
        "</div>\n"
    )
    return bar + content


def on_post_build(config, **kwargs) -> None:
    out = Path(config["site_dir"]) / "lessons"
    out.mkdir(parents=True, exist_ok=True)
    for nb in generate.lessons():
        shutil.copyfile(nb, out / nb.name)
