"""Downloads of runs as code (Compare and Build): scripts and the run zip. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "export.script": ("Download script (Keras 3)", "Descargar script (Keras 3)"),
    "export.script_help": (
        "One Python file that repeats this with plain Keras 3 (same data and validation split, "
        "preprocessing, network, optimizer and callbacks): pip install keras tensorflow, then "
        "python {file}. Its last line prints the results as JSON.",
        "Un archivo de Python que repite esto con Keras 3 sin más (los mismos datos y partición "
        "de validación, preprocesado, red, optimizador y callbacks): pip install keras "
        "tensorflow y luego python {file}. Su última línea imprime los resultados en JSON.",
    ),
    "export.keras2": ("Keras 2 version", "Versión Keras 2"),
    "export.keras2_help": (
        "The same, written as the assignment's Keras 2 code (ImageDataGenerator, "
        "fit_generator, SGD(lr=..., decay=...)): to read beside the script; it does not run on "
        "Keras 3.",
        "Lo mismo, escrito como el código Keras 2 de la práctica (ImageDataGenerator, "
        "fit_generator, SGD(lr=..., decay=...)): para leerlo junto al script; no funciona con "
        "Keras 3.",
    ),
    "export.zip": ("Download run (.zip)", "Descargar ejecución (.zip)"),
    "export.zip_help": (
        "The saved model, network, settings, history, metrics, TensorBoard logs and both "
        "scripts in one zip.",
        "El modelo guardado, la red, los ajustes, el historial, las métricas, los registros de "
        "TensorBoard y los dos scripts en un zip.",
    ),
    "export.failed": (
        "This run cannot be downloaded as code: {error}",
        "Esta ejecución no se puede descargar como código: {error}",
    ),
    "export.build_failed": (
        "No script yet: {error}",
        "Aún no hay script: {error}",
    ),
    "export.build_caption": (
        "The scripts train this network on {dataset} with the settings of Data and Train "
        "({preprocessing}; {epochs} epochs).",
        "Los scripts entrenan esta red con {dataset} y los ajustes de Datos y Entrenar "
        "({preprocessing}; {epochs} épocas).",
    ),
}
