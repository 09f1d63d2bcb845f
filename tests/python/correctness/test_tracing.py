"""Tracing: Func.trace_stores/trace_loads/trace_realizations and the trace_* target features.

What it does: realizes small pipelines with tracing on and compares the printed events, line
for line, with what the reference Halide 21 prints for the same programs (recorded here):
pipeline begin/end, func_type_and_dim tags, realizations, produce/consume, stores and loads,
update definitions, Tuples, vectorized stores (one event per vector), a Func computed at a
consumer's loop; tutorial lesson 4's gradient (serial, and parallel where only the set of
lines is fixed); the trace_all / trace_stores / trace_pipeline target features through
HL_JIT_TARGET in a subprocess; a pipeline compiled ahead of time with a trace feature, run
from C with the program's own halide_trace; and that nothing is printed when nothing is
traced.
What it assumes: under the JIT, events go through halide_print to Python's sys.stdout, as in
the reference's bindings (captured with capfd); integers print in decimal, floats with "%f".
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import halide as hl

x, y = hl.Var("x"), hl.Var("y")


def lines_of(capfd):
    return capfd.readouterr().out.splitlines()


EXPECTED_GRADIENT = 'Begin pipeline gradient.0()\nTag gradient.0() tag = "func_type_and_dim: 1 0 32 1 2 0 2 0 2"\nStore gradient.0(0, 0) = 0\nStore gradient.0(1, 0) = 1\nStore gradient.0(0, 1) = 1\nStore gradient.0(1, 1) = 2\nEnd pipeline gradient.0()\n'.splitlines()

EXPECTED_PRODUCER_CONSUMER = 'Begin pipeline f.0()\nTag h.0() tag = "func_type_and_dim: 1 2 32 1 1 0 4"\nTag f.0() tag = "func_type_and_dim: 1 2 32 1 1 0 3"\nBegin realization f.0(0, 3)\nBegin realization h.0(0, 4)\nProduce h.0(0, 4)\nStore h.0(0) = 0.000000\nStore h.0(1) = 2.500000\nStore h.0(2) = 5.000000\nStore h.0(3) = 7.500000\nEnd produce h.0(0, 4)\nConsume h.0(0, 4)\nProduce f.0(0, 3)\nLoad h.0(0) = 0.000000\nLoad h.0(1) = 2.500000\nLoad h.0(1) = 2.500000\nLoad h.0(2) = 5.000000\nLoad h.0(2) = 5.000000\nLoad h.0(3) = 7.500000\nEnd produce f.0(0, 3)\nEnd consume h.0(0, 4)\nEnd realization h.0(0, 4)\nEnd realization f.0(0, 3)\nEnd pipeline f.0()\n'.splitlines()


def test_stores_and_realizations_as_the_reference(capfd):
    g = hl.Func("gradient")
    g[x, y] = x + y
    g.trace_stores()
    g.realize([2, 2])
    assert lines_of(capfd) == EXPECTED_GRADIENT
    f, h = hl.Func("f"), hl.Func("h")
    h[x] = x * 2.5
    f[x] = h[x] + h[x + 1]
    h.compute_root().trace_stores().trace_loads().trace_realizations()
    f.trace_realizations()
    f.realize([3])
    assert lines_of(capfd) == EXPECTED_PRODUCER_CONSUMER


def test_update_definitions(capfd):
    f = hl.Func("f")
    f[x] = x
    f[x] += 1
    r = hl.RDom([(0, 2)])
    f[r.x] = f[r.x] * 3
    assert f.trace_stores() is f
    f.trace_realizations()
    f.realize([3])
    assert lines_of(capfd) == 'Begin pipeline f.0()\nTag f.0() tag = "func_type_and_dim: 1 0 32 1 1 0 3"\nBegin realization f.0(0, 3)\nProduce f.0(0, 3)\nStore f.0(0) = 0\nStore f.0(1) = 1\nStore f.0(2) = 2\nStore f.0(0) = 1\nStore f.0(1) = 2\nStore f.0(2) = 3\nStore f.0(0) = 3\nStore f.0(1) = 6\nEnd produce f.0(0, 3)\nEnd realization f.0(0, 3)\nEnd pipeline f.0()\n'.splitlines()


def test_tuples(capfd):
    f = hl.Func("t")
    f[x] = (x, hl.f32(x) / 2)
    f.trace_stores()
    f.realize([2])
    assert lines_of(capfd) == 'Begin pipeline t.0()\nTag t.0() tag = "func_type_and_dim: 2 0 32 1 2 32 1 1 0 2"\nStore t.0(0) = 0\nStore t.1(0) = 0.000000\nStore t.0(1) = 1\nStore t.1(1) = 0.500000\nEnd pipeline t.0()\n'.splitlines()


def test_vectorized_stores_are_vector_events(capfd):
    f = hl.Func("v")
    f[x] = x * 2
    f.vectorize(x, 4)
    f.trace_stores()
    f.realize([8])
    assert lines_of(capfd) == 'Begin pipeline v.0()\nTag v.0() tag = "func_type_and_dim: 1 0 32 1 1 0 8"\nStore v.0(<0, 1, 2, 3>) = <0, 2, 4, 6>\nStore v.0(<4, 5, 6, 7>) = <8, 10, 12, 14>\nEnd pipeline v.0()\n'.splitlines()


def test_compute_at_realizations(capfd):
    g, f = hl.Func("g"), hl.Func("f")
    g[x, y] = x + y
    f[x, y] = g[x, y] + g[x, y + 1]
    g.compute_at(f, y)
    g.trace_realizations().trace_stores()
    f.realize([2, 2])
    assert lines_of(capfd) == 'Begin pipeline f.0()\nTag g.0() tag = "func_type_and_dim: 1 0 32 1 2 0 2 0 3"\nBegin realization g.0(0, 2, 0, 2)\nProduce g.0(0, 2, 0, 2)\nStore g.0(0, 0) = 0\nStore g.0(1, 0) = 1\nStore g.0(0, 1) = 1\nStore g.0(1, 1) = 2\nEnd produce g.0(0, 2, 0, 2)\nConsume g.0(0, 2, 0, 2)\nEnd consume g.0(0, 2, 0, 2)\nEnd realization g.0(0, 2, 0, 2)\nBegin realization g.0(0, 2, 1, 2)\nProduce g.0(0, 2, 1, 2)\nStore g.0(0, 1) = 1\nStore g.0(1, 1) = 2\nStore g.0(0, 2) = 2\nStore g.0(1, 2) = 3\nEnd produce g.0(0, 2, 1, 2)\nConsume g.0(0, 2, 1, 2)\nEnd consume g.0(0, 2, 1, 2)\nEnd realization g.0(0, 2, 1, 2)\nEnd pipeline f.0()\n'.splitlines()


def test_lesson_4_gradients(capfd):
    gradient = hl.Func("gradient")
    gradient[x, y] = x + y
    gradient.trace_stores()
    output = gradient.realize([8, 8])
    expected = [f"Store gradient.0({i}, {j}) = {i + j}" for j in range(8) for i in range(8)]
    lines = lines_of(capfd)
    assert lines[0] == "Begin pipeline gradient.0()" and lines[-1] == "End pipeline gradient.0()"
    assert lines[2:-1] == expected
    assert (np.asarray(output) == np.add.outer(np.arange(8), np.arange(8))).all()
    parallel_gradient = hl.Func("parallel_gradient")
    parallel_gradient[x, y] = x + y
    parallel_gradient.trace_stores()
    parallel_gradient.parallel(y)
    parallel_gradient.realize([8, 8])
    lines = lines_of(capfd)
    assert sorted(lines[2:-1]) == sorted(line.replace("gradient", "parallel_gradient") for line in expected)


def test_loads_of_a_vectorized_consumer(capfd):
    h, f = hl.Func("h"), hl.Func("f")
    h[x] = x * 3
    f[x] = h[x] + 1
    h.compute_root().trace_loads()
    f.vectorize(x, 4)
    f.realize([4])
    lines = lines_of(capfd)
    assert lines == ["Begin pipeline f.0()", "Load h.0(<0, 1, 2, 3>) = <0, 3, 6, 9>", "End pipeline f.0()"]


def test_nothing_traced_prints_nothing(capfd):
    f = hl.Func("quiet")
    f[x] = x
    f.realize([4])
    assert capfd.readouterr().out == ""


SCRIPT = textwrap.dedent(
    """\
    import halide as hl
    x = hl.Var("x")
    h, f = hl.Func("h"), hl.Func("f")
    h[x] = x + 1
    f[x] = h[x] * 2
    h.compute_root()
    f.realize([2])
    """
)


@pytest.mark.parametrize("features,expected", [
    ("trace_stores", ["Begin pipeline f.0()", 'Tag h.0() tag = "func_type_and_dim: 1 0 32 1 1 0 2"',
                      'Tag f.0() tag = "func_type_and_dim: 1 0 32 1 1 0 2"',
                      "Store h.0(0) = 1", "Store h.0(1) = 2", "Store f.0(0) = 2", "Store f.0(1) = 4",
                      "End pipeline f.0()"]),
    ("trace_pipeline", ["Begin pipeline f.0()", "End pipeline f.0()"]),
    ("trace_all", None),
])
def test_target_features_through_the_jit_environment(tmp_path, features, expected):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    env = dict(os.environ, HL_JIT_TARGET="host-" + features)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(hl.__file__))] + sys.path)
    r = subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    if expected is not None:
        assert lines == expected
    else:  # trace_all: loads, stores and realizations of both Funcs
        for event in ("Load h.0(0) = 1", "Store f.0(1) = 4", "Begin realization h.0(0, 2)", "Produce f.0(0, 2)",
                      "End consume h.0(0, 2)", "End realization f.0(0, 2)"):
            assert event in lines, event


DRIVER = textwrap.dedent(
    """\
    #include "traced.h"
    #include <stdio.h>
    #include <string.h>
    static int events = 0;
    int32_t halide_trace(void *uc, const struct halide_trace_event_t *e) {
        (void)uc;
        if (e->event == halide_trace_store) {
            events++;
            printf("custom store %s %d = %u\\n", e->func, e->coordinates[0], *(const uint16_t *)e->value);
        }
        return 0;
    }
    int main(void) {
        uint8_t in[3] = {1, 2, 3};
        uint16_t out[3];
        halide_dimension_t din = {0, 3, 1, 0}, dout = {0, 3, 1, 0};
        halide_buffer_t bin, bout;
        memset(&bin, 0, sizeof bin);
        memset(&bout, 0, sizeof bout);
        bin.host = in; bin.type.code = halide_type_uint; bin.type.bits = 8; bin.type.lanes = 1;
        bin.dimensions = 1; bin.dim = &din;
        bout.host = (uint8_t *)out; bout.type.code = halide_type_uint; bout.type.bits = 16; bout.type.lanes = 1;
        bout.dimensions = 1; bout.dim = &dout;
        int r = traced(&bin, &bout);
        printf("result %d events %d out %u %u %u\\n", r, events, out[0], out[1], out[2]);
        return r;
    }
    """
)


def test_ahead_of_time_with_a_trace_feature(tmp_path):
    inp = hl.ImageParam(hl.UInt(8), 1, "inp")
    f = hl.Func("traced")
    f[x] = hl.u16(inp[x]) * 3
    f.compile_to_file(str(tmp_path / "traced"), [inp], "traced", hl.Target("host-trace_stores"))
    (tmp_path / "main.c").write_text(DRIVER)
    exe = tmp_path / "main"
    subprocess.run(["cc", "-O1", "-o", str(exe), str(tmp_path / "main.c"), str(tmp_path / "traced.o"), "-lpthread",
                    "-lm", "-ldl"], check=True, cwd=tmp_path)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["custom store traced 0 = 3", "custom store traced 1 = 6",
                                     "custom store traced 2 = 9", "result 0 events 3 out 3 6 9"]


def test_image_param_trace_loads(capfd):
    ip = hl.ImageParam(hl.UInt(8), 1, "ip")
    f = hl.Func("f")
    f[x] = ip[x] + 1
    assert ip.trace_loads() is None
    ip.set(hl.Buffer(np.arange(4, dtype=np.uint8)))
    f.realize([3])
    assert lines_of(capfd) == ["Begin pipeline f.0()", 'Tag ip.0() tag = "func_type_and_dim: 1 1 8 1 1 0 3"',
                               "Load ip.0(0) = 0", "Load ip.0(1) = 1", "Load ip.0(2) = 2", "End pipeline f.0()"]
