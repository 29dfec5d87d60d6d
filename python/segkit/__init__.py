"""segkit: image segmentation toolkit, Python binding over libsegkit (ctypes + numpy).

Names follow cv2's in snake_case with cv2's argument order and constants, so code can
switch line by line: segkit.imread, segkit.cvt_color(img, segkit.COLOR_BGR2LAB), ...
Every failure raises segkit.Error carrying the library's message.

Each public module of this package (a file not starting with '_') is imported here and
its __all__ re-exported, so adding an operation's binding is adding one file.
"""
import importlib as _importlib
import pkgutil as _pkgutil

from ._lib import Error  # noqa: F401

__all__ = ["Error"]
for _m in sorted(_pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _m.name.startswith("_"):
        continue
    _mod = _importlib.import_module("." + _m.name, __name__)
    for _name in getattr(_mod, "__all__", []):
        globals()[_name] = getattr(_mod, _name)
        __all__.append(_name)
del _m, _mod, _name
