/* dilate3x3_driver.c - a C program that links the object pygen made from apps/dilate3x3.py.
 *
 * Reads a binary PGM (P5, 8-bit) image, runs dilate3x3 on it through the generated header's
 * ABI (halide_buffer_t arguments, 0 on success), and writes the result as PGM.
 * Usage: dilate3x3_driver in.pgm out.pgm
 */
#include "dilate3x3.h"

#include <stdio.h>
#include <stdlib.h>

static unsigned char *read_pgm(const char *path, int *w, int *h) {
    FILE *f = fopen(path, "rb");
    int maxval;
    if (!f || fscanf(f, "P5 %d %d %d", w, h, &maxval) != 3 || maxval != 255) {
        if (f) fclose(f);
        return NULL;
    }
    fgetc(f);
    unsigned char *data = malloc((size_t)*w * (size_t)*h);
    if (data && fread(data, 1, (size_t)*w * (size_t)*h, f) != (size_t)*w * (size_t)*h) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s in.pgm out.pgm\n", argv[0]);
        return 2;
    }
    int w, h;
    unsigned char *in = read_pgm(argv[1], &w, &h);
    unsigned char *out = in ? malloc((size_t)w * (size_t)h) : NULL;
    if (!in || !out) {
        fprintf(stderr, "can't read %s\n", argv[1]);
        return 1;
    }
    halide_dimension_t dims[2] = {{0, w, 1, 0}, {0, h, w, 0}};
    halide_buffer_t input = {0}, output = {0};
    input.host = in;
    input.type.code = halide_type_uint;
    input.type.bits = 8;
    input.type.lanes = 1;
    input.dimensions = 2;
    input.dim = dims;
    output = input;
    output.host = out;
    int result = dilate3x3(&input, &output);
    if (result != 0) {
        fprintf(stderr, "dilate3x3 failed: %d\n", result);
        return 1;
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f) return 1;
    fprintf(f, "P5\n%d %d\n255\n", w, h);
    fwrite(out, 1, (size_t)w * (size_t)h, f);
    fclose(f);
    free(in);
    free(out);
    return 0;
}
