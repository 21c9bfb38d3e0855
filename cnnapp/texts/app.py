"""Navigation, the landing page, the sidebar and job states. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "nav.home": ("CNN Lab", "Laboratorio CNN"),
    "home.title": (
        "CNN Lab: convolutional networks, hands on",
        "Laboratorio CNN: redes convolucionales en la práctica",
    ),
    "home.intro": (
        "Build, train, compare and try out convolutional networks in the browser, from the networks of the assignment *Práctica 2: Redes neuronales convolucionales* (Visión por Computador, Universidad de Granada) to your own. Follow the steps in order the first time:",
        "Construye, entrena, compara y prueba redes convolucionales en el navegador, desde las redes de la *Práctica 2: Redes neuronales convolucionales* (Visión por Computador, Universidad de Granada) hasta las tuyas. La primera vez, sigue los pasos en orden:",
    ),
    "home.step.data": (
        "Choose the images: the offline procedural shapes, CIFAR, or your own.",
        "Elige las imágenes: las formas procedurales (sin conexión), CIFAR o las tuyas.",
    ),
    "home.step.build": (
        "Pick a network of the assignment or stack your own layers.",
        "Elige una red de la práctica o apila tus propias capas.",
    ),
    "home.step.train": (
        "Set preprocessing and training, press Start, watch it learn.",
        "Ajusta el preprocesado y el entrenamiento, pulsa Empezar y mira cómo aprende.",
    ),
    "home.step.compare": (
        "Put runs side by side and export the table for your report.",
        "Pon ejecuciones lado a lado y exporta la tabla para tu memoria.",
    ),
    "home.step.reproduce": (
        "Re-run the assignment's results tables.",
        "Vuelve a ejecutar las tablas de resultados de la práctica.",
    ),
    "home.step.classify": (
        "Show your own photos to a trained model.",
        "Enseña tus propias fotos a un modelo entrenado.",
    ),
    "home.session": (
        "Your runs belong to this browser session; the address bar keeps it, so bookmark the page to come back to them.",
        "Tus ejecuciones pertenecen a esta sesión del navegador; la barra de direcciones la guarda: añade la página a marcadores para volver a ellas.",
    ),
    "nav.data": ("Data", "Datos"),
    "nav.build": ("Build", "Construir"),
    "nav.train": ("Train", "Entrenar"),
    "nav.compare": ("Compare", "Comparar"),
    "nav.reproduce": ("Reproduce", "Reproducir"),
    "nav.classify": ("Classify", "Clasificar"),
    "sidebar.backend": ("Keras backend: {backend}", "Backend de Keras: {backend}"),
    "sidebar.device": ("Device: {device}", "Dispositivo: {device}"),
    "sidebar.no_job": ("No training job in this session.", "Ningún entrenamiento en esta sesión."),
    "sidebar.job_queued": (
        "{label}: waiting, place {position} in the queue",
        "{label}: en espera, puesto {position} de la cola",
    ),
    "sidebar.job_running": (
        "{label}: epoch {epoch} of {epochs}, batch {batch} of {batches} ({percent} %)",
        "{label}: época {epoch} de {epochs}, lote {batch} de {batches} ({percent} %)",
    ),
    "sidebar.job_starting": ("{label}: {phase}…", "{label}: {phase}…"),
    "sidebar.job_finishing": ("{label}: finishing…", "{label}: terminando…"),
    "sidebar.job_done": ("{label}: {state}", "{label}: {state}"),
    "sidebar.job_device": ("Runs on {device}", "Se ejecuta en {device}"),
    "sidebar.open_train": ("See it on Train", "Verlo en Entrenar"),
    "state.queued": ("queued", "en cola"),
    "state.running": ("running", "entrenando"),
    "state.stopping": ("stopping", "deteniéndose"),
    "state.completed": ("completed", "terminado"),
    "state.stopped": ("stopped", "detenido"),
    "state.failed": ("failed", "fallido"),
    "state.interrupted": ("interrupted", "interrumpido"),
    "phase.starting": ("starting", "arrancando"),
    "phase.loading data": ("loading data", "cargando los datos"),
    "phase.building": ("building the model", "construyendo el modelo"),
    "phase.compiling": ("compiling the training step", "compilando el paso de entrenamiento"),
    "phase.training": ("training", "entrenando"),
    "phase.evaluating": ("evaluating", "evaluando"),
    "phase.saving": ("saving the run", "guardando la ejecución"),
    "phase.extracting features": (
        "computing the backbone's features",
        "calculando las características de la red preentrenada",
    ),
    "table.more_columns": ("More columns", "Más columnas"),
    "page.loading": ("Loading {page}…", "Cargando {page}…"),
}
