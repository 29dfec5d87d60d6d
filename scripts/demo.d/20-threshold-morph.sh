# Thresholds and morphology on the coins: Otsu, adaptive mean, then an opening with a
# 5x5 ellipse and a morphological gradient (the coins' outlines).
$seg threshold data/coins.png "$out/coins_otsu.png" --otsu
$seg threshold data/coins.png "$out/coins_adaptive.png" --adaptive mean --block 31 --c 5
$seg morph "$out/coins_otsu.png" "$out/coins_open.png" --op open --shape ellipse --size 5
$seg morph "$out/coins_open.png" "$out/coins_edges.png" --op gradient --shape cross --size 3
