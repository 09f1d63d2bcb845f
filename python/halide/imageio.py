"""halide.imageio: reading and writing images as NumPy arrays in Halide's layout.

Image files store colour pixels interleaved (row, column, channel); Halide pipelines usually
index them planar, x and y first and the channel last, which for a NumPy array handed to
hl.Buffer (axes reversed) is the shape (channel, row, column). imread returns that planar
form for 3-dimensional images that look interleaved; imwrite accepts it (or a Buffer, or an
interleaved array) and writes an interleaved copy. The files are read and written by Pillow
(or by the imageio package when it is installed), as Halide's own module wraps imageio.

What it assumes: a 3-dimensional array "looks interleaved" when its last axis has at most 4
entries and its first more than 4, and planar the other way round (tiny images are taken as
they are). What it guarantees: the copy_* helpers always return a new array.
"""
import numpy as np

try:  # Halide's module wraps imageio; Pillow (a dependency) reads and writes the common formats.
    import imageio.v2 as _imageio
except ImportError:  # pragma: no cover - depends on the environment
    _imageio = None


def is_interleaved(im):
    """True when im is 3-dimensional and looks interleaved (row, column, channel)."""
    a = np.asarray(im)
    return a.ndim == 3 and a.shape[2] <= 4 < a.shape[0]


def _is_planar(a):
    return a.ndim == 3 and a.shape[0] <= 4 < a.shape[2]


def copy_to_interleaved(im):
    """A copy of im in interleaved layout when it looks planar; otherwise an unchanged copy."""
    a = np.asarray(im)
    return np.ascontiguousarray(np.moveaxis(a, 0, -1)) if _is_planar(a) else a.copy()


def copy_to_planar(im):
    """A copy of im in planar layout when it looks interleaved; otherwise an unchanged copy."""
    a = np.asarray(im)
    return np.ascontiguousarray(np.moveaxis(a, -1, 0)) if is_interleaved(a) else a.copy()


def imread(uri, format=None, **kwargs):
    """The image at uri as a NumPy array; a 3-dimensional (colour) image comes back planar,
    shaped (channel, row, column), so that hl.Buffer(imread(...)) is indexed [x, y, c]."""
    if _imageio is not None:
        a = np.asarray(_imageio.imread(uri, format=format, **kwargs))
    else:
        from PIL import Image

        with Image.open(uri, formats=[format] if format else None) as img:
            a = np.asarray(img)
    return copy_to_planar(a) if is_interleaved(a) else a


def imwrite(uri, im, format=None, **kwargs):
    """Writes im (a NumPy array or a Buffer, planar or interleaved) to uri; a planar colour
    image is written from an interleaved copy."""
    a = np.asarray(im)
    if _is_planar(a):
        a = copy_to_interleaved(a)
    if _imageio is not None:
        _imageio.imwrite(uri, a, format=format, **kwargs)
        return
    from PIL import Image

    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    try:
        img = Image.fromarray(np.ascontiguousarray(a))
    except TypeError as e:
        raise ValueError(f"imwrite: can't write an image of shape {a.shape} and type {a.dtype}: {e}") from None
    img.save(uri, format=format, **kwargs)
