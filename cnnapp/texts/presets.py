"""The presets' descriptions and sections (cnnapp.nets.presets), in both languages.

A preset without an entry here shows the engine's English text (`ui.views.build.preset_text`).
"""

TEXTS = {
    "preset.basenet": (
        "Two conv-ReLU-maxpool modules and two linear layers: the assignment's baseline.",
        "Dos módulos conv-ReLU-maxpool y dos capas lineales: la red base de la práctica.",
    ),
    "preset.basenet.section": ("2 (table 1)", "2 (tabla 1)"),
    "preset.mired_v1": (
        "Four 5×5 convolutions (16-26-36-46 filters), a max pooling every two.",
        "Cuatro convoluciones 5×5 (16-26-36-46 filtros), un max pooling cada dos.",
    ),
    "preset.mired_v2": (
        "V1 with more filters (32-64-128-256) and a 512-unit dense layer.",
        "V1 con más filtros (32-64-128-256) y una capa densa de 512 neuronas.",
    ),
    "preset.mired_v3": ("V2 with 3×3 kernels.", "V2 con núcleos 3×3."),
    "preset.mired_v4": (
        "Fewer filters (32-64-64-128) and Dropout 0.5 in the convolutional modules.",
        "Menos filtros (32-64-64-128) y Dropout 0,5 en los módulos convolucionales.",
    ),
    "preset.mired_v5": (
        "V4 with Dropout 0.25 in the convolutions and two dense layers with Dropout 0.5.",
        "V4 con Dropout 0,25 en las convoluciones y dos capas densas con Dropout 0,5.",
    ),
    "preset.mired_v5.section": ("3.3 (table 6)", "3.3 (tabla 6)"),
    "preset.mired_bn_v1": (
        "MiRed V5 with BatchNormalization after the ReLU of each convolution.",
        "MiRed V5 con BatchNormalization tras la ReLU de cada convolución.",
    ),
    "preset.mired_bn_v2": (
        "BatchNormalization after every ReLU, the dense layers' included.",
        "BatchNormalization tras cada ReLU, también las de las capas densas.",
    ),
    "preset.mired_bn_v3": (
        "BatchNormalization before every ReLU, the dense layers' included: the best CIFAR network.",
        "BatchNormalization antes de cada ReLU, también en las capas densas: la mejor red para "
        "CIFAR.",
    ),
    "preset.mired_bn_v3.section": ("3.4 (table 8)", "3.4 (tabla 8)"),
    "preset.resnet50_fe_v1": (
        "ResNet50 (ImageNet, frozen) as a feature extractor: its 2048 average-pooled features, "
        "then Dense 512 relu and the softmax.",
        "ResNet50 (ImageNet, congelada) como extractor de características: sus 2048 "
        "características promediadas, luego Dense 512 relu y la softmax.",
    ),
    "preset.resnet50_fe_v1.section": ("4 (tables 10-11)", "4 (tablas 10-11)"),
    "preset.resnet50_fe_v2": (
        "ResNet50 (ImageNet, frozen) as a feature extractor: its 2048 average-pooled features, "
        "then Dense 512 relu, Dropout 0.75 and the softmax.",
        "ResNet50 (ImageNet, congelada) como extractor de características: sus 2048 "
        "características promediadas, luego Dense 512 relu, Dropout 0,75 y la softmax.",
    ),
    "preset.resnet50_fe_v2.section": ("4 (tables 10-11)", "4 (tablas 10-11)"),
    "preset.resnet50_fe_v3": (
        "ResNet50 (ImageNet, frozen) as a feature extractor: its 2048 average-pooled features, "
        "then Dense 512, Dropout 0.5, Dense 256, Dropout 0.5 and the softmax.",
        "ResNet50 (ImageNet, congelada) como extractor de características: sus 2048 "
        "características promediadas, luego Dense 512, Dropout 0,5, Dense 256, Dropout 0,5 y "
        "la softmax.",
    ),
    "preset.resnet50_fe_v3.section": ("4 (tables 10-11)", "4 (tablas 10-11)"),
    "preset.resnet50_ft_v1": (
        "The whole ResNet50 trained (its batch norm kept in inference mode), with Dense 512 "
        "relu, Dropout 0.75 and the softmax on top.",
        "Toda la ResNet50 entrenada (su batch norm en modo inferencia), con Dense 512 relu, "
        "Dropout 0,75 y la softmax encima.",
    ),
    "preset.resnet50_ft_v1.section": ("4 (table 12)", "4 (tabla 12)"),
    "preset.resnet50_ft_v2": (
        "The whole ResNet50 trained (its batch norm kept in inference mode), with Dense 512, "
        "Dropout 0.75, Dense 256, Dropout 0.5 and the softmax on top.",
        "Toda la ResNet50 entrenada (su batch norm en modo inferencia), con Dense 512, Dropout "
        "0,75, Dense 256, Dropout 0,5 y la softmax encima.",
    ),
    "preset.resnet50_ft_v2.section": ("4 (table 13)", "4 (tabla 13)"),
    "preset.mobilenet_v2_fe": (
        "MobileNetV2 (ImageNet, frozen): 1280 features, several times faster than ResNet50 on "
        "a laptop CPU; then Dense 512, Dropout 0.5, Dense 256, Dropout 0.5 and the softmax.",
        "MobileNetV2 (ImageNet, congelada): 1280 características, varias veces más rápida que "
        "ResNet50 en la CPU de un portátil; luego Dense 512, Dropout 0,5, Dense 256, Dropout 0,5 "
        "y la softmax.",
    ),
    "preset.mobilenet_v2_fe.section": ("4 (a faster backbone)", "4 (un backbone más rápido)"),
    "preset.modern": (
        "Today's fast CIFAR-10 recipe (airbench): a frozen whitening convolution computed from "
        "the training patches, three conv-BN-GELU blocks (64, 256, 256) with max pooling, global "
        "max pooling and scaled logits; trained with its own recipe: SGD Nesterov, warmup then "
        "decay, batch 1024, label smoothing 0.2, flips and 2-pixel shifts, flip-averaged tests.",
        "La receta rápida actual para CIFAR-10 (airbench): una convolución de blanqueo congelada "
        "calculada con los parches de entrenamiento, tres bloques conv-BN-GELU (64, 256, 256) "
        "con max pooling, max pooling global y logits escalados; entrenada con su propia receta: "
        "SGD Nesterov, calentamiento y luego descenso, lote 1024, suavizado de etiquetas 0,2, "
        "volteos y desplazamientos de 2 píxeles, test promediado con el volteo.",
    ),
    "preset.modern.section": ("beyond the assignment", "más allá de la práctica"),
}
