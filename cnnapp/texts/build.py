"""The Build page: presets, layer widgets and the layer table. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "build.title": ("Build a network", "Construye una red"),
    "field.filters": ("Filters", "Filtros"),
    "field.filters.help": (
        "Output channels: how many patterns the layer learns.",
        "Canales de salida: cuántos patrones aprende la capa.",
    ),
    "field.kernel_size": ("Kernel size", "Tamaño del kernel"),
    "field.kernel_size.help": (
        "Height and width of the kernel (type 3x5 for a rectangle).",
        "Alto y ancho del kernel (escribe 3x5 para un rectángulo).",
    ),
    "field.strides": ("Strides", "Paso"),
    "field.strides.help": (
        "Step of the window; empty means the window's size.",
        "Paso de la ventana; vacío significa el tamaño de la ventana.",
    ),
    "field.padding": ("Padding", "Relleno"),
    "field.padding.help": (
        "'same' keeps the size; 'valid' shrinks it.",
        "'same' conserva el tamaño; 'valid' lo reduce.",
    ),
    "field.activation": ("Activation", "Activación"),
    "field.activation.help": (
        "Applied after the layer ('linear' means none).",
        "Se aplica tras la capa ('linear' significa ninguna).",
    ),
    "field.pool_size": ("Pool size", "Tamaño de la ventana"),
    "field.pool_size.help": (
        "Window size: 2 halves height and width.",
        "Tamaño de la ventana: 2 divide alto y ancho entre dos.",
    ),
    "field.units": ("Units", "Neuronas"),
    "field.units.help": (
        "Output size of the fully connected layer.",
        "Tamaño de salida de la capa densa.",
    ),
    "field.rate": ("Rate", "Tasa"),
    "field.rate.help": (
        "Fraction of values set to 0 while training, in [0, 1).",
        "Fracción de valores puestos a 0 al entrenar, en [0, 1).",
    ),
    "field.same_as_pool": ("= pool size", "= tamaño de la ventana"),
    "field.name": ("Backbone", "Red preentrenada"),
    "field.name.help": (
        "ResNet50 is the assignment's; MobileNetV2 is smaller and several times faster on a laptop CPU.",
        "ResNet50 es la de la práctica; MobileNetV2 es más pequeña y varias veces más rápida en la CPU de un portátil.",
    ),
    "field.weights": ("Weights", "Pesos"),
    "field.weights.help": (
        "'imagenet': pretrained (downloaded on first use, or from CNNAPP_WEIGHTS_DIR); None: random.",
        "'imagenet': preentrenados (se descargan la primera vez, o de CNNAPP_WEIGHTS_DIR); None: aleatorios.",
    ),
    "field.trainable": ("Trainable", "Entrenable"),
    "field.trainable.help": (
        "Off: a frozen feature extractor (its features are computed once). On: fine-tuning of the whole network, batch norm kept in inference mode.",
        "Apagado: extractor de características congelado (se calculan una vez). Encendido: ajuste fino de toda la red, con la batch norm en modo inferencia.",
    ),
    "field.trainable_blocks": ("Trainable blocks", "Bloques entrenables"),
    "field.trainable_blocks.help": (
        "With trainable on: only the top N blocks learn; empty: all of them.",
        "Con entrenable: solo aprenden los N bloques superiores; vacío: todos.",
    ),
    "field.all": ("all", "todos"),
    "field.keras_name": ("Keras argument: `{name}`.", "Argumento de Keras: `{name}`."),
    "field.none": ("None", "None"),
    "field.pooling": ("Pooling", "Agrupación"),
    "field.pooling.help": (
        "How the last feature map becomes one vector: 'avg' (the assignment's) or 'max'.",
        "Cómo el último mapa de características se convierte en un vector: 'avg' (la de la práctica) o 'max'.",
    ),
    "field.input_size": ("Input size", "Tamaño de entrada"),
    "field.input_size.help": (
        "Images are resized to this inside the model (224 for ImageNet's networks).",
        "Las imágenes se redimensionan a este tamaño dentro del modelo (224 para las redes de ImageNet).",
    ),
    "field.use_bias": ("Bias", "Sesgo"),
    "field.use_bias.help": (
        "Adds a learned bias to each filter; not needed before batch norm, which shifts anyway.",
        "Suma un sesgo aprendido a cada filtro; no hace falta antes de batch norm, que ya desplaza.",
    ),
    "field.momentum": ("Momentum", "Momento"),
    "field.momentum.help": (
        "Share of the old running statistics kept at each batch: 0.99 is Keras's; airbench's "
        "PyTorch 0.6 is 0.4 here.",
        "Parte de las estadísticas acumuladas que se conserva en cada lote: 0,99 es la de Keras; "
        "el 0,6 de PyTorch de airbench es 0,4 aquí.",
    ),
    "field.factor": ("Factor", "Factor"),
    "field.factor.help": (
        "Every value is multiplied by it; 1/9 before the output scales the logits as airbench.",
        "Cada valor se multiplica por él; 1/9 antes de la salida escala los logits como airbench.",
    ),
    "field.epsilon": ("Epsilon", "Épsilon"),
    "field.epsilon.help": (
        "Added to each eigenvalue of the patch covariance before its square root: keeps "
        "near-constant directions from being amplified.",
        "Se suma a cada autovalor de la covarianza de los parches antes de su raíz: evita "
        "amplificar las direcciones casi constantes.",
    ),
    "layer.globalmaxpooling2d": (
        "Keeps each channel's largest value over the whole image.",
        "Conserva el mayor valor de cada canal sobre toda la imagen.",
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
    "table.layer": ("Layer", "Capa"),
    "table.type": ("Type", "Tipo"),
    "table.kernel_size": ("Kernel size", "Tamaño kernel"),
    "table.input_size": ("Input size", "Tamaño entrada"),
    "table.output_size": ("Output size", "Tamaño salida"),
    "table.input_channels": ("Input channels", "Canales entrada"),
    "table.output_channels": ("Output channels", "Canales salida"),
    "table.dropout_rate": ("Dropout rate", "Tasa dropout"),
    "table.params": ("Parameters", "Parámetros"),
    # Short column titles (the full title is the column's tooltip): the layer table fits beside
    # the editor on a projector.
    "table.short.layer": ("#", "#"),
    "table.short.kernel_size": ("Kernel", "Kernel"),
    "table.short.input_size": ("In", "Entra"),
    "table.short.output_size": ("Out", "Sale"),
    "table.short.input_channels": ("Ch. in", "Can. ent."),
    "table.short.output_channels": ("Ch. out", "Can. sal."),
    "table.short.dropout_rate": ("Dropout", "Dropout"),
    "table.short.params": ("Params", "Parám."),
    "build.shape_caption": (
        "For images of {shape} and {classes} classes (the chosen dataset).",
        "Para imágenes de {shape} y {classes} clases (el conjunto elegido).",
    ),
    "build.shape_assumed": (
        "For images of {shape}; {classes} classes assumed until the dataset is loaded on Data.",
        "Para imágenes de {shape}; se suponen {classes} clases hasta cargar el conjunto en Datos.",
    ),
    "build.shape_transfer": (
        "Shown for the assignment's birds (Caltech-UCSD Birds, cub200): images of {shape}, "
        "{classes} classes, until you choose a dataset on Data.",
        "Mostrada para los pájaros de la práctica (Caltech-UCSD Birds, cub200): imágenes de "
        "{shape}, {classes} clases, hasta que elijas un conjunto en Datos.",
    ),
    "build.preset": ("Start from a network of the assignment", "Parte de una red de la práctica"),
    "build.preset_help": (
        "Choosing one replaces the layers below.",
        "Elegir una reemplaza las capas de abajo.",
    ),
    "build.custom": ("Custom (your own layers)", "Personalizada (tus capas)"),
    "build.preset_caption": ("Section {section}.", "Sección {section}."),
    "share.button": ("Share link", "Enlace para compartir"),
    "share.help": (
        "A link that opens this network and its settings (dataset, preprocessing, training) "
        "for whoever follows it, as TensorFlow Playground does. It carries no session, run or "
        "file on the server.",
        "Un enlace que abre esta red y su configuración (datos, preprocesado, entrenamiento) "
        "para quien lo siga, como hace TensorFlow Playground. No lleva ninguna sesión, "
        "ejecución ni archivo del servidor.",
    ),
    "share.caption": (
        "Give the class this link: it opens this network and these settings.",
        "Da este enlace a la clase: abre esta red y esta configuración.",
    ),
    "share.ask": (
        "A shared link brings the network **{name}** ({layers} layers) and its settings. "
        "Open it? It replaces the network you are building.",
        "Un enlace compartido trae la red **{name}** ({layers} capas) y su configuración. "
        "¿Abrirla? Sustituye la red que estás construyendo.",
    ),
    "share.replace": ("Open the shared network", "Abrir la red compartida"),
    "share.keep": ("Keep mine", "Quedarme con la mía"),
    "share.unnamed": ("custom network", "red personalizada"),
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
    "build.output_layer": (
        "{number}. Output layer, added by the app: Dense with {classes} units (one per class) and softmax (rows {number} and {number}b of the table).",
        "{number}. Capa de salida, añadida por la aplicación: Dense con {classes} neuronas (una por clase) y softmax (filas {number} y {number}b de la tabla).",
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
}
