"""Texts of signing in (class mode) and of desk mode."""

TEXTS = {
    "auth.intro": (
        "This CNN Lab server is for a class: sign in with your university account to build, "
        "train and compare networks. Your runs follow you to any browser or device.",
        "Este servidor de CNN Lab es para una clase: inicia sesión con tu cuenta de la "
        "universidad para construir, entrenar y comparar redes. Tus ejecuciones te siguen a "
        "cualquier navegador o dispositivo.",
    ),
    "auth.sign_in": ("Sign in", "Iniciar sesión"),
    "auth.sign_out": ("Sign out", "Cerrar sesión"),
    "auth.signed_in_as": ("Signed in as {name} ({role})", "Sesión de {name} ({role})"),
    "auth.lecturer": ("lecturer", "profesor"),
    "auth.student": ("student", "estudiante"),
    "auth.desk_mode": (
        "Desk mode: this CNN Lab is for one person on this computer (it listens on 127.0.0.1 "
        "only). To run it for a whole class, with sign-in, see the README's “Running a class server”.",
        "Modo escritorio: este CNN Lab es para una persona en este ordenador (solo escucha en "
        "127.0.0.1). Para usarlo con toda una clase, con inicio de sesión, consulta “Running a class server” en el README.",
    ),
    "home.signed_in": (
        "Your runs belong to your account: they follow you to any browser or device.",
        "Tus ejecuciones pertenecen a tu cuenta: te siguen a cualquier navegador o dispositivo.",
    ),
    "nav.class": ("Class", "Clase"),
}
