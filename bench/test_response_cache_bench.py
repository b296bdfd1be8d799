"""bench/response_cache.py's own tests: the model variants it serves and the report's
arithmetic (no server, no load generator: quick enough for every CI run)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import response_cache  # noqa: E402


def test_cached_variant_enables_the_cache_under_its_own_name():
    text = response_cache.cached_config("mlp")
    assert 'name: "mlp_cached"' in text and 'name: "mlp"' not in text
    assert text.rstrip().endswith("response_cache { enable: true }")
    assert "dynamic_batching" in text  # otherwise the same config as the computed model


def test_repository_links_one_model_file(tmp_path):
    models = tmp_path / "models"
    (models / "resnet18" / "1").mkdir(parents=True)
    (models / "resnet18" / "1" / "model.pt").write_bytes(b"weights")
    repo = tmp_path / "repo"
    response_cache.write_repository(str(repo), str(models), ["resnet18_opt"])
    for served in ("resnet18_opt", "resnet18_opt_cached"):
        link = repo / served / "1" / "model.pt"
        assert os.path.islink(link)
        assert os.path.realpath(link) == os.path.realpath(models / "resnet18" / "1" / "model.pt")
    assert "response_cache" not in (repo / "resnet18_opt" / "config.pbtxt").read_text()
    assert "response_cache" in (repo / "resnet18_opt_cached" / "config.pbtxt").read_text()


def row(series, c, repeat, rps, p50, errors=0, cpu=""):
    return {"model": "mlp", "series": series, "concurrency": c, "repeat": repeat,
            "requests": 100, "seconds": 1, "rps": rps, "p50_us": p50, "p90_us": p50,
            "p99_us": p50 * 2, "errors": errors, "server_cpu_us_per_request": cpu}


def test_report_keeps_the_median_repeat_and_divides():
    rows = [row("computed", 1, 0, "100.0", 10000, cpu="900.0"),
            row("computed", 1, 1, "300.0", 3000, cpu="1100.0"),
            row("computed", 1, 2, "200.0", 5000, cpu="1000.0"),
            row("hit", 1, 0, "2000.0", 500, cpu="50.0"), row("hit", 1, 1, "1000.0", 1000, cpu="60.0"),
            row("hit", 1, 2, "3000.0", 300, cpu="40.0"),
            row("miss", 1, 0, "190.0", 5200, errors=1, cpu="1020.0")]
    kept = response_cache.summarize(rows)[("mlp", 1)]
    assert kept["computed"]["rps"] == "200.0" and kept["hit"]["rps"] == "2000.0"
    text = response_cache.report(rows, {"date": "d", "machine": "m", "commit": "c",
                                        "settings": "s", "load": "0", "repeats": 3})
    line = next(l for l in text.splitlines() if l.startswith("| mlp | 1 |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[2:5] == ["200.0", "2000.0", "190.0"]
    assert cells[5] == "5.00 / 10.00" and cells[6] == "0.50 / 1.00"
    assert cells[8:] == ["10.0×", "10.0×", "0.95×"]
    assert "Errors over all points: 1." in text
    cpu_line = [l for l in text.splitlines() if l.startswith("| mlp | 1 |")][1]
    assert [c.strip() for c in cpu_line.strip("|").split("|")] == \
        ["mlp", "1", "1000", "50", "1020", "0.050", "1.02"]
