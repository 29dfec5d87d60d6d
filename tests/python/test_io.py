"""Parity of segkit's image I/O with cv2 (OpenCV 4.6): decoded pixels identical in every
read mode for PNG (every colour type and bit depth, tRNS, interlace), JPEG (baseline,
progressive, 4:4:4/4:2:2/4:2:0, gray, CMYK, restart markers) and PGM/PPM; encoded
PNG and JPEG byte-identical to cv2.imencode; everything we write read back by cv2."""
import io
import os
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image as PILImage

import segkit
from conftest import data_path, sample_path

MODES = [cv2.IMREAD_UNCHANGED, cv2.IMREAD_GRAYSCALE, cv2.IMREAD_COLOR, cv2.IMREAD_ANYDEPTH,
         cv2.IMREAD_ANYDEPTH | cv2.IMREAD_COLOR, cv2.IMREAD_ANYCOLOR,
         cv2.IMREAD_ANYCOLOR | cv2.IMREAD_ANYDEPTH]


def assert_same(a, b, what=""):
    assert a is not None, "cv2 failed to decode " + what
    assert a.dtype == b.dtype and a.shape == b.shape, (what, a.dtype, a.shape, b.dtype, b.shape)
    assert np.array_equal(a, b), (what, int(np.abs(a.astype(np.int64) - b).max()))


def check_decode_all_modes(buf, what):
    arr = np.frombuffer(buf, np.uint8)
    for m in MODES:
        assert_same(cv2.imdecode(arr, m), segkit.imdecode(buf, m), "%s mode %d" % (what, m))


# ---- a tiny PNG writer, so every colour type / depth / chunk combination is covered ----

def _chunk(tag, data):
    c = struct.pack(">I", len(data)) + tag + data
    return c + struct.pack(">I", zlib.crc32(tag + data) & 0xffffffff)


def _pack_rows(samples, depth):
    """samples: H x (W*ch) integer array -> list of filter-0 scanlines."""
    rows = []
    for r in samples:
        if depth == 16:
            b = r.astype(">u2").tobytes()
        elif depth == 8:
            b = r.astype(np.uint8).tobytes()
        else:
            per = 8 // depth
            pad = (-len(r)) % per
            v = np.concatenate([r, np.zeros(pad, r.dtype)]).reshape(-1, per).astype(np.uint8)
            shifts = np.arange(per - 1, -1, -1) * depth
            b = (v << shifts).sum(axis=1).astype(np.uint8).tobytes()
        rows.append(b)
    return rows


def make_png(samples, color_type, depth, plte=None, trns=None, interlace=False):
    h = samples.shape[0]
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    w = samples.shape[1] // ch
    ihdr = struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0)
    if interlace:
        raw = b""
        img = samples.reshape(h, w, ch)
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
                  (1, 0, 2, 2), (0, 1, 1, 2)]
        for x0, y0, dx, dy in passes:
            sub = img[y0::dy, x0::dx]
            if sub.size == 0:
                continue
            raw += b"".join(b"\0" + r for r in _pack_rows(sub.reshape(sub.shape[0], -1), depth))
    else:
        raw = b"".join(b"\0" + r for r in _pack_rows(samples, depth))
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
    if plte is not None:
        out += _chunk(b"PLTE", bytes(np.asarray(plte, np.uint8).ravel()))
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    return out + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")


PNG_CASES = []
for _ct, _depths in [(0, (1, 2, 4, 8, 16)), (2, (8, 16)), (3, (1, 2, 4, 8)), (4, (8, 16)),
                     (6, (8, 16))]:
    for _d in _depths:
        for _trns in (False, True):
            if _trns and _ct in (4, 6):
                continue
            for _il in (False, True):
                PNG_CASES.append((_ct, _d, _trns, _il))


@pytest.mark.parametrize("ct,depth,trns,interlace", PNG_CASES)
@pytest.mark.parametrize("size", [(1, 1), (1, 7), (9, 1), (13, 11)])
def test_png_decode_matches_cv2(ct, depth, trns, interlace, size, rng):
    h, w = size
    ch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct]
    top = (1 << depth) - 1
    plte = trns_b = None
    if ct == 3:
        n = min(top + 1, 200)
        s = rng.integers(0, n, (h, w * ch))
        plte = rng.integers(0, 256, (n, 3))
        if trns:
            trns_b = bytes(rng.integers(0, 256, max(1, n // 2)).astype(np.uint8))
    else:
        s = rng.integers(0, top + 1, (h, w * ch))
        if trns:
            v = [int(s[0, k]) for k in range(ch)]  # make some pixels transparent
            trns_b = b"".join(struct.pack(">H", x) for x in v)
    buf = make_png(s, ct, depth, plte, trns_b, interlace)
    check_decode_all_modes(buf, "png ct=%d depth=%d trns=%d il=%d" % (ct, depth, trns, interlace))


def test_png_rgb_to_gray_uses_libpng_weights():
    # every 8-bit RGB triple along a dense grid, gray mode: libpng's rgb_to_gray with
    # cv2's coefficients (0.299, 0.587), identical values
    v = np.arange(0, 256, 5)
    r, g, b = np.meshgrid(v, v, v, indexing="ij")
    img = np.stack([r.ravel(), g.ravel(), b.ravel()], 1).reshape(len(v) ** 2, len(v), 3)
    buf = make_png(img.reshape(img.shape[0], -1), 2, 8)
    check_decode_all_modes(buf, "rgb grid")
    img16 = (img.astype(np.uint32) * 257 + 77).astype(np.uint16)
    check_decode_all_modes(make_png(img16.reshape(img.shape[0], -1), 2, 16), "rgb16 grid")


def test_real_images_match_cv2():
    names = sorted(os.listdir(data_path("io")))
    assert len([n for n in names if n.endswith((".png", ".jpg"))]) >= 4
    for n in names:
        if not n.endswith((".png", ".jpg", ".pgm", ".ppm")):
            continue
        p = data_path("io", n)
        for m in MODES:
            assert_same(cv2.imread(p, m | cv2.IMREAD_IGNORE_ORIENTATION if m != -1 else m),
                        segkit.imread(p, m), "%s mode %d" % (n, m))
    for n in ("astronaut.png", "coins.png", "rocket.jpg"):
        p = sample_path(n)
        for m in MODES:
            assert_same(cv2.imread(p, m), segkit.imread(p, m), n)


def test_rgb_order_is_the_reverse_of_bgr():
    p = sample_path("astronaut.png")
    bgr = segkit.imread(p)
    rgb = segkit.imread(p, order="rgb")
    assert np.array_equal(rgb, bgr[:, :, ::-1])
    jp = sample_path("rocket.jpg")
    assert np.array_equal(segkit.imread(jp, order="rgb"), segkit.imread(jp)[:, :, ::-1])
    with pytest.raises(segkit.Error, match="order"):
        segkit.imread(p, order="xyz")


# ---- JPEG ------------------------------------------------------------------------------

def _pil_jpeg(arr_rgb, **kw):
    b = io.BytesIO()
    PILImage.fromarray(arr_rgb).save(b, "JPEG", **kw)
    return b.getvalue()


@pytest.mark.parametrize("size", [(1, 1), (1, 17), (23, 1), (37, 53), (480, 640)])
def test_jpeg_decode_matches_cv2(size, rng):
    h, w = size
    photo = cv2.imread(sample_path("astronaut.png"))
    img = np.ascontiguousarray(cv2.resize(photo, (w, h), interpolation=cv2.INTER_AREA))
    noise = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    for src in (img, noise):
        gray = cv2.cvtColor(src, cv2.COLOR_BGR2GRAY)
        bufs = []
        for q in (10, 75, 95, 100):
            bufs.append(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes())
            bufs.append(cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, q])[1].tobytes())
        bufs.append(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes())
        bufs.append(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_OPTIMIZE, 1])[1].tobytes())
        bufs.append(cv2.imencode(".jpg", src, [cv2.IMWRITE_JPEG_RST_INTERVAL, 2])[1].tobytes())
        rgb = src[:, :, ::-1].copy()
        for sub in (0, 1, 2):  # 4:4:4, 4:2:2, 4:2:0
            bufs.append(_pil_jpeg(rgb, quality=90, subsampling=sub))
        cmyk = io.BytesIO()
        PILImage.fromarray(rgb).convert("CMYK").save(cmyk, "JPEG", quality=90)
        bufs.append(cmyk.getvalue())
        for i, b in enumerate(bufs):
            check_decode_all_modes(b, "jpeg %dx%d #%d" % (w, h, i))


def test_jpeg_encode_is_byte_identical_to_cv2(rng):
    photo = cv2.imread(sample_path("astronaut.png"))
    cases = [photo, cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY), photo[:37, :53].copy(),
             photo[:1, :1].copy(), rng.integers(0, 256, (31, 17, 3), dtype=np.uint8),
             photo[::2, ::3]]  # a non-contiguous view
    for img in cases:
        for q in (1, 50, 75, 90, 95, 96, 100):
            a = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])[1]
            ok, b = segkit.imencode(".jpg", img, [segkit.IMWRITE_JPEG_QUALITY, q])
            assert ok and b.dtype == np.uint8 and a.tobytes() == b.tobytes(), (img.shape, q)
        # default quality is cv2's 95
        assert segkit.imencode(".jpg", img)[1].tobytes() == cv2.imencode(".jpg", img)[1].tobytes()
    # RGB input with order="rgb" gives the same file as BGR input
    b1 = segkit.imencode(".jpg", photo)[1]
    b2 = segkit.imencode(".jpg", photo[:, :, ::-1].copy(), order="rgb")[1]
    assert b1.tobytes() == b2.tobytes()


# ---- PNG encode ------------------------------------------------------------------------

def test_png_encode_is_byte_identical_to_cv2(rng):
    photo = cv2.imread(sample_path("astronaut.png"))
    cases = [photo, cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY),
             cv2.cvtColor(photo, cv2.COLOR_BGR2BGRA), photo[:1, :1].copy(), photo[::3, 1::2],
             rng.integers(0, 65536, (13, 9), dtype=np.uint16),
             rng.integers(0, 65536, (13, 9, 3), dtype=np.uint16),
             rng.integers(0, 65536, (5, 7, 4), dtype=np.uint16)]
    for img in cases:
        for level in (None, 0, 1, 3, 6, 9):
            p = None if level is None else [cv2.IMWRITE_PNG_COMPRESSION, level]
            a = cv2.imencode(".png", img, p)[1] if p else cv2.imencode(".png", img)[1]
            b = segkit.imencode(".png", img, p)[1]
            assert a.tobytes() == b.tobytes(), (img.shape, img.dtype, level)


def test_imwrite_roundtrip_through_cv2(tmp_path, rng):
    imgs = {
        "u8c1": rng.integers(0, 256, (7, 5), dtype=np.uint8),
        "u8c3": rng.integers(0, 256, (7, 5, 3), dtype=np.uint8),
        "u8c4": rng.integers(0, 256, (7, 5, 4), dtype=np.uint8),
        "u16c1": rng.integers(0, 65536, (6, 9), dtype=np.uint16),
        "u16c3": rng.integers(0, 65536, (6, 9, 3), dtype=np.uint16),
        "u16c4": rng.integers(0, 65536, (6, 9, 4), dtype=np.uint16),
    }
    for name, img in imgs.items():
        for ext in (".png", ".ppm", ".pgm", ".pnm"):
            c = 1 if img.ndim == 2 else img.shape[2]
            if ext != ".png" and c == 4 or ext == ".ppm" and c == 1 or ext == ".pgm" and c == 3:
                continue
            p = str(tmp_path / (name + ext))
            assert segkit.imwrite(p, img) is True
            assert_same(cv2.imread(p, cv2.IMREAD_UNCHANGED), img, p)
            assert_same(img, segkit.imread(p, segkit.IMREAD_UNCHANGED), p)
    # JPEG: cv2 reads our file exactly as it reads its own
    photo = cv2.imread(sample_path("astronaut.png"))
    p = str(tmp_path / "a.jpg")
    segkit.imwrite(p, photo, [segkit.IMWRITE_JPEG_QUALITY, 90])
    cv2.imwrite(str(tmp_path / "b.jpg"), photo, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert_same(cv2.imread(str(tmp_path / "b.jpg")), cv2.imread(p), "jpg")
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def test_gray_alpha_png_written_and_read(tmp_path, rng):
    ga = rng.integers(0, 256, (4, 6, 2), dtype=np.uint8)
    p = str(tmp_path / "ga.png")
    segkit.imwrite(p, ga)
    # cv2 (and segkit, which copies it) expand gray+alpha to BGRA
    assert_same(cv2.imread(p, -1), segkit.imread(p, -1), "ga")
    back = segkit.imread(p, -1)
    assert np.array_equal(back[:, :, 0], ga[:, :, 0]) and np.array_equal(back[:, :, 3], ga[:, :, 1])


def test_palette_png(tmp_path, rng):
    labels = rng.integers(0, 5, (10, 12), dtype=np.uint8)
    pal = np.array([[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30]], np.uint8)
    p = str(tmp_path / "lab.png")
    segkit.imwrite(p, labels, palette=pal)
    with open(p, "rb") as f:
        head = f.read(64)
    assert head[25] == 3 and b"PLTE" in head  # colour type 3 = palette
    bgr = cv2.imread(p, cv2.IMREAD_UNCHANGED)
    assert np.array_equal(bgr, pal[labels][:, :, ::-1])
    assert np.array_equal(segkit.imread(p, -1, order="rgb"), pal[labels])
    with pytest.raises(segkit.Error, match="label 5 .* 5-colour palette"):
        segkit.imwrite(str(tmp_path / "bad.png"), labels + 1, palette=pal)
    with pytest.raises(segkit.Error, match="palette"):
        segkit.imwrite(str(tmp_path / "bad.png"), labels, palette=np.zeros((300, 3)))
    with pytest.raises(segkit.Error, match="palette can only be written to PNG"):
        segkit.imwrite(str(tmp_path / "bad.jpg"), labels, palette=pal)
    assert sorted(os.listdir(tmp_path)) == ["lab.png"]


# ---- PNM -------------------------------------------------------------------------------

def _pnm(magic, w, h, maxval, samples, comment=False):
    head = "P%d\n%s%d %d\n%d\n" % (magic, "# made by a test\n" if comment else "", w, h, maxval)
    if magic in (2, 3):
        body = "\n".join(" ".join(str(int(v)) for v in row) for row in samples) + "\n"
        return head.encode() + body.encode()
    dt = ">u2" if maxval > 255 else np.uint8
    return head.encode() + np.asarray(samples).astype(dt).tobytes()


@pytest.mark.parametrize("maxval", [1, 15, 100, 255, 256, 1000, 4095, 65535])
@pytest.mark.parametrize("magic", [2, 3, 5, 6])
def test_pnm_decode_matches_cv2(magic, maxval, rng):
    for h, w in [(1, 1), (3, 1), (1, 4), (5, 7)]:
        ch = 3 if magic in (3, 6) else 1
        s = rng.integers(0, maxval + 1, (h, w * ch))
        for comment in (False, True):
            check_decode_all_modes(_pnm(magic, w, h, maxval, s, comment),
                                   "P%d maxval %d %dx%d" % (magic, maxval, w, h))


def test_pnm_header_whitespace_and_comments():
    s = np.arange(12, dtype=np.uint8).reshape(2, 6)
    buf = b"P5\n#c1\n 6\t# width\n\n2 #h\r\n255\n" + s.tobytes()
    assert np.array_equal(segkit.imdecode(buf, -1), s)
    assert_same(cv2.imdecode(np.frombuffer(buf, np.uint8), -1), segkit.imdecode(buf, -1))
    buf = b"P2 3 1 9 1\n#x\n 2 9"
    assert np.array_equal(segkit.imdecode(buf, -1), [[255 * 1 // 9, 255 * 2 // 9, 255]])
    # like cv2, the magic must be followed by whitespace
    with pytest.raises(segkit.Error, match="not followed by whitespace"):
        segkit.imdecode(b"P5#c\n1 1 255\n\0", -1)
    # a sample above maxval is an error (cv2 clamps it)
    with pytest.raises(segkit.Error, match="exceeds maxval"):
        segkit.imdecode(b"P2 2 1 9 1 10", -1)
    with pytest.raises(segkit.Error, match="exceeds maxval"):
        segkit.imdecode(b"P5 2 1 9\n\x01\x0a", -1)


# ---- options ---------------------------------------------------------------------------

def test_max_pixels_and_modes():
    p = sample_path("coins.png")  # 384x303
    assert segkit.imread(p, max_pixels=384 * 303).shape == (303, 384, 3)
    with pytest.raises(segkit.Error, match="exceeds the pixel limit 116351"):
        segkit.imread(p, max_pixels=384 * 303 - 1)
    with pytest.raises(segkit.Error, match="unsupported read mode 16"):
        segkit.imread(p, cv2.IMREAD_REDUCED_GRAYSCALE_2)
    with pytest.raises(segkit.Error, match="unsupported parameter"):
        segkit.imencode(".png", np.zeros((2, 2), np.uint8), [cv2.IMWRITE_JPEG_OPTIMIZE, 1])


def test_imdecode_accepts_bytes_and_arrays():
    with open(sample_path("coins.png"), "rb") as f:
        raw = f.read()
    a = segkit.imdecode(raw, segkit.IMREAD_GRAYSCALE)
    b = segkit.imdecode(np.frombuffer(raw, np.uint8), segkit.IMREAD_GRAYSCALE)
    assert_same(cv2.imread(sample_path("coins.png"), 0), a)
    assert np.array_equal(a, b)
    with pytest.raises(segkit.Error, match="uint8"):
        segkit.imdecode(np.zeros(4, np.float32), 1)


# ---- EXIF orientation ------------------------------------------------------------------

def _exif(orientation, big_endian=False):
    if big_endian:
        return (b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01" + struct.pack(">HHIHH", 0x0112, 3, 1,
                                                                  orientation, 0) + b"\0" * 4)
    ex = PILImage.Exif()
    ex[0x0112] = orientation
    return ex.tobytes()


@pytest.mark.parametrize("orientation", range(0, 10))
def test_exif_orientation_like_cv2(orientation, rng):
    # cv2 4.6 rotates/flips JPEG and PNG by their EXIF orientation, except with
    # IMREAD_UNCHANGED or IMREAD_IGNORE_ORIENTATION
    a = cv2.GaussianBlur(rng.integers(0, 256, (24, 40, 3), dtype=np.uint8), (5, 5), 0)
    for fmt in ("JPEG", "PNG"):
        for be in (False, True):
            b = io.BytesIO()
            PILImage.fromarray(a).save(b, fmt, exif=_exif(orientation, be))
            buf = b.getvalue()
            for m in MODES + [cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION,
                              cv2.IMREAD_GRAYSCALE | cv2.IMREAD_IGNORE_ORIENTATION]:
                assert_same(cv2.imdecode(np.frombuffer(buf, np.uint8), m),
                            segkit.imdecode(buf, m), "%s exif %d be=%d mode %d"
                            % (fmt, orientation, be, m))
    if orientation in (5, 6, 7, 8):
        assert segkit.imdecode(buf, segkit.IMREAD_COLOR).shape == (40, 24, 3)


def test_concurrent_decodes_and_errors_are_per_thread():
    # ctypes drops the GIL: decodes and their error messages run truly in parallel
    from concurrent.futures import ThreadPoolExecutor
    good = segkit.imencode(".png", cv2.imread(sample_path("astronaut.png")))[1].tobytes()
    jpg = segkit.imencode(".jpg", cv2.imread(sample_path("astronaut.png")))[1].tobytes()
    want_png, want_jpg = segkit.imdecode(good, 1), segkit.imdecode(jpg, 1)

    def work(i):
        if i % 3 == 0:
            return np.array_equal(segkit.imdecode(good, 1), want_png)
        if i % 3 == 1:
            return np.array_equal(segkit.imdecode(jpg, 1), want_jpg)
        try:
            segkit.imdecode(jpg[:len(jpg) // 2], 1)
        except segkit.Error as e:
            return "Premature end of JPEG file" in str(e)
        return False

    with ThreadPoolExecutor(4) as ex:
        assert all(ex.map(work, range(24)))
