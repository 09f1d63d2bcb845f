# The seed's second example, as written: a 3x3 dilate compiled ahead of time by pygen.
# Run: PYTHONPATH=build/python python3 apps/dilate3x3.py -g dilate3x3 -o out/dilate3x3.o \
#          -e o,h -f dilate3x3 target=host
import Halide as hl
import pygen

params = pygen.get_params()
target = params["target"]

input_img = hl.ImageParam(hl.UInt(8), 2)
x, y, yo = hl.Var("x"), hl.Var("y"), hl.Var("yo")
bounded_input, max_y, output = hl.Func("bounded_input"), hl.Func("max_y"), hl.Func("output")

# Algorithm
height = input_img.height()
width = input_img.dim(0).extent()
x_min = input_img.dim(0).min()

bounded_input[x, y] = hl.BoundaryConditions.repeat_edge(
    input_img, [(x_min, width), (hl.Expr(), hl.Expr())])[x, y]

max_y[x, y] = hl.max(bounded_input[x, hl.clamp(y - 1, 0, height - 1)],
                    bounded_input[x, hl.clamp(y, 0, height - 1)],
                    bounded_input[x, hl.clamp(y + 1, 0, height - 1)])

output[x, y] = hl.max(max_y[x - 1, y], max_y[x, y], max_y[x + 1, y])

# Schedule
if target.has_feature(hl.TargetFeature.HVX):
    output.hexagon()

# Compile
pygen.compile(output, [input_img])
