"""`import Halide as hl` works as `import halide as hl` (the seed's second example uses it)."""
import sys as _sys

import halide as _halide

_sys.modules[__name__] = _halide
