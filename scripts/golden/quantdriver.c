// Golden-file driver for ggufkit's quantization tests.
//
// Links against ggml-quants.c from llama.cpp's source (downloaded by
// scripts/make-quant-goldens.sh, never committed) and runs ggml's own
// quantizer entry points on raw little-endian F32 input, so the Swift
// implementation can be checked byte for byte against the real thing.
//
// usage: quantdriver TYPE ROW_LENGTH INPUT.f32 IMPORTANCE.f32|- OUTPUT.bin
//   TYPE is one of q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K iq2_xxs iq2_xs iq3_xxs iq1_s iq4_nl iq3_s iq2_s iq4_xs iq1_m.
//   IMPORTANCE holds ROW_LENGTH floats, or "-" for none.

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml.h"

typedef size_t (*quantize_fn)(const float * src, void * dst, int64_t nrows, int64_t n_per_row, const float * imatrix);

size_t quantize_q4_0(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q4_1(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q5_0(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q5_1(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q8_0(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q2_K(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q3_K(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q4_K(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q5_K(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_q6_K(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq2_xxs(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq2_xs(const float *, void *, int64_t, int64_t, const float *);
void iq2xs_init_impl(enum ggml_type type);
size_t quantize_iq3_xxs(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq3_s(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq4_nl(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq4_xs(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq2_s(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq1_s(const float *, void *, int64_t, int64_t, const float *);
size_t quantize_iq1_m(const float *, void *, int64_t, int64_t, const float *);

// Builds the IQ3 grids' maps and neighbour lists (ggml_quantize_init does this in llama.cpp).
void iq3xs_init_impl(int grid_size);

struct format {
    const char * name;
    enum ggml_type type;
    int block_elements;
    int block_bytes;
    quantize_fn quantize;
    // ggml refuses these without importance; "-" then means all-ones weights, which is what
    // ggufkit's encoders use when given none.
    int needs_importance;
};

static const struct format formats[] = {
    { "q4_0", GGML_TYPE_Q4_0,  32,  18, quantize_q4_0 },
    { "q4_1", GGML_TYPE_Q4_1,  32,  20, quantize_q4_1 },
    { "q5_0", GGML_TYPE_Q5_0,  32,  22, quantize_q5_0 },
    { "q5_1", GGML_TYPE_Q5_1,  32,  24, quantize_q5_1 },
    { "q8_0", GGML_TYPE_Q8_0,  32,  34, quantize_q8_0 },
    { "q2_K", GGML_TYPE_Q2_K, 256,  84, quantize_q2_K },
    { "q3_K", GGML_TYPE_Q3_K, 256, 110, quantize_q3_K },
    { "q4_K", GGML_TYPE_Q4_K, 256, 144, quantize_q4_K },
    { "q5_K", GGML_TYPE_Q5_K, 256, 176, quantize_q5_K },
    { "q6_K", GGML_TYPE_Q6_K, 256, 210, quantize_q6_K },
    { "iq2_xxs", GGML_TYPE_IQ2_XXS, 256, 66, quantize_iq2_xxs, 1 },
    { "iq2_xs", GGML_TYPE_IQ2_XS, 256, 74, quantize_iq2_xs, 1 },
    { "iq3_xxs", GGML_TYPE_IQ3_XXS, 256, 98, quantize_iq3_xxs },
    { "iq1_s", GGML_TYPE_IQ1_S, 256, 50, quantize_iq1_s, 1 },
    { "iq4_nl", GGML_TYPE_IQ4_NL, 32, 18, quantize_iq4_nl },
    { "iq3_s", GGML_TYPE_IQ3_S, 256, 110, quantize_iq3_s },
    { "iq2_s", GGML_TYPE_IQ2_S, 256, 82, quantize_iq2_s },
    { "iq4_xs", GGML_TYPE_IQ4_XS, 256, 136, quantize_iq4_xs },
    { "iq1_m", GGML_TYPE_IQ1_M, 256, 56, quantize_iq1_m },
};

static const struct format * find_format_by_type(enum ggml_type type) {
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); ++i) {
        if (formats[i].type == type) return &formats[i];
    }
    return NULL;
}

// The handful of ggml.c symbols ggml-quants.c refers to; the real ggml.c would
// drag in the whole library, and only row sizes are ever asked for here.
void ggml_abort(const char * file, int line, const char * fmt, ...) {
    va_list args;
    fprintf(stderr, "ggml abort at %s:%d: ", file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    abort();
}

size_t ggml_type_size(enum ggml_type type) {
    const struct format * f = find_format_by_type(type);
    if (!f) ggml_abort(__FILE__, __LINE__, "type %d not supported by the driver", (int) type);
    return (size_t) f->block_bytes;
}

size_t ggml_row_size(enum ggml_type type, int64_t ne) {
    const struct format * f = find_format_by_type(type);
    if (!f) ggml_abort(__FILE__, __LINE__, "type %d not supported by the driver", (int) type);
    return (size_t) (ne / f->block_elements) * (size_t) f->block_bytes;
}

const char * ggml_type_name(enum ggml_type type) {
    const struct format * f = find_format_by_type(type);
    return f ? f->name : "unknown";
}

static void * read_file(const char * path, size_t * size) {
    FILE * file = fopen(path, "rb");
    if (!file) { perror(path); exit(1); }
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    void * data = malloc(length > 0 ? (size_t) length : 1);
    if (!data || fread(data, 1, (size_t) length, file) != (size_t) length) { perror(path); exit(1); }
    fclose(file);
    *size = (size_t) length;
    return data;
}

int main(int argc, char ** argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s TYPE ROW_LENGTH INPUT.f32 IMPORTANCE.f32|- OUTPUT.bin\n", argv[0]);
        return 2;
    }
    const struct format * format = NULL;
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); ++i) {
        if (strcmp(formats[i].name, argv[1]) == 0) format = &formats[i];
    }
    if (!format) { fprintf(stderr, "unknown type %s\n", argv[1]); return 2; }

    const long row_length = strtol(argv[2], NULL, 10);
    if (row_length <= 0 || row_length % format->block_elements != 0) {
        fprintf(stderr, "row length %ld is not a positive multiple of %d\n", row_length, format->block_elements);
        return 2;
    }

    size_t input_bytes = 0;
    float * input = read_file(argv[3], &input_bytes);
    const size_t elements = input_bytes / sizeof(float);
    if (elements == 0 || elements % (size_t) row_length != 0) {
        fprintf(stderr, "input holds %zu floats, not a whole number of rows\n", elements);
        return 2;
    }
    const int64_t rows = (int64_t) (elements / (size_t) row_length);

    float * importance = NULL;
    if (strcmp(argv[4], "-") != 0) {
        size_t importance_bytes = 0;
        importance = read_file(argv[4], &importance_bytes);
        if (importance_bytes != (size_t) row_length * sizeof(float)) {
            fprintf(stderr, "importance holds %zu bytes, expected %ld floats\n", importance_bytes, row_length);
            return 2;
        }
    }

    if (!importance && format->needs_importance) {
        importance = malloc((size_t) row_length * sizeof(float));
        for (long i = 0; i < row_length; ++i) importance[i] = 1.0f;
    }
    // The lattice formats' grids and neighbour lists (ggml_quantize_init in ggml.c).
    if (format->type == GGML_TYPE_IQ2_XXS || format->type == GGML_TYPE_IQ2_XS || format->type == GGML_TYPE_IQ2_S ||
        format->type == GGML_TYPE_IQ1_S || format->type == GGML_TYPE_IQ1_M) {
        iq2xs_init_impl(format->type);
    }
    if (format->type == GGML_TYPE_IQ3_XXS) iq3xs_init_impl(256);
    if (format->type == GGML_TYPE_IQ3_S) iq3xs_init_impl(512);

    const size_t output_bytes = (size_t) rows * ggml_row_size(format->type, row_length);
    void * output = calloc(output_bytes, 1);
    const size_t written = format->quantize(input, output, rows, row_length, importance);
    if (written != output_bytes) {
        fprintf(stderr, "quantizer wrote %zu bytes, expected %zu\n", written, output_bytes);
        return 1;
    }

    FILE * out = fopen(argv[5], "wb");
    if (!out || fwrite(output, 1, output_bytes, out) != output_bytes || fclose(out) != 0) {
        perror(argv[5]);
        return 1;
    }
    free(output);
    free(importance);
    free(input);
    return 0;
}
