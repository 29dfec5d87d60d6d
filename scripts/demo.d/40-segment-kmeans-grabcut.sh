# k-means colour segmentation of the coffee cup, GrabCut of the astronaut from a box.
$seg segment data/coffee.png --method kmeans -k 4 -o "$out/kmeans-coffee"
$seg segment data/astronaut.png --method grabcut --rect 100,20,330,480 -o "$out/grabcut-astronaut"
