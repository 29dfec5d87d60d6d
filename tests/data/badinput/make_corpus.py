#!/usr/bin/python3
"""Generate the image-I/O bad-input corpus (run from anywhere; writes beside this file).

Every file here must make seg_imread/seg_imdecode fail cleanly with the status and a
message naming the problem, listed in expected.tsv (name, status, message substring).
The C test (tests/c/test_io.c) and the Python test (tests/python/test_io_badinput.py)
both walk expected.tsv. The generated files are committed; rerunning this script
reproduces them byte for byte.
"""
import os
import struct
import zlib

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rows = []


def out(name, data, status, needle):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    rows.append((name, status, needle))


def chunk(tag, data, crc=None):
    c = struct.pack(">I", len(data)) + tag + data
    if crc is None:
        crc = zlib.crc32(tag + data) & 0xffffffff
    return c + struct.pack(">I", crc)


def ihdr(w, h, depth=8, ct=2, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0, interlace))


SIG = b"\x89PNG\r\n\x1a\n"


def png(w, h, raw, ct=2, depth=8, extra=b""):
    return SIG + ihdr(w, h, depth, ct) + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + \
        chunk(b"IEND", b"")


def rgb_raw(w, h):
    rng = np.random.default_rng(7)
    px = rng.integers(0, 256, (h, w * 3), dtype=np.uint8)
    return b"".join(b"\0" + r.tobytes() for r in px)


# ---- PNG ----
good = png(16, 16, rgb_raw(16, 16))
idat_at = good.index(b"IDAT") - 4
iend_at = good.index(b"IEND") - 4
out("png_trunc_sig.png", good[:5], "EFORMAT", "unknown image format")
out("png_trunc_ihdr.png", good[:20], "EFORMAT", "truncated")
out("png_trunc_before_idat.png", good[:idat_at], "EFORMAT", "truncated")
out("png_trunc_idat_start.png", good[:idat_at + 20], "EFORMAT", "truncated")
out("png_trunc_idat_mid.png", good[:(idat_at + iend_at) // 2], "EFORMAT", "truncated")
out("png_trunc_no_iend.png", good[:iend_at], "EFORMAT", "truncated")
out("png_bad_magic.png", b"\x88" + good[1:], "EFORMAT", "unknown image format")
zero16 = b"\0" * (16 * (1 + 16 * 3))  # a 16x16 RGB image of zeros, filter bytes 0
out("png_ihdr_lies_bigger.png", png(64, 64, zero16), "EFORMAT", "Not enough image data")
out("png_ihdr_lies_smaller.png", png(4, 4, zero16), "EFORMAT", "Too much image data")
out("png_huge_dims.png", png(100000, 100000, b"\0" * 64), "ELIMIT",
    "100000x100000 exceeds the pixel limit")
out("png_huge_width.png", png(0x7fffffff, 1, b"\0" * 64), "ELIMIT",
    "width exceeds user limit")
out("png_zero_width.png", png(0, 16, rgb_raw(16, 16)), "EFORMAT", "width is zero")
out("png_zero_height.png", png(16, 0, rgb_raw(16, 16)), "EFORMAT", "height is zero")
bad = bytearray(good)
bad[29] ^= 0xff  # IHDR CRC
out("png_bad_crc_ihdr.png", bytes(bad), "EFORMAT", "CRC error")
bad = bytearray(good)
bad[iend_at - 1] ^= 0xff  # IDAT CRC (last byte before IEND's length)
out("png_bad_crc_idat.png", bytes(bad), "EFORMAT", "CRC error")
pal = chunk(b"PLTE", bytes(range(12)))  # 4 entries
idx = np.arange(64, dtype=np.uint8).reshape(8, 8) * 3  # indices up to 189
out("png_palette_index_oob.png",
    png(8, 8, b"".join(b"\0" + r.tobytes() for r in idx), ct=3, extra=pal), "EFORMAT",
    "palette index 189 exceeds the 4-entry palette")
out("png_palette_missing.png", png(8, 8, b"".join(b"\0" + r.tobytes() for r in idx), ct=3),
    "EFORMAT", "PLTE")
# 1x1 gray image whose IDAT inflates to 64 MiB: libpng must stop after the one row
out("png_bomb_1x1.png", SIG + ihdr(1, 1, 8, 0) +
    chunk(b"IDAT", zlib.compress(b"\0" * (64 << 20), 9)) + chunk(b"IEND", b""), "EFORMAT",
    "decompression bomb")
# declares 30000x30000 (9e8 pixels > 2^28) in a few hundred bytes
out("png_bomb_dims.png", png(30000, 30000, b"\0" * 30001, ct=0), "ELIMIT",
    "exceeds the pixel limit")
out("png_bad_depth.png", png(16, 16, rgb_raw(16, 16), depth=3), "EFORMAT", "bit depth")
out("png_bad_colortype.png", png(16, 16, rgb_raw(16, 16), ct=5), "EFORMAT", "color type")
out("png_no_idat.png", SIG + ihdr(16, 16) + chunk(b"IEND", b""), "EFORMAT", "IEND: out of place")
out("png_idat_not_zlib.png", SIG + ihdr(16, 16) + chunk(b"IDAT", b"\x12\x34" * 100) +
    chunk(b"IEND", b""), "EFORMAT", "png:")
out("png_bad_filter.png", png(4, 4, b"\x09" + b"\0" * 12 + (b"\0" * 13) * 3), "EFORMAT",
    "filter")

# ---- JPEG ----
photo = np.random.default_rng(3).integers(0, 256, (24, 32, 3), dtype=np.uint8)
photo = cv2.GaussianBlur(photo, (5, 5), 0)
jpg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
sos = jpg.index(b"\xff\xda")
out("jpeg_bad_magic.jpg", b"\xff\xd9" + jpg[2:], "EFORMAT", "unknown image format")
for cut in (3, 20, 150, sos + 20, (sos + len(jpg)) // 2, len(jpg) - 2):
    needle = "no frame header" if cut < sos else "Premature end of JPEG file"
    out("jpeg_trunc_%d.jpg" % cut, jpg[:cut], "EFORMAT", needle)
sof = jpg.index(b"\xff\xc0")
bad = bytearray(jpg)
bad[sof + 5:sof + 9] = struct.pack(">HH", 0, 32)  # height 0
out("jpeg_zero_height.jpg", bytes(bad), "EFORMAT", "Empty JPEG image")
bad[sof + 5:sof + 9] = struct.pack(">HH", 65500, 65500)
out("jpeg_huge_dims.jpg", bytes(bad), "ELIMIT", "65500x65500 exceeds the pixel limit")
bad = bytearray(jpg)
mid = (sos + len(jpg)) // 2
bad[mid:mid + 8] = b"\xff\xd3\x00\xff\xd5\x00\xff\xd1"  # stray restart markers
out("jpeg_corrupt_scan.jpg", bytes(bad), "EFORMAT", "Corrupt JPEG data")
out("jpeg_no_image.jpg", b"\xff\xd8\xff\xd9", "EFORMAT", "no frame header")
bad = bytearray(jpg)
dqt = jpg.index(b"\xff\xdb")
bad[dqt + 2:dqt + 4] = b"\xff\xf0"  # DQT segment length runs past the end
out("jpeg_bad_segment_length.jpg", bytes(bad), "EFORMAT", "DQT")

# ---- PGM/PPM ----
out("pnm_trunc_magic.pgm", b"P5", "EFORMAT", "not followed by whitespace")
out("pnm_trunc_header.pgm", b"P5\n16 ", "EFORMAT", "expected the height")
out("pnm_trunc_maxval.pgm", b"P5\n16 16\n", "EFORMAT", "expected the maxval")
body = bytes(range(256)) * 3
out("pnm_trunc_data_p5.pgm", b"P5\n16 16\n255\n" + body[:100], "EFORMAT",
    "truncated pixel data")
out("pnm_trunc_data_p6.ppm", b"P6\n16 16\n255\n" + body[:700], "EFORMAT",
    "truncated pixel data")
out("pnm_trunc_data_16bit.pgm", b"P5\n16 16\n65535\n" + body[:511], "EFORMAT",
    "truncated pixel data")
out("pnm_trunc_ascii.pgm", b"P2\n4 4\n255\n" + b"1 2 3 4 5 6 7\n", "EFORMAT", "truncated")
out("pnm_trunc_ascii_rgb.ppm", b"P3\n2 2\n255\n1 2 3 4 5 6 7 8 9 10 11", "EFORMAT",
    "truncated")
out("pnm_maxval0.pgm", b"P5\n4 4\n0\n" + b"\0" * 16, "EFORMAT", "maxval 0")
out("pnm_maxval_big.pgm", b"P5\n4 4\n65536\n" + b"\0" * 32, "EFORMAT",
    "maxval 65536 is out of range")
out("pnm_maxval_huge.pgm", b"P2\n4 4\n99999999999999999999999\n", "EFORMAT",
    "maxval 99999999999999999999999 is out of range")
out("pnm_dims_no_data.ppm", b"P6\n1000 1000\n255\n" + body[:10], "EFORMAT",
    "truncated pixel data")
out("pnm_zero_width.pgm", b"P5\n0 16\n255\n", "EFORMAT", "zero width or height")
out("pnm_zero_height.ppm", b"P6\n16 0\n255\n", "EFORMAT", "zero width or height")
out("pnm_huge_dims.pgm", b"P5\n100000 100000\n255\n" + body, "ELIMIT",
    "exceeds the pixel limit")
out("pnm_width_overflow.pgm", b"P5\n99999999999 2\n255\n", "EFORMAT",
    "width 99999999999 is out of range")
out("pnm_bad_magic.pgm", b"P7\n4 4\n255\n" + b"\0" * 16, "EFORMAT", "unknown magic 'P7'")
out("pnm_pbm.pbm", b"P4\n8 2\n\x55\xaa", "EUNSUPPORTED", "PBM")
out("pnm_negative_width.pgm", b"P2\n-4 4\n255\n", "EFORMAT", "expected the width, found '-'")
out("pnm_garbage_sample.pgm", b"P2\n2 1\n255\n12 x3\n", "EFORMAT",
    "expected the sample, found 'x'")
out("pnm_sample_over_maxval.pgm", b"P2\n2 1\n100\n12 101\n", "EFORMAT", "exceeds maxval 100")
out("pnm_sample_over_maxval16.pgm", b"P5\n1 1\n1000\n\x03\xe9", "EFORMAT",
    "exceeds maxval 1000")
out("pnm_comment_after_maxval.pgm", b"P5\n1 1\n255#x\n\x01", "EFORMAT", "comment")
out("pnm_junk_after_number.pgm", b"P5\n4x 4\n255\n" + b"\0" * 16, "EFORMAT",
    "followed by 'x'")

# ---- anything ----
out("empty.png", b"", "EFORMAT", "empty input")
out("garbage.jpg", bytes(np.random.default_rng(1).integers(0, 256, 300, dtype=np.uint8)),
    "EFORMAT", "unknown image format")
out("text.png", b"hello, I am not an image\n", "EFORMAT", "unknown image format")

with open(os.path.join(HERE, "expected.tsv"), "w") as f:
    f.write("# file\tstatus\tmessage substring (generated by make_corpus.py)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print("%d files" % len(rows))
