"""The Train page: preprocessing and training settings, progress. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "train.title": ("Train", "Entrenar"),
    "pre.normalize": (
        "Normalise (featurewise mean 0, std 1)",
        "Normalizar (media 0, desviación 1 por canal)",
    ),
    "pre.normalize_help": (
        "Fitted on the training part only (the assignment also used the validation images).",
        "Se ajusta solo con la parte de entrenamiento (la práctica usaba también las de validación).",
    ),
    "pre.flip": ("Horizontal flip", "Volteo horizontal"),
    "pre.flip_help": (
        "Mirror images left-right at random while training.",
        "Refleja imágenes de izquierda a derecha al azar al entrenar.",
    ),
    "pre.zoom_range": ("Zoom range", "Rango de zoom"),
    "pre.zoom_range_help": (
        "As ImageDataGenerator's zoom_range: zoom in [1 − z, 1 + z].",
        "Como zoom_range de ImageDataGenerator: zoom en [1 − z, 1 + z].",
    ),
    "pre.rotation_range": ("Rotation (degrees either way)", "Rotación (grados a cada lado)"),
    "pre.rotation_range_help": ("Random rotation while training.", "Rotación al azar al entrenar."),
    "pre.translation_range": (
        "Translation (fraction of the size)",
        "Traslación (fracción del tamaño)",
    ),
    "pre.translation_range_help": (
        "Random shift while training.",
        "Desplazamiento al azar al entrenar.",
    ),
    "pre.contrast_range": ("Contrast", "Contraste"),
    "pre.contrast_range_help": (
        "Random contrast factor in [1 − c, 1 + c].",
        "Factor de contraste al azar en [1 − c, 1 + c].",
    ),
    "pre.translation_fill": ("Fill uncovered pixels", "Rellenar los píxeles descubiertos"),
    "pre.translation_fill.nearest": ("nearest (edge repeated)", "nearest (se repite el borde)"),
    "pre.translation_fill.reflect": (
        "reflect (mirrored; whole pixels)",
        "reflect (en espejo; píxeles enteros)",
    ),
    "pre.translation_fill_help": (
        "What a shift shows where the image was: the edge repeated, or the image mirrored with "
        "whole-pixel shifts (as airbench's padded random crops).",
        "Qué muestra un desplazamiento donde estaba la imagen: el borde repetido, o la imagen en "
        "espejo con desplazamientos de píxeles enteros (como los recortes de airbench).",
    ),
    "cfg.schedule": ("Learning-rate schedule", "Programa de la tasa de aprendizaje"),
    "cfg.schedule.inverse_time": (
        "inverse time (Keras 2's decay, the assignment's)",
        "tiempo inverso (el decay de Keras 2, el de la práctica)",
    ),
    "cfg.schedule.warmup_cosine": (
        "warmup, then cosine decay",
        "calentamiento y luego descenso coseno",
    ),
    "cfg.schedule_help": (
        "Warmup: from 0.2 × the rate up to it over the warmup fraction of the steps, then down "
        "to 0.07 × it along a cosine.",
        "Calentamiento: de 0,2 × la tasa hasta ella en la fracción de calentamiento de los pasos, "
        "luego baja hasta 0,07 × ella siguiendo un coseno.",
    ),
    "cfg.warmup_fraction": ("Warmup fraction", "Fracción de calentamiento"),
    "cfg.weight_decay": ("Weight decay", "Decaimiento de pesos"),
    "cfg.weight_decay_help": (
        "Each step every weight shrinks by learning rate × this (decoupled, as AdamW).",
        "En cada paso cada peso se reduce en tasa de aprendizaje × esto (desacoplado, como AdamW).",
    ),
    "cfg.label_smoothing": ("Label smoothing", "Suavizado de etiquetas"),
    "cfg.label_smoothing_help": (
        "The training target gives the true class 1 − s and spreads s over all classes: a "
        "network less sure of itself.",
        "El objetivo de entrenamiento da 1 − s a la clase verdadera y reparte s entre todas: "
        "una red menos segura de sí misma.",
    ),
    "cfg.tta_flip": ("Test-time flip", "Volteo en test"),
    "cfg.tta_flip_help": (
        "Train and test accuracy average the prediction of each image and of its mirror.",
        "La accuracy de entrenamiento y de test promedia la predicción de cada imagen y de su "
        "espejo.",
    ),
    "cfg.optimizer": ("Optimizer", "Optimizador"),
    "cfg.optimizer.sgd": ("SGD (the assignment's)", "SGD (el de la práctica)"),
    "cfg.optimizer.adam": ("Adam", "Adam"),
    "cfg.learning_rate": ("Learning rate", "Tasa de aprendizaje"),
    "cfg.momentum": ("Momentum", "Momento"),
    "cfg.nesterov": ("Nesterov", "Nesterov"),
    "cfg.batch_size": ("Batch size", "Tamaño de lote"),
    "cfg.epochs": ("Epochs", "Épocas"),
    "cfg.validation_split": ("Validation split", "Fracción de validación"),
    "cfg.validation_split_help": (
        "The FIRST fraction of the training images validates, as ImageDataGenerator(validation_split=…) did.",
        "La PRIMERA fracción de las imágenes de entrenamiento valida, como ImageDataGenerator(validation_split=…).",
    ),
    "cfg.seed": ("Seed", "Semilla"),
    "cfg.early_stopping": ("Early stopping", "Parada temprana"),
    "cfg.early_stopping_help": (
        "Stop when validation accuracy stops improving and keep the best epoch's weights.",
        "Para cuando la accuracy de validación deja de mejorar y conserva los pesos de la mejor época.",
    ),
    "cfg.patience": ("Patience (epochs)", "Paciencia (épocas)"),
    "cfg.protocol": ("Assignment protocol", "Protocolo de la práctica"),
    "cfg.protocol_help": (
        "Off (ours): normalisation is fitted on the training part only, validation images are not augmented, and a fine-tuned backbone's batch norm keeps its ImageNet statistics. "
        "On (the assignment's): normalisation is fitted on all training images, validation part included (datagen.fit(x_train)); "
        "validation images are augmented like the training images (one ImageDataGenerator made both), and early stopping watches that accuracy; "
        "a fine-tuned backbone's batch norm updates its statistics with every batch, as in Keras 2 (this spoils the shared MobileNetV2 weights, whose batch norm is folded); "
        "with a backbone, the raw images' mean and deviation are subtracted after preprocess_input. "
        "Train and test accuracy are measured the same way under both.",
        "Desactivado (el nuestro): la normalización se ajusta solo con la parte de entrenamiento, las imágenes de validación no se aumentan y la batch norm de un backbone en ajuste fino conserva sus estadísticas de ImageNet. "
        "Activado (el de la práctica): la normalización se ajusta con todas las imágenes de entrenamiento, validación incluida (datagen.fit(x_train)); "
        "las imágenes de validación se aumentan como las de entrenamiento (un mismo ImageDataGenerator generaba ambas) y la parada temprana vigila esa accuracy; "
        "la batch norm de un backbone en ajuste fino actualiza sus estadísticas con cada lote, como en Keras 2 (esto estropea los pesos compartidos de MobileNetV2, cuya batch norm está plegada); "
        "con un backbone, se restan la media y la desviación de las imágenes sin procesar tras preprocess_input. "
        "La accuracy de train y de test se mide igual con ambos.",
    ),
    "train.custom_network": ("Custom network", "Red personalizada"),
    "train.invalid_network": (
        "The network cannot be trained: {error}",
        "La red no se puede entrenar: {error}",
    ),
    "train.fix_in_build": ("Fix it on Build", "Corrígela en Construir"),
    "train.what": (
        "**{network}** ({params:,} parameters) on **{dataset}**{limit}",
        "**{network}** ({params:,} parámetros) con **{dataset}**{limit}",
    ),
    "train.limit": (
        ", at most {limit} training images",
        ", como mucho {limit} imágenes de entrenamiento",
    ),
    "train.change_network": ("Change the network", "Cambiar la red"),
    "train.change_dataset": ("Change the dataset", "Cambiar el conjunto"),
    "train.extract_note": (
        "This network starts with a frozen backbone: its features are computed once (and cached for next time), then only the head trains, in seconds. As in the assignment's section 4, the last {percent} % of the training images validate.",
        "Esta red empieza con una red preentrenada congelada: sus características se calculan una vez (y se guardan para la próxima), y luego solo se entrena la cabeza, en segundos. Como en la sección 4 de la práctica, valida el último {percent} % de las imágenes de entrenamiento.",
    ),
    "train.extract_augment_note": (
        "Augmentation or normalisation changes the images the frozen backbone sees, so its features cannot be computed once: it runs on every image of every epoch (slow). Turn them off to train only the head on cached features.",
        "El aumento de datos o la normalización cambian las imágenes que ve la red congelada, así que sus características no pueden calcularse una sola vez: se ejecuta con cada imagen en cada época (lento). Desactívalos para entrenar solo la cabeza con características guardadas.",
    ),
    "train.preprocessing": ("Preprocessing", "Preprocesado"),
    "train.settings": ("Training settings", "Ajustes de entrenamiento"),
    "train.label": ("Name of the run", "Nombre de la ejecución"),
    "train.label_placeholder": ("e.g. BaseNet + flip", "p. ej. BaseNet + volteo"),
    "train.start": ("Start training", "Empezar a entrenar"),
    "train.stop": ("Stop", "Detener"),
    "train.already_running": (
        "A job of this session is still running: stop it or wait for it to end.",
        "Un entrenamiento de esta sesión sigue en marcha: detenlo o espera a que termine.",
    ),
    "train.no_job": (
        "Nothing is training yet: choose the settings and press Start.",
        "Aún no se entrena nada: elige los ajustes y pulsa Empezar.",
    ),
    "train.job_gone": (
        "The job of this page is no longer known (the server restarted?). Its run, if saved, is on Compare.",
        "Ya no se conoce el entrenamiento de esta página (¿se reinició el servidor?). Si se guardó, está en Comparar.",
    ),
    "train.job": ("Training job", "Entrenamiento"),
    "train.queued": (
        "Waiting for a free worker: place {position} in the queue.",
        "Esperando un hueco: puesto {position} de la cola.",
    ),
    "train.progress": (
        "Epoch {epoch} of {epochs} · batch {batch} of {batches} · about {eta} left",
        "Época {epoch} de {epochs} · lote {batch} de {batches} · quedan unos {eta}",
    ),
    "train.eta_unknown": ("? s", "? s"),
    "progress.starting": ("{phase}… {message} ({seconds} s)", "{phase}… {message} ({seconds} s)"),
    "progress.validating": (
        "Finishing: validating the last epoch…",
        "Terminando: validando la última época…",
    ),
    "progress.scoring": (
        "Finishing: scoring on the training and test sets…",
        "Terminando: evaluando en los conjuntos de entrenamiento y de test…",
    ),
    "progress.saving": ("Finishing: saving the run…", "Terminando: guardando la ejecución…"),
    "train.stopping": (
        "Stopping after the current batch; the partial run is kept.",
        "Deteniendo tras el lote actual; se guarda la ejecución parcial.",
    ),
    "train.completed": ("Finished in {seconds} s.", "Terminado en {seconds} s."),
    "train.stopped": (
        "Stopped. What was trained so far is saved.",
        "Detenido. Lo entrenado hasta ahora está guardado.",
    ),
    "train.failed": ("Training failed: {error}", "El entrenamiento falló: {error}"),
    "train.interrupted": (
        "Training was interrupted: {error}",
        "El entrenamiento se interrumpió: {error}",
    ),
    "train.device": ("Running on: {device}", "Se ejecuta en: {device}"),
    "train.early_stopped": (
        "Early stopping ended training after epoch {stopped}; the best epoch was {best}.",
        "La parada temprana terminó tras la época {stopped}; la mejor fue la {best}.",
    ),
    "train.results": (
        "Results (the assignment's columns)",
        "Resultados (las columnas de la práctica)",
    ),
    "train.restored": (
        "Every figure of this row is from the restored best epoch, {epoch} (the weights the model keeps).",
        "Todas las cifras de esta fila son de la mejor época restaurada, la {epoch} (los pesos que conserva el modelo).",
    ),
    "train.saved_as": ("Saved as run {run_id}.", "Guardado como ejecución {run_id}."),
    "train.go_compare": ("Compare it with other runs", "Compárala con otras ejecuciones"),
}
