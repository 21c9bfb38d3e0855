"""The benchmark's tables and its last line, from the results `bench/run.py` gathered."""

from __future__ import annotations

from bench.common import NETWORKS, fmt, median, table


def one_line(result: dict) -> str:
    """A progress line for one finished measurement."""
    if "error" in result:
        return f"error: {result['error']}"
    parts = []
    for key, label, digits in [
        ("images_per_s", "img/s", 0),
        ("steady_images_per_s", "img/s after epoch 1", 0),
        ("cpu_ms_per_image", "CPU ms/img", 2),
        ("val_accuracy", "val acc", 3),
        ("first_event_s", "first event s", 1),
        ("worker_peak_rss_mb", "worker peak MiB", 0),
    ]:
        if result.get(key) is not None:
            parts.append(f"{label} {fmt(float(result[key]), digits)}")
    return ", ".join(parts)


def _med(runs: list[dict], key: str) -> float | None:
    return median([r.get(key) for r in runs if "error" not in r])


def speedups(training: dict, key: str = "images_per_s") -> dict[str, float | None]:
    """Engine images/s over the assignment's, per network (medians of the repeats)."""
    out = {}
    for network in NETWORKS:
        runs = training.get(network, {})
        ours, theirs = _med(runs.get("engine", []), key), _med(runs.get("assignment", []), key)
        out[network] = ours / theirs if ours and theirs else None
    return out


def of_bare(training: dict, pipeline: str = "engine") -> dict[str, float | None]:
    """A pipeline's images/s as a fraction of the bare limit's, per network (medians)."""
    out = {}
    for network in NETWORKS:
        runs = training.get(network, {})
        ours = _med(runs.get(pipeline, []), "images_per_s")
        limit = _med(runs.get("bare_limit", []), "images_per_s")
        out[network] = ours / limit if ours and limit else None
    return out


def of_bare_line(training: dict) -> str:
    """`of_bare basenet=X.XX mired_bn_v3=Y.YY`: the engine against the bare limit."""
    values = of_bare(training)
    return "of_bare " + " ".join(
        f"{network}={values[network]:.2f}" if values[network] else f"{network}=n/a"
        for network in NETWORKS
    )


def speedup_line(training: dict) -> str:
    values = speedups(training)
    return "speedup " + " ".join(
        f"{network}={values[network]:.2f}" if values[network] else f"{network}=n/a"
        for network in NETWORKS
    )


def training_table(training: dict) -> str:
    rows = []
    overall, steady = speedups(training), speedups(training, "steady_images_per_s")
    names = {
        "assignment": "ImageDataGenerator + fit",
        "engine": "engine (run_job)",
        "bare_limit": "bare limit (no preprocessing)",
    }
    for network in NETWORKS:
        for pipeline in ("assignment", "engine", "bare_limit"):
            runs = training.get(network, {}).get(pipeline, [])
            if pipeline == "bare_limit" and not runs:
                continue
            ratio = [overall[network], steady[network]] if pipeline == "engine" else [None, None]
            rows.append(
                [
                    network,
                    names[pipeline],
                    f"{len([r for r in runs if 'error' not in r])}",
                    fmt(_med(runs, "images_per_s"), 0),
                    fmt(_med(runs, "steady_images_per_s"), 0),
                    fmt(_med(runs, "cpu_ms_per_image"), 2),
                    fmt(_med(runs, "val_accuracy"), 3),
                    fmt(ratio[0], 2),
                    fmt(ratio[1], 2),
                ]
            )
    header = ["network", "pipeline", "runs", "img/s", "img/s ep>1", "CPU ms/img", "val acc"]
    return table(rows, [*header, "speedup", "speedup ep>1"])


def progress_table(progress: dict) -> str:
    bare, job = progress.get("bare", []), progress.get("job", [])
    rows = []
    for label, runs in [("bare model.fit (same model, same pipeline)", bare),
                        ("job: LocalExecutor + worker + ProgressCallback", job)]:  # fmt: skip
        rows.append([label, fmt(_med(runs, "images_per_s"), 0),
                     fmt(_med(runs, "steady_images_per_s"), 0)])  # fmt: skip
    lines = [table(rows, ["BaseNet", "img/s", "img/s ep>1"])]
    for key, label in [("images_per_s", "all epochs"), ("steady_images_per_s", "after epoch 1")]:
        a, b = _med(bare, key), _med(job, key)
        if a and b:
            lines.append(f"job slower than bare fit ({label}): {100 * (1 - b / a):.1f} %")
    warm, keras_import = progress.get("warm_worker", {}), progress.get("import_keras", {})
    lines.append(
        f"submit -> first event: {fmt(_med(job, 'first_event_s'), 2)} s; -> first batch: "
        f"{fmt(_med(job, 'first_batch_s'), 2)} s (a fresh spawned worker)"
    )
    lines.append(
        f"with a pre-spawned worker that had imported TensorFlow: first event "
        f"{fmt(warm.get('first_event_s'), 2)} s, first batch {fmt(warm.get('first_batch_s'), 2)} s"
        f" (spawning it and importing took {fmt(warm.get('spawn_and_import_s'), 1)} s ahead)"
    )
    lines.append(f"import keras in a fresh process: {fmt(keras_import.get('seconds'), 2)} s")
    return "\n".join(lines)


def latency_table(latency: dict) -> str:
    if "error" in latency:
        return f"error: {latency['error']}"
    rows = []
    for key, label in [("cifar", "CIFAR-size run (MiRed+BN V3, 32×32)"),
                       ("mobilenet", f"MobileNetV2 224×224 ({latency.get('mobilenet_weights')})")]:  # fmt: skip
        m = latency.get(key, {})
        rows.append([label] + [fmt(m.get(k), 1) for k in
                     ("decode_resize_ms", "predict_ms", "predict_on_batch_ms", "call_ms")])  # fmt: skip
    header = ["model (photo: " + str(latency.get("photo")) + ")", "decode+resize ms",
              "predict ms", "predict_on_batch ms", "model(x) ms"]  # fmt: skip
    load = (
        f"load a saved run (RunStore.load_model): first {fmt(latency.get('run_first_load_s'), 2)} s"
        f" (Keras already imported), then median {fmt(latency.get('run_load_ms'), 0)} ms"
    )
    return table(rows, header) + "\n" + load


def app_table(app: dict, build: dict) -> str:
    if "error" in app:
        return f"error: {app['error']}"
    runs = app.get("runs", [])
    lines = [f"method: {app.get('method')}"]
    for key, label in [("health_s", "server answers /_stcore/health"),
                       ("interactive_s", "first page rendered and idle"),
                       ("page_fetched_s", "page HTML fetched")]:  # fmt: skip
        values = [r.get(key) for r in runs if r.get(key) is not None]
        if values:
            lines.append(
                f"{label}: median {median(values):.2f} s of {[round(v, 2) for v in values]}"
            )
    pages = {
        k: v for r in runs for k, v in r.items() if k.startswith("page_") and k != "page_fetched_s"
    }
    if pages:
        lines.append(
            "each page, first visit: " + ", ".join(f"{k[5:-2]} {v:.2f} s" for k, v in pages.items())
        )
    if "error" in build:
        lines.append(f"Build page check: error: {build['error']}")
    else:
        lines.append(
            f"Build page render (AppTest, {build.get('seconds', 0):.1f} s, "
            f"{build.get('tables')} table): TensorFlow imported: {build.get('tensorflow_imported')}, "
            f"Keras imported: {build.get('keras_imported')}, exception: {build.get('exception')}"
        )
    return "\n".join(lines)


def memory_table(memory: dict, app: dict) -> str:
    job = memory.get("job", {})
    server = [
        r.get("server_peak_rss_mb") for r in app.get("runs", []) if r.get("server_peak_rss_mb")
    ]
    return "\n".join([
        f"training worker, MiRed+BN V3 on {memory.get('source')}: "
        f"peak RSS {fmt(job.get('worker_peak_rss_mb'), 0)} MiB",
        f"app server after visiting every page: peak RSS {fmt(server[-1] if server else None, 0)} MiB",
    ])  # fmt: skip


def resnet_table(pairs: list[dict]) -> str:
    rows = []
    for pair in pairs:
        if "error" in pair:
            rows.append(["?", "error", pair["error"], "", ""])
            continue
        engine = pair.get("engine", {})
        rows.append([
            str(pair.get("batch_size")),
            fmt(pair["plain"].get("images_per_s"), 0),
            fmt(engine.get("images_per_s"), 0) if "skipped" not in engine else engine["skipped"],
            fmt(pair.get("ratio"), 2),
            str(engine.get("plan", "")),
        ])  # fmt: skip
    return table(rows, ["batch", "plain Keras img/s", "engine img/s", "engine/plain", "plan"])


def startup_lines(startup: dict | None) -> list[str]:
    """`startup first_point_s=X cold_process_s=Y` (warm workers, the page's polling), then the
    same first point with warm workers off and the old once-a-second polling (before)."""
    startup = startup or {}

    def value(name: str, key: str) -> str:
        figure = (startup.get(name) or {}).get(key)
        return "n/a" if figure is None else f"{figure:.2f}"

    cold_poll = (startup.get("cold") or {}).get("poll_s")
    return [
        f"startup first_point_s={value('warm', 'first_point_s')}"
        f" cold_process_s={value('cold_process', 'seconds')}",
        f"startup_cold first_point_s={value('cold', 'first_point_s')}"
        + (f" poll_s={cold_poll:g}" if cold_poll is not None else ""),
        f"startup_mired_bn_v3_cifar10 first_point_s={value('mired_cifar', 'first_point_s')}",
    ]


def startup_table(startup: dict) -> str:
    rows = []
    for name, label in [("cold", "worker started for the job, page polls every 1 s (before)"),
                        ("warm", "warm worker, page polls every 0.25 s until then (after)")]:  # fmt: skip
        result = startup.get(name) or {}
        phases = ", ".join(f"{p} {t:g} s" for t, p in result.get("phases", []))
        rows.append([label, fmt(result.get("first_point_s"), 2), result.get("error") or phases])
    mired = startup.get("mired_cifar") or {}
    phases = ", ".join(f"{p} {t:g} s" for t, p in mired.get("phases", []))
    rows.append(["MiRed+BN V3, CIFAR-10 training zip (decoded cache warm), warm worker",
                 fmt(mired.get("first_point_s"), 2), mired.get("error") or phases])  # fmt: skip
    cold = startup.get("cold_process") or {}
    inner = (f"import Keras {fmt(cold.get('import_keras_s'), 1)} s, build {fmt(cold.get('build_s'), 1)}"
             f" s, one batch {fmt(cold.get('one_batch_s'), 1)} s")  # fmt: skip
    rows.append(["a fresh process: import Keras, build, one batch", fmt(cold.get("seconds"), 2),
                 cold.get("error") or inner])  # fmt: skip
    return table(rows, ["BaseNet, procedural data", "seconds", "phases seen (since Start)"])


def render(results: dict) -> str:
    m = results.get("machine", {})
    parts = [
        f"== CNN Lab benchmark, {results.get('mode')} mode ==",
        f"machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB"
        + (f", GPUs {m.get('gpus')}" if m.get("gpus") else "")
        + f"; Keras backend {m.get('keras_backend')}",
        f"data: {results.get('source')}",
        f"load average before/after: {results.get('load_before')} / {results.get('load_after')}",
        "",
        "(a)/(b) training throughput (images/s = training images × epochs / fit time, validation"
        " included; val acc on the same clean validation images)",
        training_table(results.get("training", {})),
    ]
    if "progress" in results:
        parts += ["", "(b2) live progress", progress_table(results["progress"])]
    if "startup" in results:
        parts += ["", "(f) Start to the first chart point", startup_table(results["startup"])]
    if "latency" in results:
        parts += ["", "(c) classifying one photo (median)", latency_table(results["latency"])]
    if "app" in results:
        parts += ["", "(d) app start", app_table(results["app"], results.get("build_page", {}))]
    if "memory" in results:
        parts += ["", "(e) peak memory", memory_table(results["memory"], results.get("app", {}))]
    if "resnet50" in results:
        parts += [
            "",
            "ResNet50 fine-tuning, 224×224, mixed precision",
            resnet_table(results["resnet50"]),
        ]
    return "\n".join(parts)
