"""Looking at trained networks: classifying photos, Grad-CAM, feature maps and filters.

| module | owns |
| --- | --- |
| `classify` | `Classifier` (a pretrained ImageNet network or a saved run), `top_k`, ImageNet's bird classes |
| `explain` | Grad-CAM, feature maps and first-layer filters as image arrays |
"""
