"""Engine messages (`cnnapp.messages`): network errors, settings errors, dataset origins."""

TEXTS = {
    # Where in a network
    "msg.where.layer": ("layer {n} ({label})", "capa {n} ({label})"),
    "msg.where.Layer": ("Layer {n} ({label})", "Capa {n} ({label})"),
    # Impossible networks (cnnapp.nets)
    "msg.net.number": (
        "{where}: {name} must be a number, got {value}.",
        "{where}: {name} debe ser un número; se recibió {value}.",
    ),
    "msg.net.whole": (
        "{where}: {name} must be a whole number, got {value}.",
        "{where}: {name} debe ser un número entero; se recibió {value}.",
    ),
    "msg.net.rate": (
        "{where}: dropout rate must be in [0, 1) (a fraction of values dropped), got {value}. "
        "Use 0.25 or 0.5, as the assignment does.",
        "{where}: la tasa de dropout debe estar en [0, 1) (la fracción de valores que se "
        "descartan); se recibió {value}. Usa 0,25 o 0,5, como la práctica.",
    ),
    "msg.net.at_least": (
        "{where}: {name} must be at least {minimum:g}, got {value}.",
        "{where}: {name} debe ser al menos {minimum:g}; se recibió {value}.",
    ),
    "msg.net.at_least_filters": (
        "{where}: {name} must be at least {minimum:g}, got {value}. A Conv2D needs at least 1 "
        "filter (32 is common).",
        "{where}: {name} debe ser al menos {minimum:g}; se recibió {value}. Una Conv2D necesita "
        "al menos 1 filtro (32 es lo habitual).",
    ),
    "msg.net.at_most": (
        "{where}: {name} must be at most {maximum:g}, got {value}.",
        "{where}: {name} debe ser como mucho {maximum:g}; se recibió {value}.",
    ),
    "msg.net.bool": (
        "{where}: {name} must be true or false, got {value}.",
        "{where}: {name} debe ser verdadero o falso; se recibió {value}.",
    ),
    "msg.net.choice": (
        "{where}: {name} must be one of {allowed}, got {value}.",
        "{where}: {name} debe ser uno de {allowed}; se recibió {value}.",
    ),
    "msg.net.pair": (
        "{where}: {name} must be one number or a pair [height, width], got {value}.",
        "{where}: {name} debe ser un número o un par [alto, ancho]; se recibió {value}.",
    ),
    "msg.net.not_list": (
        'A network is a list of layers, got {got}. Write it as [{{"type": "conv2d", '
        '"filters": 32}}, ...].',
        'Una red es una lista de capas; se recibió {got}. Escríbela como [{{"type": "conv2d", '
        '"filters": 32}}, ...].',
    ),
    "msg.net.not_dict": (
        "layer {n} must be a dict with a 'type', got {value}.",
        "la capa {n} debe ser un diccionario con un 'type'; se recibió {value}.",
    ),
    "msg.net.unknown_type": (
        "layer {n} has unknown type {value}; expected one of {allowed}.",
        "la capa {n} es de un tipo desconocido, {value}; se esperaba uno de {allowed}.",
    ),
    "msg.net.unknown_settings": (
        "{where} has unknown setting(s) {unknown}; {label} takes {allowed}.",
        "{where} tiene ajustes desconocidos {unknown}; {label} admite {allowed}.",
    ),
    "msg.net.unknown_settings_none": (
        "{where} has unknown setting(s) {unknown}; {label} takes no settings.",
        "{where} tiene ajustes desconocidos {unknown}; {label} no admite ninguno.",
    ),
    "msg.net.input_shape": (
        "input_shape must be three positive numbers (height, width, channels), got {value}.",
        "input_shape debe ser tres números positivos (alto, ancho, canales); se recibió {value}.",
    ),
    "msg.net.num_classes": (
        "num_classes must be a whole number of at least 2, got {value}.",
        "num_classes debe ser un número entero de al menos 2; se recibió {value}.",
    ),
    "msg.net.first_only": (
        "{where} must be the first layer: it takes the images themselves. Move it to the top "
        "of the network.",
        "{where} debe ser la primera capa: recibe las propias imágenes. Súbela al principio de "
        "la red.",
    ),
    "msg.net.spatial_only": (
        "{where} needs an image-shaped input (height, width, channels), but it receives a flat "
        "vector of {n} values (after Flatten or global pooling). Move it before the Flatten "
        "layer.",
        "{where} necesita una entrada con forma de imagen (alto, ancho, canales), pero recibe "
        "un vector plano de {n} valores (tras Flatten o un pooling global). Ponla antes de la "
        "capa Flatten.",
    ),
    "msg.net.too_many_values": (
        "{where} would output {shape} values per image; use fewer filters or units, or add "
        "pooling.",
        "{where} daría {shape} valores por imagen; usa menos filtros o neuronas, o añade pooling.",
    ),
    "msg.net.ends_image": (
        "The network ends with an image-shaped {shape} tensor, but the output layer needs a "
        "flat vector. Add a Flatten or GlobalAveragePooling2D layer at the end.",
        "La red termina con un tensor con forma de imagen, {shape}, pero la capa de salida "
        "necesita un vector plano. Añade una capa Flatten o GlobalAveragePooling2D al final.",
    ),
    "msg.net.too_many_params": (
        "This network would have {params:,} parameters (over {maximum:,}): too big to train "
        "here. Add pooling before Flatten or use fewer units.",
        "Esta red tendría {params:,} parámetros (más de {maximum:,}): demasiado grande para "
        "entrenarla aquí. Añade pooling antes de Flatten o usa menos neuronas.",
    ),
    "msg.net.bad_json": (
        "This file is not valid JSON ({error}); expected a list of layers.",
        "Este archivo no es JSON válido ({error}); se esperaba una lista de capas.",
    ),
    "msg.net.window_conv": (
        "{where}: Conv2D {window} needs at least {window} input, but it receives {got}. Remove "
        "a pooling layer before it, use a smaller {name}, or set padding='same'.",
        "{where}: una Conv2D {window} necesita una entrada de al menos {window}, pero recibe "
        "{got}. Quita una capa de pooling anterior, usa un {name} menor o pon padding='same'.",
    ),
    "msg.net.window_pool": (
        "{where}: pooling window {window} needs at least {window} input, but it receives "
        "{got}. Remove a pooling layer before it, use a smaller {name}, or set padding='same'.",
        "{where}: una ventana de pooling {window} necesita una entrada de al menos {window}, "
        "pero recibe {got}. Quita una capa de pooling anterior, usa un {name} menor o pon "
        "padding='same'.",
    ),
    "msg.net.dense_flat": (
        "{where}: Dense needs a flat vector, but it receives an image-shaped {shape} tensor. "
        "Add a Flatten or GlobalAveragePooling2D layer before it.",
        "{where}: Dense necesita un vector plano, pero recibe un tensor con forma de imagen, "
        "{shape}. Añade antes una capa Flatten o GlobalAveragePooling2D.",
    ),
    "msg.net.backbone_rgb": (
        "{where}: {label} was trained on RGB photos and needs 3 channels, but it receives "
        "{channels}. Use a dataset of colour images.",
        "{where}: {label} se entrenó con fotos RGB y necesita 3 canales, pero recibe "
        "{channels}. Usa un conjunto de imágenes en color.",
    ),
    "msg.net.blocks_frozen": (
        "{where}: trainable_blocks={blocks} only applies to a trainable backbone, but "
        "trainable is false. Set trainable to true, or trainable_blocks to None.",
        "{where}: trainable_blocks={blocks} solo vale para un backbone entrenable, pero "
        "trainable es falso. Pon trainable a verdadero, o trainable_blocks a None.",
    ),
    "msg.net.blocks_max": (
        "{where}: {label} has {count} blocks, so trainable_blocks must be at most {count}, "
        "got {blocks}.",
        "{where}: {label} tiene {count} bloques, así que trainable_blocks debe ser como mucho "
        "{count}; se recibió {blocks}.",
    ),
    # Settings (cnnapp.config)
    "msg.config.unknown": (
        "{owner} got unknown setting(s) {unknown}; expected some of {allowed}.",
        "{owner} recibió ajustes desconocidos {unknown}; se esperaba alguno de {allowed}.",
    ),
    "msg.config.bool": (
        "{owner}.{name} must be true or false, got {value}.",
        "{owner}.{name} debe ser verdadero o falso; se recibió {value}.",
    ),
    "msg.config.whole": (
        "{owner}.{name} must be a whole number, got {value}.",
        "{owner}.{name} debe ser un número entero; se recibió {value}.",
    ),
    "msg.config.number": (
        "{owner}.{name} must be a number, got {value}.",
        "{owner}.{name} debe ser un número; se recibió {value}.",
    ),
    "msg.config.text": (
        "{owner}.{name} must be text, got {value}.",
        "{owner}.{name} debe ser un texto; se recibió {value}.",
    ),
    "msg.config.range": (
        "{owner}.{name} must be between {low:g} and {high:g}, got {value}; {hint}.",
        "{owner}.{name} debe estar entre {low:g} y {high:g}; se recibió {value}; {hint}.",
    ),
    "msg.config.choice": (
        "{owner}.{name} must be one of {allowed}, got {value}.",
        "{owner}.{name} debe ser uno de {allowed}; se recibió {value}.",
    ),
    "msg.config.protocol": (
        "{owner}.protocol must be one of ['ours', 'assignment'], got {value}; 'ours' is the "
        "default, 'assignment' repeats the assignment's choices.",
        "{owner}.protocol debe ser 'ours' o 'assignment'; se recibió {value}; 'ours' es el "
        "valor por defecto, 'assignment' repite las decisiones de la práctica.",
    ),
    "msg.hint.learning_rate": ("0.01 is a good start", "0,01 es un buen comienzo"),
    "msg.hint.momentum": ("use 0.9, or 0 for none", "usa 0,9, o 0 para ninguno"),
    "msg.hint.decay": ("use 1e-6 as the assignment, or 0", "usa 1e-6 como la práctica, o 0"),
    "msg.hint.batch_size": ("32 is the assignment's", "32 es el de la práctica"),
    "msg.hint.epochs": ("20 is the assignment's", "20 es lo de la práctica"),
    "msg.hint.validation_split": ("0.1 keeps 10 % aside", "0,1 aparta el 10 %"),
    "msg.hint.patience": ("4 is the assignment's", "4 es la de la práctica"),
    "msg.hint.seed": ("any whole number from 0 works", "vale cualquier entero desde 0"),
    "msg.hint.zoom_range": ("0.2 is a common choice", "0,2 es lo habitual"),
    "msg.hint.rotation_range": ("try 10 degrees", "prueba con 10 grados"),
    "msg.hint.translation_range": ("try 0.1", "prueba con 0,1"),
    "msg.hint.contrast_range": ("try 0.2", "prueba con 0,2"),
    "msg.hint.warmup_fraction": ("try 0.2", "prueba con 0,2"),
    "msg.hint.weight_decay": ("try 5e-4, or 0", "prueba con 5e-4, o 0"),
    "msg.hint.label_smoothing": ("try 0.1 or 0.2, or 0", "prueba con 0,1 o 0,2, o 0"),
    # Where a dataset came from (cnnapp.data)
    "msg.data.origin.procedural": (
        "Generated on the fly: coloured shapes and patterns (procedural, fixed seed)",
        "Generado al momento: formas y patrones de colores (procedural, semilla fija)",
    ),
    "msg.data.origin.file": ("{title} from {path}", "{title} desde {path}"),
    "msg.data.origin.keras": (
        "{title} downloaded by Keras from {url}",
        "{title} descargado por Keras desde {url}",
    ),
    "msg.data.origin.folder": (
        "{n:,} training images in {classes} class folders from {path}{cached}",
        "{n:,} imágenes de entrenamiento en {classes} carpetas de clase desde {path}{cached}",
    ),
    "msg.data.origin.folder_test": (
        "{n:,} training images in {classes} class folders from {path}, {n_test:,} test images "
        "from {test_path}{cached}",
        "{n:,} imágenes de entrenamiento en {classes} carpetas de clase desde {path}, "
        "{n_test:,} de test desde {test_path}{cached}",
    ),
    "msg.data.origin.birds": (
        "{title}: {n:,} training and {n_test:,} test images of {species} species from "
        "{path}{cached}",
        "{title}: {n:,} imágenes de entrenamiento y {n_test:,} de test de {species} especies "
        "desde {path}{cached}",
    ),
    "msg.data.origin.cached": (
        " (decoded earlier, from the cache)",
        " (decodificadas antes, desde la caché)",
    ),
    # Jobs on a cluster (cnnapp.jobs.ray_board)
    "msg.job.machine_lost": (
        "the machine running it was lost (Ray node {node} left the cluster); the epochs it "
        "finished are kept. Train it again to finish it.",
        "se perdió la máquina que lo ejecutaba (el nodo Ray {node} salió del clúster); se "
        "conservan las épocas que terminó. Vuelve a entrenarlo para terminarlo.",
    ),
    # A job out of memory (cnnapp.jobs.oom)
    "msg.job.gpu_memory": (
        "This network needs more GPU memory than this job's share ({cap:,} MB of {device}): use "
        "a smaller batch size or network, or ask the lecturer to lower CNNAPP_JOBS_PER_GPU.",
        "Esta red necesita más memoria de GPU que la parte de este trabajo ({cap:,} MB de "
        "{device}): usa un tamaño de lote o una red más pequeños, o pide al profesor que baje "
        "CNNAPP_JOBS_PER_GPU.",
    ),
    "msg.job.gpu_memory_whole": (
        "This network needs more memory than {device} has free: use a smaller batch size or "
        "network, or try again when fewer jobs are running.",
        "Esta red necesita más memoria de la que {device} tiene libre: usa un tamaño de lote o "
        "una red más pequeños, o vuelve a intentarlo cuando haya menos trabajos en marcha.",
    ),
    "msg.job.memory": (
        "This network needs more memory than the machine has free: use a smaller batch size, "
        "network or image size.",
        "Esta red necesita más memoria de la que la máquina tiene libre: usa un tamaño de lote, "
        "una red o un tamaño de imagen más pequeños.",
    ),
}
