"""The Classify page. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "classify.title": ("Classify your own photos", "Clasifica tus fotos"),
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
        "No saved runs yet: train your own, or try a network pretrained on ImageNet.",
        "Aún no hay ejecuciones guardadas: entrena la tuya, o prueba una red preentrenada en ImageNet.",
    ),
    "classify.available": (
        "Classifiers on this server: {items}.",
        "Clasificadores en este servidor: {items}.",
    ),
    "classify.available_runs": ("trained runs: {count}", "ejecuciones entrenadas: {count}"),
    "classify.available_net": ("{network} (ImageNet): {state}", "{network} (ImageNet): {state}"),
    "classify.ready": ("ready", "lista"),
    "classify.needs_download": (
        "needs internet to download the weights",
        "necesita internet para descargar los pesos",
    ),
    "classify.provide_weights": (
        "Without internet, the ImageNet networks need their weights on this server: set CNNAPP_WEIGHTS_DIR to a folder holding {files}. Or classify with a trained run.",
        "Sin internet, las redes de ImageNet necesitan sus pesos en este servidor: define CNNAPP_WEIGHTS_DIR con una carpeta que contenga {files}. O clasifica con una ejecución entrenada.",
    ),
    "classify.weights_offline": (
        "{network} cannot be used: its file {file} is not on this server and cannot be downloaded (no internet). Set CNNAPP_WEIGHTS_DIR to a folder holding {file}, or choose a trained run.",
        "No se puede usar {network}: su archivo {file} no está en este servidor y no se puede descargar (sin internet). Define CNNAPP_WEIGHTS_DIR con una carpeta que contenga {file}, o elige una ejecución entrenada.",
    ),
    "classify.weights_failed": (
        "{network} cannot be used: its file {file} could not be downloaded completely. Try again, set CNNAPP_WEIGHTS_DIR to a folder holding {file}, or choose a trained run.",
        "No se puede usar {network}: su archivo {file} no se pudo descargar completo. Inténtalo de nuevo, define CNNAPP_WEIGHTS_DIR con una carpeta que contenga {file}, o elige una ejecución entrenada.",
    ),
    "classify.or": (" or ", " o "),
    "classify.and": (", and ", ", y "),
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
}
