// The built-in calibration corpus, compiled into the binary so that a copied ggufkit
// executable needs no data files. `#embed` resolves paths relative to this file, so the
// repository's calibration/ folder is found the same way in debug, release and clean builds,
// and the compiler's dependency file makes an edited corpus file trigger a rebuild.
// The list must name exactly the calibration/*.txt files, in byte order of their names;
// CalibrationTests checks that it does.

#include "CCalibrationData.h"

// #embed is C23; clang accepts it in earlier modes as an extension.
#pragma clang diagnostic ignored "-Wc23-extensions"

static const unsigned char file_code_c[] = {
#embed "../../calibration/code-c.txt"
};

static const unsigned char file_code_cpp[] = {
#embed "../../calibration/code-cpp.txt"
};

static const unsigned char file_code_go[] = {
#embed "../../calibration/code-go.txt"
};

static const unsigned char file_code_javascript[] = {
#embed "../../calibration/code-javascript.txt"
};

static const unsigned char file_code_python[] = {
#embed "../../calibration/code-python.txt"
};

static const unsigned char file_code_rust[] = {
#embed "../../calibration/code-rust.txt"
};

static const unsigned char file_en_alice_in_wonderland[] = {
#embed "../../calibration/en-alice-in-wonderland.txt"
};

static const unsigned char file_en_botchan[] = {
#embed "../../calibration/en-botchan.txt"
};

static const unsigned char file_en_sqlite_essays[] = {
#embed "../../calibration/en-sqlite-essays.txt"
};

static const unsigned char file_en_us_constitution[] = {
#embed "../../calibration/en-us-constitution.txt"
};

static const unsigned char file_math_sympy_guide[] = {
#embed "../../calibration/math-sympy-guide.txt"
};

static const unsigned char file_math_worked_problems[] = {
#embed "../../calibration/math-worked-problems.txt"
};

static const unsigned char file_zh_arithmetic[] = {
#embed "../../calibration/zh-arithmetic.txt"
};

static const unsigned char file_zh_kicad_manual[] = {
#embed "../../calibration/zh-kicad-manual.txt"
};

static const unsigned char file_zh_nahan_luxun[] = {
#embed "../../calibration/zh-nahan-luxun.txt"
};

static const unsigned char file_zh_sanguo_yanyi[] = {
#embed "../../calibration/zh-sanguo-yanyi.txt"
};

static const struct {
    const char *name;
    const unsigned char *bytes;
    size_t length;
} files[] = {
    {"code-c.txt", file_code_c, sizeof file_code_c},
    {"code-cpp.txt", file_code_cpp, sizeof file_code_cpp},
    {"code-go.txt", file_code_go, sizeof file_code_go},
    {"code-javascript.txt", file_code_javascript, sizeof file_code_javascript},
    {"code-python.txt", file_code_python, sizeof file_code_python},
    {"code-rust.txt", file_code_rust, sizeof file_code_rust},
    {"en-alice-in-wonderland.txt", file_en_alice_in_wonderland, sizeof file_en_alice_in_wonderland},
    {"en-botchan.txt", file_en_botchan, sizeof file_en_botchan},
    {"en-sqlite-essays.txt", file_en_sqlite_essays, sizeof file_en_sqlite_essays},
    {"en-us-constitution.txt", file_en_us_constitution, sizeof file_en_us_constitution},
    {"math-sympy-guide.txt", file_math_sympy_guide, sizeof file_math_sympy_guide},
    {"math-worked-problems.txt", file_math_worked_problems, sizeof file_math_worked_problems},
    {"zh-arithmetic.txt", file_zh_arithmetic, sizeof file_zh_arithmetic},
    {"zh-kicad-manual.txt", file_zh_kicad_manual, sizeof file_zh_kicad_manual},
    {"zh-nahan-luxun.txt", file_zh_nahan_luxun, sizeof file_zh_nahan_luxun},
    {"zh-sanguo-yanyi.txt", file_zh_sanguo_yanyi, sizeof file_zh_sanguo_yanyi},
};

size_t ggufkit_calibration_file_count(void) {
    return sizeof files / sizeof files[0];
}

const char *ggufkit_calibration_file_name(size_t index) {
    return index < ggufkit_calibration_file_count() ? files[index].name : NULL;
}

const unsigned char *ggufkit_calibration_file_bytes(size_t index, size_t *length) {
    if (index >= ggufkit_calibration_file_count()) {
        *length = 0;
        return NULL;
    }
    *length = files[index].length;
    return files[index].bytes;
}

// The validation text lives in a subfolder so that neither this list nor a corpus loaded from
// calibration/ (folders are not read recursively) can take it for calibration.
static const unsigned char validation_text[] = {
#embed "../../calibration/validation/en-loc-electronic-texts.txt"
};

const char *ggufkit_validation_text_name(void) {
    return "en-loc-electronic-texts.txt";
}

const unsigned char *ggufkit_validation_text_bytes(size_t *length) {
    *length = sizeof validation_text;
    return validation_text;
}
