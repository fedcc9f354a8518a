"""The kube-lab command: validate manifests as Cluster.apply would."""

import yaml
from conftest import deployment

from kube_lab.cli import main


def test_validate_accepts_good_manifests_and_exits_zero(tmp_path, capsys):
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(deployment()))
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: 1 object valid\n"


def test_validate_prints_the_api_servers_error_with_the_line_and_exits_one(tmp_path, capsys):
    bad = deployment()
    bad["spec"]["replica"] = 3
    path = tmp_path / "web.yaml"
    path.write_text(yaml.safe_dump(bad, sort_keys=False))
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert 'unknown field "spec.replica"' in err
    assert f"{path}:" in err and err.endswith(f"{path}: 1 object invalid\n")


def test_validate_of_a_missing_file_says_so(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "nope.yaml" in capsys.readouterr().err
