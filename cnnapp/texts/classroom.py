"""Class mode: why a student's job may not be queued (the class limits). `key: (English, Spanish)`.

Numbers arrive already formatted for the language (`cnnapp.classroom.limits`).
"""

TEXTS: dict[str, tuple[str, str]] = {
    "limit.queued": (
        "You already have {running} job(s) running and {queued} waiting in the queue; the class "
        "limit is {limit} waiting per student. Wait until one of them starts, or stop one, and "
        "then start this one.",
        "Ya tienes {running} trabajo(s) en marcha y {queued} esperando en la cola; el límite de "
        "la clase es {limit} en espera por estudiante. Espera a que empiece alguno, o detén uno, "
        "y luego inicia este.",
    ),
    "limit.epochs": (
        "This job asks for {asked} epochs; the class limit is {limit}. Lower the epochs, or ask "
        "your lecturer.",
        "Este trabajo pide {asked} épocas; el límite de la clase es {limit}. Baja las épocas, o "
        "pregunta a tu profesor.",
    ),
    "limit.params": (
        "This network has {asked} parameters; the class limit is {limit}. Use fewer filters or "
        "units (or a smaller backbone), or ask your lecturer.",
        "Esta red tiene {asked} parámetros; el límite de la clase es {limit}. Usa menos filtros "
        "o unidades (o una red base más pequeña), o pregunta a tu profesor.",
    ),
    "limit.pixels": (
        "This job trains on {images} images of {size}×{size} pixels, {asked} pixels in all; the "
        "class limit is {limit}. Use a smaller image size or fewer images (a limit), or ask your "
        "lecturer.",
        "Este trabajo entrena con {images} imágenes de {size}×{size} píxeles, {asked} píxeles en "
        "total; el límite de la clase es {limit}. Usa un tamaño de imagen menor o menos imágenes "
        "(un límite), o pregunta a tu profesor.",
    ),
    "limit.disk": (
        "Your saved runs take {asked}; the class quota is {limit} per student. Delete runs you no "
        "longer need, or ask your lecturer.",
        "Tus ejecuciones guardadas ocupan {asked}; la cuota de la clase es {limit} por "
        "estudiante. Borra las que ya no necesites, o pregunta a tu profesor.",
    ),
}
