"""The Data page and the datasets' names. `key: (English, Spanish)`."""

TEXTS: dict[str, tuple[str, str]] = {
    "data.title": ("Data: what the network learns from", "Datos: de qué aprende la red"),
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
    "data.upload_refused": (
        "The upload was not saved: {error}",
        "No se guardó el archivo subido: {error}",
    ),
    "data.server_lecturers_only": (
        "On a class server only lecturers may read folders on the server; upload your images as a .zip (one folder per class).",
        "En un servidor de clase solo el profesorado puede leer carpetas del servidor; sube tus imágenes en un .zip (una carpeta por clase).",
    ),
    "data.server_roots": (
        "Only folders inside these may be read: {roots}",
        "Solo se pueden leer carpetas dentro de: {roots}",
    ),
    "data.path_refused": (
        "This folder cannot be used: {error}",
        "No se puede usar esta carpeta: {error}",
    ),
    "data.birds_default_only": (
        "The birds come from the app's data folder (or are downloaded there); on a class server only lecturers may point at another folder.",
        "Los pájaros se leen de la carpeta de datos de la app (o se descargan allí); en un servidor de clase solo el profesorado puede indicar otra carpeta.",
    ),
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
    "data.original_alt": (
        "The training image to augment, enlarged",
        "La imagen de entrenamiento que se aumenta, ampliada",
    ),
    "data.augmented_alt": (
        "Augmented version {number} of {count} of the image",
        "Versión aumentada {number} de {count} de la imagen",
    ),
    "data.samples_alt": (
        "{count} training images of the class {name}, side by side",
        "{count} imágenes de entrenamiento de la clase {name}, una al lado de otra",
    ),
    "data.augmenting": ("Augmenting…", "Aumentando…"),
    "data.augmented_caption": (
        "The same image, 8 random draws of: {settings}",
        "La misma imagen, 8 sorteos al azar de: {settings}",
    ),
}
