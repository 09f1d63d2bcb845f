"""halide.imageio: images in and out as NumPy arrays in Halide's planar layout.

What it does: writes PNGs with Pillow and reads them back through halide.imageio (gray,
RGB, RGBA), checks colour images come back planar (channel, row, column) so hl.Buffer indexes
them [x, y, c]; writes planar arrays, interleaved arrays and Buffers and reads the files with
Pillow; checks the layout helpers (always copies, interleaved <-> planar) and runs a lesson-2
style brighten from file to file.
What it assumes: Pillow (a dependency of the package); the reference module's behaviour
(Halide 21), which these cases were checked against.
"""

import numpy as np
import pytest
from PIL import Image

import halide as hl
import halide.imageio as io
from conftest import IS_HALIDE_C


def rgb_image(h=6, w=8, channels=3):
    return (np.arange(h * w * channels) * 7 % 256).astype(np.uint8).reshape(h, w, channels)


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_read_is_planar_for_colour(tmp_path, channels):
    img = rgb_image(channels=channels)
    data = img[:, :, 0] if channels == 1 else img
    Image.fromarray(data).save(tmp_path / "in.png")
    a = io.imread(str(tmp_path / "in.png"))
    if channels == 1:
        assert a.shape == (6, 8) and (a == data).all()
    else:
        assert a.shape == (channels, 6, 8) and not io.is_interleaved(a)
        assert (np.moveaxis(a, 0, -1) == img).all()
        b = hl.Buffer(a)
        assert (b.width(), b.height(), b.channels()) == (8, 6, channels)
        assert b[2, 1, 0] == img[1, 2, 0]


@pytest.mark.parametrize("kind", ["planar", "interleaved", "buffer"])
def test_write(tmp_path, kind):
    img = rgb_image()
    planar = np.ascontiguousarray(np.moveaxis(img, -1, 0))
    what = {"planar": planar, "interleaved": img, "buffer": hl.Buffer(planar)}[kind]
    io.imwrite(str(tmp_path / "out.png"), what)
    assert (np.asarray(Image.open(tmp_path / "out.png")) == img).all()


def test_layout_helpers_copy():
    img = rgb_image()
    assert io.is_interleaved(img) and not io.is_interleaved(np.moveaxis(img, -1, 0))
    planar = io.copy_to_planar(img)
    assert planar.shape == (3, 6, 8) and planar.flags.c_contiguous
    back = io.copy_to_interleaved(planar)
    assert (back == img).all() and back is not img
    same = io.copy_to_planar(planar)
    assert (same == planar).all()
    if IS_HALIDE_C:  # a copy, as the docstring promises (the reference returns its input here)
        assert same is not planar
    gray = np.zeros((5, 5), np.uint8)
    assert not io.is_interleaved(gray) and (io.copy_to_interleaved(gray) == gray).all()
    if IS_HALIDE_C:
        assert io.copy_to_interleaved(gray) is not gray


def test_brighten_from_file_to_file(tmp_path):
    img = rgb_image(12, 10)
    Image.fromarray(img).save(tmp_path / "in.png")
    inp = hl.Buffer(io.imread(str(tmp_path / "in.png")))
    x, y, c = hl.Var("x"), hl.Var("y"), hl.Var("c")
    brighter = hl.Func("brighter")
    brighter[x, y, c] = hl.u8(hl.min(hl.f32(inp[x, y, c]) * 1.5, 255.0))
    out = brighter.realize([inp.width(), inp.height(), inp.channels()])
    io.imwrite(str(tmp_path / "out.png"), out)
    want = np.minimum(img.astype(np.float32) * 1.5, 255).astype(np.uint8)
    assert (np.asarray(Image.open(tmp_path / "out.png")) == want).all()
