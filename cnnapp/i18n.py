"""The interface's texts in English and Spanish (the course is taught in Spanish).

Every visible string of the app goes through `t(key, lang, **values)`. Texts are kept side by side,
`key: (English, Spanish)`, so a missing translation is impossible by construction; placeholders use
`str.format` syntax (`{epoch}`, `{value:.2f}`) and must be the same in both languages (a test checks).

Example:
    >>> t("chart.summary.peaked", "es", split="validación", metric="accuracy", value=0.54, epoch=12)
    'la accuracy de validación alcanzó su máximo, 0.54, en la época 12'
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"

TEXTS: dict[str, tuple[str, str]] = {
    # Navigation and titles
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
    "data.title": ("Data: what the network learns from", "Datos: de qué aprende la red"),
    "build.title": ("Build a network", "Construye una red"),
    "train.title": ("Train", "Entrenar"),
    "compare.title": ("Compare runs", "Compara ejecuciones"),
    "repro.title": ("Reproduce the assignment's tables", "Reproduce las tablas de la práctica"),
    "classify.title": ("Classify your own photos", "Clasifica tus fotos"),
    # Sidebar
    "sidebar.backend": ("Keras backend: {backend}", "Backend de Keras: {backend}"),
    "sidebar.device": ("Device: {device}", "Dispositivo: {device}"),
    "sidebar.no_job": ("No training job in this session.", "Ningún entrenamiento en esta sesión."),
    "sidebar.job_queued": (
        "{label}: waiting, place {position} in the queue",
        "{label}: en espera, puesto {position} de la cola",
    ),
    "sidebar.job_running": (
        "{label}: epoch {epoch} of {epochs} ({percent} %)",
        "{label}: época {epoch} de {epochs} ({percent} %)",
    ),
    "sidebar.job_starting": ("{label}: {phase}…", "{label}: {phase}…"),
    "sidebar.job_done": ("{label}: {state}", "{label}: {state}"),
    "sidebar.open_train": ("See it on Train", "Verlo en Entrenar"),
    # Job states and phases
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
    "phase.training": ("training", "entrenando"),
    "phase.evaluating": ("evaluating", "evaluando"),
    "phase.saving": ("saving the run", "guardando la ejecución"),
    "phase.extracting features": (
        "computing the backbone's features",
        "calculando las características de la red preentrenada",
    ),
    # Datasets
    "dataset.procedural": ("Shapes and patterns (procedural)", "Formas y patrones (procedural)"),
    "dataset.procedural.desc": (
        "6 classes of coloured shapes and stripes drawn on the fly: no download, learns in seconds.",
        "6 clases de formas y rayas de colores generadas al momento: sin descargas, aprende en segundos.",
    ),
    "dataset.cifar100_25": ("CIFAR-100, first 25 classes", "CIFAR-100, primeras 25 clases"),
    "dataset.cifar100_25.desc": (
        "The assignment's dataset: 12,500 training and 2,500 test photos, 32×32.",
        "El conjunto de la práctica: 12.500 fotos de entrenamiento y 2.500 de test, 32×32.",
    ),
    "dataset.cifar10": ("CIFAR-10", "CIFAR-10"),
    "dataset.cifar10.desc": (
        "10 classes (airplane … truck): 50,000 training and 10,000 test photos, 32×32.",
        "10 clases (avión … camión): 50.000 fotos de entrenamiento y 10.000 de test, 32×32.",
    ),
    "dataset.folder": ("Your images (folder or .zip)", "Tus imágenes (carpeta o .zip)"),
    "dataset.folder.desc": (
        "One subfolder per class, or train/ and test/ folders of class subfolders.",
        "Una subcarpeta por clase, o carpetas train/ y test/ con una subcarpeta por clase.",
    ),
    "dataset.cub200": (
        "Caltech-UCSD Birds 200 (CUB-200, 2010)",
        "Caltech-UCSD Birds 200 (CUB-200, 2010)",
    ),
    "dataset.cub200.desc": (
        "The assignment's birds (section 4): 200 species, 3,000 training and 3,033 test photos. Give images.tgz and lists.tgz (or their folder), or leave the path empty to download them.",
        "Los pájaros de la práctica (sección 4): 200 especies, 3.000 fotos de entrenamiento y 3.033 de test. Indica images.tgz y lists.tgz (o su carpeta), o deja la ruta vacía para descargarlos.",
    ),
    "dataset.cub200_2011": ("Caltech-UCSD Birds 200-2011", "Caltech-UCSD Birds 200-2011"),
    "dataset.cub200_2011.desc": (
        "200 species, 5,994 training and 5,794 test photos: CUB_200_2011.tgz or its folder, or leave the path empty to download it.",
        "200 especies, 5.994 fotos de entrenamiento y 5.794 de test: CUB_200_2011.tgz o su carpeta, o deja la ruta vacía para descargarlo.",
    ),
    # Data page
    "data.dataset": ("Dataset", "Conjunto de datos"),
    "data.folder_source": ("Where are the images?", "¿Dónde están las imágenes?"),
    "data.folder_upload": ("Upload a .zip", "Subir un .zip"),
    "data.folder_server": ("A folder on the server", "Una carpeta del servidor"),
    "data.image_size": ("Image size (pixels)", "Tamaño de imagen (píxeles)"),
    "data.image_size_help": (
        "Every image is resized to this height and width.",
        "Cada imagen se redimensiona a este alto y ancho.",
    ),
    "data.more_classes": (
        "The first {shown} of {count} classes.",
        "Las {shown} primeras de {count} clases.",
    ),
    "data.birds_path": (
        "Folder or archive on the server (optional)",
        "Carpeta o archivo del servidor (opcional)",
    ),
    "data.birds_path_help": (
        "The downloaded archives (.tgz) or their extracted folder. Empty: they are looked for, or downloaded, in the app's data folder.",
        "Los archivos descargados (.tgz) o su carpeta extraída. Vacía: se buscan, o se descargan, en la carpeta de datos de la app.",
    ),
    "data.birds_size_help": (
        "Photos are resized to this height and width; the pretrained networks see 224×224.",
        "Las fotos se redimensionan a este alto y ancho; las redes preentrenadas ven 224×224.",
    ),
    "data.upload_zip": (
        "Dataset .zip (one folder per class)",
        "Archivo .zip (una carpeta por clase)",
    ),
    "data.saving_upload": ("Saving {name}…", "Guardando {name}…"),
    "data.server_path": ("Folder or .zip on the server", "Carpeta o .zip del servidor"),
    "data.server_test_path": (
        "Separate test folder (optional)",
        "Carpeta de test aparte (opcional)",
    ),
    "data.server_test_path_help": (
        "Leave empty when the folder has train/ and test/ inside, or has no test split.",
        "Déjalo vacío si la carpeta contiene train/ y test/, o si no tiene test.",
    ),
    "data.need_folder": (
        "Choose a .zip or a folder to continue.",
        "Elige un .zip o una carpeta para continuar.",
    ),
    "data.use_limit": (
        "Use only part of the training images (quick try)",
        "Usar solo parte de las imágenes de entrenamiento (prueba rápida)",
    ),
    "data.use_limit_help": (
        "A class-balanced subset; the test images are capped at a quarter of it.",
        "Un subconjunto equilibrado por clases; las de test se limitan a la cuarta parte.",
    ),
    "data.limit": ("Training images", "Imágenes de entrenamiento"),
    "data.load_hint": (
        "This dataset may take a while to load the first time.",
        "Este conjunto puede tardar en cargarse la primera vez.",
    ),
    "data.load": ("Load the dataset", "Cargar el conjunto"),
    "data.loading": ("Loading the dataset…", "Cargando el conjunto…"),
    "data.unavailable": (
        "This dataset is not available here. {error}",
        "Este conjunto no está disponible aquí. {error}",
    ),
    "data.load_failed": (
        "The dataset could not be loaded: {error}",
        "No se pudo cargar el conjunto: {error}",
    ),
    "data.classes": ("Classes", "Clases"),
    "data.train_images": ("Training images", "Imágenes de entrenamiento"),
    "data.val_images": ("Validation ({percent} %)", "Validación ({percent} %)"),
    "data.test_images": ("Test images", "Imágenes de test"),
    "data.source": ("Source: {source}", "Origen: {source}"),
    "data.skipped": (
        "Files left out because they are not images (or could not be decoded): {count}.",
        "Archivos descartados por no ser imágenes (o no poderse leer): {count}.",
    ),
    "data.empty_classes": (
        "Classes without any usable image, left out: {names}",
        "Clases sin ninguna imagen válida, descartadas: {names}",
    ),
    "data.tab_samples": ("Samples per class", "Ejemplos por clase"),
    "data.tab_counts": ("Class counts", "Imágenes por clase"),
    "data.tab_pixels": ("Pixel histograms", "Histogramas de píxeles"),
    "data.tab_augment": ("Augmentation", "Aumento de datos"),
    "data.preview_image": ("Training image number", "Número de imagen de entrenamiento"),
    "data.preview_live": ("Live preview", "Vista previa en directo"),
    "data.preview_help": (
        "Runs Keras's augmentation layers on the image (the first time loads TensorFlow: a few seconds).",
        "Aplica las capas de aumento de Keras a la imagen (la primera vez carga TensorFlow: unos segundos).",
    ),
    "data.preview_off": (
        "Turn on the live preview to see this image augmented 8 times.",
        "Activa la vista previa para ver esta imagen aumentada 8 veces.",
    ),
    "data.no_augmentation": (
        "No augmentation chosen: training sees the image as it is.",
        "Sin aumento de datos: el entrenamiento ve la imagen tal cual.",
    ),
    "data.original": ("Original", "Original"),
    "data.augmenting": ("Augmenting…", "Aumentando…"),
    "data.augmented_caption": (
        "The same image, 8 random draws of: {settings}",
        "La misma imagen, 8 sorteos al azar de: {settings}",
    ),
    # Preprocessing
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
    # Training settings
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
    # Layer fields (Keras's argument names stay visible)
    "field.filters": ("filters", "filtros (filters)"),
    "field.filters.help": (
        "Output channels: how many patterns the layer learns.",
        "Canales de salida: cuántos patrones aprende la capa.",
    ),
    "field.kernel_size": ("kernel_size", "tamaño del kernel (kernel_size)"),
    "field.kernel_size.help": (
        "Height and width of the kernel (type 3x5 for a rectangle).",
        "Alto y ancho del kernel (escribe 3x5 para un rectángulo).",
    ),
    "field.strides": ("strides", "paso (strides)"),
    "field.strides.help": (
        "Step of the window; empty means the window's size.",
        "Paso de la ventana; vacío significa el tamaño de la ventana.",
    ),
    "field.padding": ("padding", "relleno (padding)"),
    "field.padding.help": (
        "'same' keeps the size; 'valid' shrinks it.",
        "'same' conserva el tamaño; 'valid' lo reduce.",
    ),
    "field.activation": ("activation", "activación (activation)"),
    "field.activation.help": (
        "Applied after the layer ('linear' means none).",
        "Se aplica tras la capa ('linear' significa ninguna).",
    ),
    "field.pool_size": ("pool_size", "ventana (pool_size)"),
    "field.pool_size.help": (
        "Window size: 2 halves height and width.",
        "Tamaño de la ventana: 2 divide alto y ancho entre dos.",
    ),
    "field.units": ("units", "neuronas (units)"),
    "field.units.help": (
        "Output size of the fully connected layer.",
        "Tamaño de salida de la capa densa.",
    ),
    "field.rate": ("rate", "tasa (rate)"),
    "field.rate.help": (
        "Fraction of values set to 0 while training, in [0, 1).",
        "Fracción de valores puestos a 0 al entrenar, en [0, 1).",
    ),
    "field.same_as_pool": ("= pool_size", "= pool_size"),
    "field.name": ("backbone (name)", "red preentrenada (name)"),
    "field.name.help": (
        "ResNet50 is the assignment's; MobileNetV2 is smaller and several times faster on a laptop CPU.",
        "ResNet50 es la de la práctica; MobileNetV2 es más pequeña y varias veces más rápida en la CPU de un portátil.",
    ),
    "field.weights": ("weights", "pesos (weights)"),
    "field.weights.help": (
        "'imagenet': pretrained (downloaded on first use, or from CNNAPP_WEIGHTS_DIR); None: random.",
        "'imagenet': preentrenados (se descargan la primera vez, o de CNNAPP_WEIGHTS_DIR); None: aleatorios.",
    ),
    "field.trainable": ("trainable", "entrenable (trainable)"),
    "field.trainable.help": (
        "Off: a frozen feature extractor (its features are computed once). On: fine-tuning of the whole network, batch norm kept in inference mode.",
        "Apagado: extractor de características congelado (se calculan una vez). Encendido: ajuste fino de toda la red, con la batch norm en modo inferencia.",
    ),
    "field.trainable_blocks": ("trainable_blocks", "bloques entrenables (trainable_blocks)"),
    "field.trainable_blocks.help": (
        "With trainable on: only the top N blocks learn; empty: all of them.",
        "Con entrenable: solo aprenden los N bloques superiores; vacío: todos.",
    ),
    "field.all": ("all", "todos"),
    "field.none": ("None", "None"),
    "field.pooling": ("pooling", "agrupación (pooling)"),
    "field.pooling.help": (
        "How the last feature map becomes one vector: 'avg' (the assignment's) or 'max'.",
        "Cómo el último mapa de características se convierte en un vector: 'avg' (la de la práctica) o 'max'.",
    ),
    "field.input_size": ("input_size", "tamaño de entrada (input_size)"),
    "field.input_size.help": (
        "Images are resized to this inside the model (224 for ImageNet's networks).",
        "Las imágenes se redimensionan a este tamaño dentro del modelo (224 para las redes de ImageNet).",
    ),
    "layer.batchnormalization": (
        "Normalises each channel over the batch; learns a scale and a shift.",
        "Normaliza cada canal sobre el lote; aprende una escala y un desplazamiento.",
    ),
    "layer.flatten": (
        "Turns the height×width×channels tensor into one vector.",
        "Convierte el tensor alto×ancho×canales en un vector.",
    ),
    "layer.globalaveragepooling2d": (
        "Averages each channel over the whole image.",
        "Promedia cada canal sobre toda la imagen.",
    ),
    # Layer table (as the assignment's tables)
    "table.number": ("Layer", "Capa"),
    "table.type": ("Type", "Tipo"),
    "table.kernel_size": ("Kernel size", "Tamaño kernel"),
    "table.input_size": ("Input size", "Tamaño entrada"),
    "table.output_size": ("Output size", "Tamaño salida"),
    "table.input_channels": ("Input channels", "Canales entrada"),
    "table.output_channels": ("Output channels", "Canales salida"),
    "table.dropout_rate": ("Dropout rate", "Tasa dropout"),
    "table.params": ("Parameters", "Parámetros"),
    # Build page
    "build.shape_caption": (
        "For images of {shape} and {classes} classes (the chosen dataset).",
        "Para imágenes de {shape} y {classes} clases (el conjunto elegido).",
    ),
    "build.shape_assumed": (
        "For images of {shape}; {classes} classes assumed until the dataset is loaded on Data.",
        "Para imágenes de {shape}; se suponen {classes} clases hasta cargar el conjunto en Datos.",
    ),
    "build.preset": ("Start from a network of the assignment", "Parte de una red de la práctica"),
    "build.preset_help": (
        "Choosing one replaces the layers below.",
        "Elegir una reemplaza las capas de abajo.",
    ),
    "build.custom": ("Custom (your own layers)", "Personalizada (tus capas)"),
    "build.preset_caption": ("Section {section}.", "Sección {section}."),
    "build.load_json": ("Load a network saved as JSON", "Cargar una red guardada en JSON"),
    "build.load_failed": (
        "{name} is not a network this app can use: {error}",
        "{name} no es una red que esta aplicación pueda usar: {error}",
    ),
    "build.layers": ("Layers", "Capas"),
    "build.table": ("Layer table", "Tabla de capas"),
    "build.empty": (
        "No layers yet: add one below, or pick a preset.",
        "Aún no hay capas: añade una abajo o elige una red.",
    ),
    "build.add_type": ("Layer type", "Tipo de capa"),
    "build.add_position": ("Position", "Posición"),
    "build.add": ("Add layer", "Añadir capa"),
    "build.move_up": ("Move up", "Subir"),
    "build.move_down": ("Move down", "Bajar"),
    "build.remove": ("Remove", "Quitar"),
    "build.invalid": ("This network is impossible: {error}", "Esta red es imposible: {error}"),
    "build.cannot_train": (
        "It cannot be trained until this is fixed.",
        "No se puede entrenar hasta corregirlo.",
    ),
    "build.total_params": ("Parameters", "Parámetros"),
    "build.trainable": ("Trainable", "Entrenables"),
    "build.non_trainable": ("Non-trainable", "No entrenables"),
    "build.save_json": ("Save the network (JSON)", "Guardar la red (JSON)"),
    "build.keras_code": ("The same network in Keras code", "La misma red en código Keras"),
    "build.go_train": ("Train this network", "Entrenar esta red"),
    # Train page
    "train.custom_network": ("Custom network", "Red personalizada"),
    "train.invalid_network": (
        "The network cannot be trained: {error}",
        "La red no se puede entrenar: {error}",
    ),
    "train.fix_in_build": ("Fix it on Build", "Corrígela en Construir"),
    "train.what": (
        "**{network}** ({params} parameters) on **{dataset}**{limit}",
        "**{network}** ({params} parámetros) con **{dataset}**{limit}",
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
    "train.phase": ("{phase}… {message}", "{phase}… {message}"),
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
        "Validation figures are from the restored best epoch, {epoch}.",
        "Las cifras de validación son de la mejor época restaurada, la {epoch}.",
    ),
    "train.saved_as": ("Saved as run {run_id}.", "Guardado como ejecución {run_id}."),
    "train.go_compare": ("Compare it with other runs", "Compárala con otras ejecuciones"),
    # Result columns
    "col.train_loss": ("Train loss", "Loss train"),
    "col.train_accuracy": ("Train accuracy", "Accuracy train"),
    "col.val_loss": ("Validation loss", "Loss validación"),
    "col.val_accuracy": ("Validation accuracy", "Accuracy validación"),
    "col.test_accuracy": ("Test accuracy", "Accuracy test"),
    # Report (exports and the Compare table)
    "report.col.label": ("Run", "Ejecución"),
    "report.col.dataset": ("Dataset", "Conjunto"),
    "report.col.network": ("Network", "Red"),
    "report.col.preprocessing": ("Preprocessing", "Preprocesado"),
    "report.col.epochs": ("Epochs", "Épocas"),
    "report.col.time_s": ("Time (s)", "Tiempo (s)"),
    "report.col.train_loss": ("Train loss", "Loss train"),
    "report.col.train_accuracy": ("Train acc.", "Acc. train"),
    "report.col.val_loss": ("Val. loss", "Loss val."),
    "report.col.val_accuracy": ("Val. acc.", "Acc. val."),
    "report.col.test_accuracy": ("Test acc.", "Acc. test"),
    "report.col.gap": ("Train − val. acc.", "Acc. train − val."),
    "report.caption": (
        "Loss and accuracy of each run on each set.",
        "Valores de loss y accuracy de cada ejecución en cada conjunto.",
    ),
    # Compare page
    "compare.none": (
        "No saved runs yet: train one first.",
        "Aún no hay ejecuciones guardadas: entrena una primero.",
    ),
    "compare.go_train": ("Go to Train", "Ir a Entrenar"),
    "compare.whose": ("Whose", "De quién"),
    "compare.yours": ("yours", "tuya"),
    "compare.cli": ("command line (read-only)", "línea de órdenes (solo lectura)"),
    "compare.table_caption": (
        "Click a column title to sort. Train − val. acc. is the over-fitting gap.",
        "Pulsa un título de columna para ordenar. Acc. train − val. mide el sobreajuste.",
    ),
    "compare.export_csv": ("Export CSV", "Exportar CSV"),
    "compare.export_markdown": ("Export Markdown", "Exportar Markdown"),
    "compare.export_latex": ("Export LaTeX", "Exportar LaTeX"),
    "compare.damaged": (
        "{count} damaged runs (cannot be read)",
        "{count} ejecuciones dañadas (no se pueden leer)",
    ),
    "compare.delete": ("Delete", "Borrar"),
    "compare.confirm_delete": ("Yes, delete this run", "Sí, borrar esta ejecución"),
    "compare.read_only": (
        "Made on the command line: read-only here.",
        "Hecha desde la línea de órdenes: aquí es de solo lectura.",
    ),
    "compare.curves": ("Curves of several runs", "Curvas de varias ejecuciones"),
    "compare.overlay_pick": ("Runs to overlay", "Ejecuciones a superponer"),
    "compare.no_curves": (
        "These runs have no training history.",
        "Estas ejecuciones no tienen historial de entrenamiento.",
    ),
    "compare.one_run": ("One run in detail", "Una ejecución en detalle"),
    "compare.pick_run": ("Run", "Ejecución"),
    "compare.no_detail": (
        "This run has no per-class results (no test images).",
        "Esta ejecución no tiene resultados por clase (sin imágenes de test).",
    ),
    "compare.show_mistakes": (
        "Show misclassified test images",
        "Mostrar imágenes de test mal clasificadas",
    ),
    "compare.mistake": ("{true} → {pred} ({confidence:.2f})", "{true} → {pred} ({confidence:.2f})"),
    "compare.mistakes_caption": (
        "Most confident mistakes first ({count} shown): true class → predicted (confidence).",
        "Primero los errores más seguros ({count} mostrados): clase real → predicha (confianza).",
    ),
    "compare.train_again": ("Train again with a change", "Entrenar de nuevo con un cambio"),
    "compare.train_again_help": (
        "Loads this run's network, dataset and settings into Train.",
        "Carga la red, el conjunto y los ajustes de esta ejecución en Entrenar.",
    ),
    "compare.again_label": ("{label} (again)", "{label} (otra vez)"),
    "chart.svg": ("SVG", "SVG"),
    "compare.download_model": ("Download model (.keras)", "Descargar modelo (.keras)"),
    "compare.download_spec": ("Download network (JSON)", "Descargar red (JSON)"),
    "compare.run_caption": (
        "{network} on {dataset} · preprocessing: {preprocessing} · {epochs} epochs · {optimizer}, lr {lr} · {device}",
        "{network} con {dataset} · preprocesado: {preprocessing} · {epochs} épocas · {optimizer}, lr {lr} · {device}",
    ),
    # Reproduce page
    "repro.intro": (
        "Each row of a table is a recipe: the assignment's network, preprocessing and settings. Run a table and our figures fill in beside the assignment's as each job finishes; rows with the same network start from the same weights.",
        "Cada fila de una tabla es una receta: la red, el preprocesado y los ajustes de la práctica. Ejecuta una tabla y nuestras cifras aparecen junto a las de la práctica según termina cada trabajo; las filas con la misma red parten de los mismos pesos.",
    ),
    "repro.table": ("Table", "Tabla"),
    "repro.section": (
        "Section {section} of the assignment · rows: {rows}",
        "Sección {section} de la práctica · filas: {rows}",
    ),
    "repro.scale_title": ("Scale down for class", "Reducir para clase"),
    "repro.scale_caption": (
        "The full recipes train for 20–40 epochs on 12,500 CIFAR images each. These options make a table finish in minutes; the figures will then differ from the assignment's.",
        "Las recetas completas entrenan 20–40 épocas con 12.500 imágenes de CIFAR cada una. Estas opciones hacen que una tabla termine en minutos; entonces las cifras serán distintas de las de la práctica.",
    ),
    "repro.scale_epochs": ("Fewer epochs", "Menos épocas"),
    "repro.epochs": ("Epochs per row", "Épocas por fila"),
    "repro.scale_limit": ("Fewer training images", "Menos imágenes de entrenamiento"),
    "repro.limit": ("Training images per row", "Imágenes de entrenamiento por fila"),
    "repro.scale_procedural": (
        "Procedural dataset instead of CIFAR (offline demo)",
        "Conjunto procedural en vez de CIFAR (demo sin conexión)",
    ),
    "repro.scaled_warning": (
        "Scaled down: expect different figures from the assignment's.",
        "Reducido: espera cifras distintas de las de la práctica.",
    ),
    "repro.run": ("Run the table (one job per row)", "Ejecutar la tabla (un trabajo por fila)"),
    "repro.stop": ("Stop the table", "Detener la tabla"),
    "repro.already_running": (
        "This table's jobs are still running.",
        "Los trabajos de esta tabla siguen en marcha.",
    ),
    "repro.results": (
        "The assignment's figures and ours",
        "Las cifras de la práctica y las nuestras",
    ),
    "repro.col.row": ("Modification", "Modificación"),
    "repro.col.network": ("Network", "Red"),
    "repro.col.preprocessing": ("Preprocessing", "Preprocesado"),
    "repro.col.epochs": ("Epochs", "Épocas"),
    "repro.col.state": ("Ours", "Nuestra"),
    "repro.early": (
        "up to {epochs}, early stopping (patience {patience})",
        "hasta {epochs}, parada temprana (paciencia {patience})",
    ),
    "repro.theirs": ("{metric} (assignment)", "{metric} (práctica)"),
    "repro.ours": ("{metric} (ours)", "{metric} (nuestra)"),
    "repro.theirs_epochs": ("Epochs (assignment)", "Épocas (práctica)"),
    "repro.ours_epochs": ("Epochs (ours)", "Épocas (nuestra)"),
    "repro.running": ("training, {percent} %", "entrenando, {percent} %"),
    "repro.queued": ("queued, place {position}", "en cola, puesto {position}"),
    "repro.saved": ("from a saved run", "de una ejecución guardada"),
    "repro.saved_scaled": ("from a saved, scaled-down run", "de una ejecución guardada y reducida"),
    "repro.not_run": ("not run yet", "aún sin ejecutar"),
    # Classify page
    "classify.no_models": (
        "No saved models yet: train one first.",
        "Aún no hay modelos guardados: entrena uno primero.",
    ),
    "classify.model": (
        "Model (a saved run, or a network pretrained on ImageNet)",
        "Modelo (una ejecución guardada, o una red preentrenada en ImageNet)",
    ),
    "classify.upload": ("Photo (JPEG, PNG, BMP, WebP or GIF)", "Foto (JPEG, PNG, BMP, WebP o GIF)"),
    "classify.use_camera": ("Use the webcam", "Usar la webcam"),
    "classify.camera": ("Take a photo", "Haz una foto"),
    "classify.hint": (
        "Upload a photo to see what the model says (it knows {count} classes).",
        "Sube una foto para ver qué dice el modelo (conoce {count} clases).",
    ),
    "classify.loading_model": ("Loading the model…", "Cargando el modelo…"),
    "classify.bad_image": (
        "This file cannot be used: {error}",
        "No se puede usar este archivo: {error}",
    ),
    "classify.model_failed": (
        "The model could not be used: {error}",
        "No se pudo usar el modelo: {error}",
    ),
    "classify.original": ("Your photo", "Tu foto"),
    "classify.as_seen": (
        "As the model sees it: {size} pixels",
        "Como la ve el modelo: {size} píxeles",
    ),
    "classify.only_knows": (
        "This model can only answer with one of its {count} classes: {classes}. If your photo shows something else, it still picks one of them: it cannot know the object.",
        "Este modelo solo puede responder con una de sus {count} clases: {classes}. Si tu foto muestra otra cosa, igualmente elige una de ellas: no puede conocer el objeto.",
    ),
    "classify.unsure": (
        "The model is unsure: no class reaches a probability of 0.5.",
        "El modelo duda: ninguna clase llega a probabilidad 0,5.",
    ),
    "classify.no_runs": (
        "No saved runs yet: networks pretrained on ImageNet are ready to use, or train your own.",
        "Aún no hay ejecuciones guardadas: las redes preentrenadas en ImageNet están listas, o entrena la tuya.",
    ),
    "classify.imagenet": (
        "{network} pretrained on ImageNet (1000 classes, 59 of them birds)",
        "{network} preentrenada en ImageNet (1000 clases, 59 de ellas pájaros)",
    ),
    "classify.imagenet_knows": (
        "This network knows ImageNet's 1000 classes of everyday objects and animals, 59 of them birds. For bird species of Caltech-UCSD Birds, fine-tune a network on them (the ResNet50 presets on Build).",
        "Esta red conoce las 1000 clases de ImageNet, objetos y animales cotidianos, 59 de ellas pájaros. Para especies de Caltech-UCSD Birds, ajusta una red con ellas (las redes ResNet50 de Construir).",
    ),
    "classify.is_bird": (
        "Its top class, {label}, is one of ImageNet's bird species.",
        "Su clase más probable, {label}, es una de las especies de pájaros de ImageNet.",
    ),
    "classify.not_bird": (
        "Its top class, {label}, is not a bird.",
        "Su clase más probable, {label}, no es un pájaro.",
    ),
    "classify.inside": ("Inside the network", "Dentro de la red"),
    "classify.tab_gradcam": ("Where it looked (Grad-CAM)", "Dónde miró (Grad-CAM)"),
    "classify.tab_maps": ("Feature maps", "Mapas de características"),
    "classify.tab_filters": ("First-layer filters", "Filtros de la primera capa"),
    "classify.gradcam_caption": (
        "Grad-CAM of {label} ({probability:.0%}): red areas raised this class the most (layer {layer}).",
        "Grad-CAM de {label} ({probability:.0%}): las zonas rojas son las que más subieron esta clase (capa {layer}).",
    ),
    "classify.maps_caption": (
        "{layer}: {channels} channels of {size} (the first {shown}); bright = strong response.",
        "{layer}: {channels} canales de {size} (los {shown} primeros); claro = respuesta fuerte.",
    ),
    "classify.filters_caption": (
        "The {count} kernels the first convolution learned, each stretched to the full colour range.",
        "Los {count} kernels que aprendió la primera convolución, cada uno estirado a todo el rango de color.",
    ),
    "classify.explain_failed": ("{error}", "{error}"),
    # Charts
    "chart.metric.loss": ("Loss", "Loss"),
    "chart.metric.accuracy": ("Accuracy", "Accuracy"),
    "chart.metric.train_loss": ("Train loss", "Loss train"),
    "chart.metric.train_accuracy": ("Train accuracy", "Accuracy train"),
    "chart.metric.val_loss": ("Validation loss", "Loss validación"),
    "chart.metric.val_accuracy": ("Validation accuracy", "Accuracy validación"),
    "chart.metric.test_accuracy": ("Test accuracy", "Accuracy test"),
    "chart.split.train": ("Train", "Entrenamiento"),
    "chart.split.validation": ("Validation", "Validación"),
    "chart.split.test": ("Test", "Test"),
    "chart.within_epoch": (" (within epoch)", " (dentro de la época)"),
    "chart.best_epoch": ("best epoch", "mejor época"),
    "chart.source.assignment": ("Assignment", "Práctica"),
    "chart.source.ours": ("Ours", "Nuestra"),
    "chart.stage.raw": ("Raw pixels (÷ 255)", "Píxeles originales (÷ 255)"),
    "chart.stage.normalized": ("After normalisation", "Tras normalizar"),
    "chart.axis.epoch": ("Epoch", "Época"),
    "chart.axis.series": ("Series", "Serie"),
    "chart.axis.run": ("Run", "Ejecución"),
    "chart.axis.split": ("Set", "Conjunto"),
    "chart.axis.class": ("Class", "Clase"),
    "chart.axis.test_accuracy": ("Test accuracy", "Accuracy test"),
    "chart.axis.predicted": ("Predicted class", "Clase predicha"),
    "chart.axis.true": ("True class", "Clase real"),
    "chart.axis.share": ("Share of the class", "Fracción de la clase"),
    "chart.axis.probability": ("Probability", "Probabilidad"),
    "chart.axis.images": ("Images", "Imágenes"),
    "chart.axis.pixel_raw": ("Pixel value (0–1)", "Valor del píxel (0–1)"),
    "chart.axis.pixel_normalized": ("Normalised value", "Valor normalizado"),
    "chart.axis.share_pixels": ("Share of pixels", "Fracción de píxeles"),
    "chart.axis.channel": ("Channel", "Canal"),
    "chart.summary.no_epochs": ("No points yet.", "Aún no hay puntos."),
    "chart.summary.batch_so_far": (
        "First epoch running: last batch {metric} {value:.3f}.",
        "Primera época en curso: {metric} del último lote {value:.3f}.",
    ),
    "chart.summary.peaked": (
        "{split} {metric} peaked at {value:.2f} in epoch {epoch}",
        "la {metric} de {split} alcanzó su máximo, {value:.2f}, en la época {epoch}",
    ),
    "chart.summary.lowest": (
        "{split} {metric} was lowest, {value:.3f}, in epoch {epoch}",
        "la {metric} de {split} fue mínima, {value:.3f}, en la época {epoch}",
    ),
    "chart.summary.no_runs": ("No curves to compare.", "No hay curvas que comparar."),
    "chart.summary.best_run": (
        "Best {split} {metric}: {run}, {value:.3f} in epoch {epoch}",
        "Mejor {metric} de {split}: {run}, {value:.3f} en la época {epoch}",
    ),
    "chart.summary.no_classes": ("No classes to show.", "No hay clases que mostrar."),
    "chart.summary.per_class": (
        "Best class: {best} ({best_value:.2f}); worst: {worst} ({worst_value:.2f})",
        "Mejor clase: {best} ({best_value:.2f}); peor: {worst} ({worst_value:.2f})",
    ),
    "chart.summary.no_confusion": (
        "No mistakes on the test images.",
        "Ningún error en las imágenes de test.",
    ),
    "chart.summary.confusion": (
        "Most frequent mistake: {true} taken for {pred} ({count} times)",
        "Error más frecuente: {true} tomada por {pred} ({count} veces)",
    ),
    "chart.summary.no_prediction": ("No prediction.", "Sin predicción."),
    "chart.summary.top_k": (
        "The model says {label} with probability {value:.2f} (next: {next}, {next_value:.2f})",
        "El modelo dice {label} con probabilidad {value:.2f} (después: {next}, {next_value:.2f})",
    ),
    "chart.summary.top_1": (
        "The model says {label} with probability {value:.2f}",
        "El modelo dice {label} con probabilidad {value:.2f}",
    ),
    "chart.summary.class_counts": (
        "{classes} classes; {low}–{high} training images per class",
        "{classes} clases; {low}–{high} imágenes de entrenamiento por clase",
    ),
    "chart.summary.no_pixels": ("No pixels to show.", "No hay píxeles que mostrar."),
    "chart.summary.pixels": (
        "Raw pixels: mean {raw_mean:.2f}, std {raw_std:.2f}; normalised: mean {norm_mean:.2f}, std {norm_std:.2f}",
        "Píxeles originales: media {raw_mean:.2f}, desviación {raw_std:.2f}; normalizados: media {norm_mean:.2f}, desviación {norm_std:.2f}",
    ),
    "chart.summary.reproduce_none": (
        "No row has finished yet.",
        "Aún no ha terminado ninguna fila.",
    ),
    "chart.summary.reproduce": (
        "{done} of {total} rows done; our {metric} differs from the assignment's by {mean:.3f} on average (at most {largest:.3f})",
        "{done} de {total} filas hechas; nuestra {metric} difiere de la de la práctica en {mean:.3f} de media (como mucho {largest:.3f})",
    ),
}

STRINGS: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in TEXTS.items()} for i, lang in enumerate(LANGUAGES)
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The text `key` in language `lang`, with `values` filled in.

    Args:
        key: a key of `TEXTS`, e.g. "nav.train".
        lang: "en" or "es"; anything else falls back to English.
        **values: placeholders of the text, e.g. `epoch=3`.

    Returns:
        The text. An unknown key is returned as itself, so a typo shows on screen instead of
        crashing a page (and `tests/test_i18n.py` finds it).
    """
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    text = table.get(key)
    if text is None:
        return key
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def language_name(lang: str) -> str:
    """ "English" or "Español"."""
    return LANGUAGES.get(lang, lang)
