# Colour conversion and blur on every bundled photo (cv2-identical results).
for img in data/*.png data/*.jpg; do
  name=$(basename "${img%.*}")
  $seg convert "$img" "$out/$name-gray.png" --to gray
  $seg convert "$img" "$out/$name-lab.png" --to lab
  $seg blur "$img" "$out/$name-blur.jpg" --sigma 3
done
