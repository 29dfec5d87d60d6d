"""Image codecs: segkit.imdecode/imencode vs cv2.imdecode/imencode on the same bytes.

Settings, identical on both sides (and the outputs are byte-identical):
- PNG encode: default parameters, i.e. cv2 4.6's speed preset (zlib level 1, SUB
  filter, Z_RLE strategy), 8-bit BGR.
- JPEG encode: quality 95 (both defaults), 4:2:0, ISLOW DCT, baseline Huffman tables.
- Decodes: IMREAD_COLOR of the file cv2 itself encoded with those settings.
Codecs are single-threaded in both libraries (libpng / libjpeg-turbo), so the thread
count does not matter here. Memory in, memory out: no file system in the timings.
"""
import cv2
import numpy as np

import segkit
from common import label, photo
from run import Case


def cases(sizes):
    for w, h in sizes:
        img = photo(w, h)
        lab = label(w, h)
        png = cv2.imencode(".png", img)[1]
        jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 95])[1]
        png_b, jpg_b = png.tobytes(), jpg.tobytes()
        yield Case("png_decode", lab, lambda b=png_b: segkit.imdecode(b, segkit.IMREAD_COLOR),
                   lambda b=png: cv2.imdecode(b, cv2.IMREAD_COLOR))
        yield Case("png_encode", lab, lambda i=img: segkit.imencode(".png", i),
                   lambda i=img: cv2.imencode(".png", i))
        yield Case("jpeg_decode", lab, lambda b=jpg_b: segkit.imdecode(b, segkit.IMREAD_COLOR),
                   lambda b=jpg: cv2.imdecode(b, cv2.IMREAD_COLOR))
        yield Case("jpeg_encode_q95", lab,
                   lambda i=img: segkit.imencode(".jpg", i, [segkit.IMWRITE_JPEG_QUALITY, 95]),
                   lambda i=img: cv2.imencode(".jpg", i, [cv2.IMWRITE_JPEG_QUALITY, 95]))


if __name__ == "__main__":
    for c in cases([(64, 48)]):
        assert c.segkit() is not None and c.peer() is not None
        print(c.name, "ok")
    # the encoders agree byte for byte with cv2
    img = photo(320, 240)
    assert segkit.imencode(".png", img)[1].tobytes() == cv2.imencode(".png", img)[1].tobytes()
    assert np.array_equal(segkit.imencode(".jpg", img)[1], cv2.imencode(".jpg", img)[1])
