"""bench/cpu_speed.py: the variants train through the engine's path; the summary line's ratios."""

import json
import re

import pytest

from bench import cpu_speed

TINY = {"name": "procedural", "limit": 240}  # its first 10 % holds every class


@pytest.mark.slow  # a benchmark run (XLA compiles for seconds)
def test_the_xla_variant_compiles_the_fast_layers_and_trains_like_the_default():
    # MiRed+BN V1 holds both TensorFlow stand-ins: fused batch norm and byte dropout.
    plain = cpu_speed.variant("mired_bn_v1", TINY, epochs=2)
    xla = cpu_speed.variant("mired_bn_v1", TINY, epochs=2, jit_compile=True)
    assert xla["jit_compile"] and not plain["jit_compile"]
    assert plain["plan"] == xla["plan"] and plain["plan"]["fast_layers"]
    for result in (plain, xla):
        assert result["steady_images_per_s"] > 0 and result["steady_cpu_ms_per_image"] > 0
        assert result["compile_s"] > 0 and len(result["loss"]) == 2
    # Same seed, same batches: XLA changes float rounding (and random bits), not the training.
    assert abs(xla["loss"][-1] - plain["loss"][-1]) < 0.1 * plain["loss"][-1]


def test_each_variant_runs_in_its_own_process_alternating_and_the_last_line_gives_ratios(
    monkeypatch, capsys
):
    speed = {"default": 100.0, "xla": 90.0, "threads": 120.0}
    calls = []

    def child(args, timeout_s):
        kwargs = json.loads(args[2])
        name = (
            "xla"
            if kwargs.get("jit_compile")
            else "threads"
            if kwargs.get("inter_op")
            else "default"
        )
        calls.append((args[0], kwargs["network"], name))
        return {
            "steady_images_per_s": speed[name] * (2 if kwargs["network"] == "mired_bn_v3" else 1),
            "steady_cpu_ms_per_image": 1.0,
            "compile_s": 1.0,
            "loss": [2.0, 1.5],
            "val_accuracy": [0.2, 0.3],
            "jit_compile": name == "xla",
            "intra_op": 2 if name == "threads" else 0,
            "inter_op": 1 if name == "threads" else 0,
        }

    monkeypatch.setattr(cpu_speed, "run_child", child)
    assert cpu_speed.main(["--quick"]) == 0
    order = [name for item, network, name in calls if network == "basenet"]
    assert order == ["default", "xla", "threads"] * cpu_speed.REPEATS
    assert {item for item, _, _ in calls} == {"cpu_speed"}
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"cpu_speed( \w+=\d+\.\d\d){4}", last)
    assert last == (
        "cpu_speed basenet_xla=0.90 basenet_threads=1.20 mired_bn_v3_xla=0.90 "
        "mired_bn_v3_threads=1.20"
    )


def test_a_failed_run_leaves_its_ratio_out():
    results = {
        "default": [{"steady_images_per_s": 100.0}, {"error": "exit 1"}],
        "xla": [{"steady_images_per_s": 50.0}, {"steady_images_per_s": 70.0}],
    }
    assert cpu_speed.ratios(results) == {"xla": [0.5, None]}
