"""hl.BoundaryConditions: Funcs that extend a Func, Buffer or ImageParam beyond its bounds.

Each function takes the source, optionally a list of (min, extent) pairs - one per
dimension, where (hl.Expr(), hl.Expr()) leaves that dimension alone - and returns a new
Func defined everywhere. For Buffers and ImageParams the bounds default to the source's own.
These only compose public operators (clamp, select, %), so they are as fast as writing the
same expressions by hand.
"""
from . import _halide as _hl


def _bounds(source, bounds):
    if bounds is not None:
        return [(b.min, b.extent) if hasattr(b, "extent") else tuple(b) for b in bounds]
    if isinstance(source, _hl.Func):
        raise _hl.HalideError("BoundaryConditions on a Func need explicit bounds")
    if isinstance(source, _hl.ImageParam):
        return [(source.dim(i).min(), source.dim(i).extent()) for i in range(source.dimensions())]
    return [(source.dim(i).min(), source.dim(i).extent()) for i in range(source.dimensions())]


def _defined(e):
    return not (isinstance(e, _hl.Expr) and not e.defined())


def _dims(source, bounds):
    if isinstance(source, _hl.Func):
        return source.dimensions()
    return source.dimensions() if hasattr(source, "dimensions") else len(bounds)


def _wrap(source, bounds, name, coordinate):
    """A Func f(args) = source(coordinate(arg, min, extent) per bounded dimension)."""
    bounds = _bounds(source, bounds)
    n = _dims(source, bounds)
    if len(bounds) > n:
        raise _hl.HalideError(
            f"BoundaryConditions.{name}: {len(bounds)} bounds given for a source of {n} dimensions")
    args = [_hl.Var() for _ in range(n)]
    coords = []
    for i, a in enumerate(args):
        if i < len(bounds) and _defined(bounds[i][0]) and _defined(bounds[i][1]):
            coords.append(coordinate(a, bounds[i][0], bounds[i][1]))
        else:
            coords.append(a)
    f = _hl.Func(name)
    f[args] = source[coords] if coords else source[()]
    return f, args, bounds


def repeat_edge(source, bounds=None):
    """Coordinates outside the bounds read the nearest edge."""
    return _wrap(source, bounds, "repeat_edge",
                 lambda a, mn, ext: _hl.clamp(a, mn, mn + ext - 1))[0]


def repeat_image(source, bounds=None):
    """The source tiles the plane."""
    return _wrap(source, bounds, "repeat_image",
                 lambda a, mn, ext: (a - mn) % ext + mn)[0]


def mirror_image(source, bounds=None):
    """The source is reflected at its edges, the edge pixel repeated (abccba)."""
    def coordinate(a, mn, ext):
        m = (a - mn) % (2 * ext)
        # The clamp changes no value; it lets bounds inference see the result's range.
        return _hl.clamp(_hl.min(m, 2 * ext - 1 - m), 0, ext - 1) + mn
    return _wrap(source, bounds, "mirror_image", coordinate)[0]


def mirror_interior(source, bounds=None):
    """The source is reflected at its edges without repeating the edge pixel (abcbab)."""
    def coordinate(a, mn, ext):
        period = _hl.max(2 * (ext - 1), 1)
        m = (a - mn) % period
        return _hl.clamp(_hl.select(m < ext, m, period - m), 0, ext - 1) + mn
    return _wrap(source, bounds, "mirror_interior", coordinate)[0]


def constant_exterior(source, value, bounds=None):
    """Coordinates outside the bounds read `value` (a number, Expr, or tuple for Tuples)."""
    inner, args, bounds = _wrap(source, bounds, "constant_exterior_inner",
                                lambda a, mn, ext: _hl.clamp(a, mn, mn + ext - 1))
    outside = None
    for i, a in enumerate(args):
        if i < len(bounds) and _defined(bounds[i][0]) and _defined(bounds[i][1]):
            mn, ext = bounds[i]
            c = (a < mn) | (a >= mn + ext)
            outside = c if outside is None else (outside | c)
    f = _hl.Func("constant_exterior")
    inside = inner[args]
    if outside is None:
        f[args] = inside
    elif isinstance(inside, tuple):
        values = value if isinstance(value, (tuple, list)) else (value,) * len(inside)
        f[args] = tuple(_hl.select(outside, _hl.cast(v.type(), w), v) for v, w in zip(inside, values))
    else:
        f[args] = _hl.select(outside, _hl.cast(inside.type(), value), inside)
    return f
