// Reference token ids from llama.cpp's own tokenizer (libllama), for comparing
// ggufkit's Tokenizers module against the real thing.
//
// Usage: ggufkit-llama-tokenize MODEL.gguf < requests
// Each request on stdin is a header line "ADD_SPECIAL PARSE_SPECIAL BYTE_COUNT" (0/1 0/1 n)
// followed by exactly BYTE_COUNT bytes of text; for each request one line of
// space-separated token ids is written to stdout. Only the vocabulary is loaded.
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include "llama.h"

static void quiet(enum ggml_log_level level, const char * text, void * user) {
    (void) level; (void) text; (void) user;
}

int main(int argc, char ** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.gguf < requests\n", argv[0]);
        return 2;
    }
    llama_log_set(quiet, NULL);
    llama_backend_init();
    struct llama_model_params params = llama_model_default_params();
    params.vocab_only = true;
    struct llama_model * model = llama_model_load_from_file(argv[1], params);
    if (model == NULL) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    const struct llama_vocab * vocab = llama_model_get_vocab(model);

    int add_special, parse_special;
    long length;
    while (scanf("%d %d %ld", &add_special, &parse_special, &length) == 3) {
        if (getchar() != '\n' || length < 0 || length > (1L << 30)) {
            fprintf(stderr, "malformed request header\n");
            return 1;
        }
        char * text = malloc((size_t) length + 1);
        if (text == NULL || fread(text, 1, (size_t) length, stdin) != (size_t) length) {
            fprintf(stderr, "short request body\n");
            return 1;
        }
        // Room for one token per byte plus BOS/EOS; retried with the exact size if short.
        int32_t capacity = (int32_t) length + 8;
        llama_token * ids = malloc(sizeof(llama_token) * (size_t) capacity);
        int32_t count = llama_tokenize(vocab, text, (int32_t) length, ids, capacity, add_special != 0, parse_special != 0);
        if (count < 0) {
            capacity = -count;
            ids = realloc(ids, sizeof(llama_token) * (size_t) capacity);
            count = llama_tokenize(vocab, text, (int32_t) length, ids, capacity, add_special != 0, parse_special != 0);
        }
        for (int32_t i = 0; i < count; i++) {
            printf(i == 0 ? "%d" : " %d", ids[i]);
        }
        printf("\n");
        fflush(stdout);
        free(ids);
        free(text);
    }
    llama_model_free(model);
    return 0;
}
