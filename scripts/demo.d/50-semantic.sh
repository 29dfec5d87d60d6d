# Deep semantic segmentation with the bundled DeepLabV3-MobileNetV2 (PASCAL VOC): the
# cat in chelsea.png, the person in astronaut.png.
$seg segment data/chelsea.png data/astronaut.png --method semantic \
  --model data/models/deeplabv3_mnv2_pascal_onnx/deeplab_v3_1_default_1.onnx -o "$out/semantic"
