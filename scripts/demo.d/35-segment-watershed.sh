# The marker watershed recipe on the coins (brighter than the background).
$seg segment data/coins.png --method watershed --invert bright --fraction 0.3 -o "$out/watershed-coins"
