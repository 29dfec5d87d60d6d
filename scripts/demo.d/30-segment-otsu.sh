# The Otsu recipe (gray, blur, Otsu, opening, components) on the coins.
$seg segment data/coins.png --method otsu --min-area 50 -o "$out/otsu-coins"
