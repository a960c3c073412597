#ifndef GGUFKIT_CALIBRATION_DATA_H
#define GGUFKIT_CALIBRATION_DATA_H

#include <stddef.h>

/// The number of files in the built-in calibration corpus (the repository's calibration/*.txt).
size_t ggufkit_calibration_file_count(void);

/// The name of file `index` (NUL-terminated), or NULL when `index` is out of range.
const char *ggufkit_calibration_file_name(size_t index);

/// The bytes of file `index` (UTF-8 text, not NUL-terminated) with their count in `*length`,
/// or NULL (and 0) when `index` is out of range.
const unsigned char *ggufkit_calibration_file_bytes(size_t index, size_t *length);

/// The name of the built-in validation text (calibration/validation/*.txt), which `--validate` scores
/// on by default. It is kept apart from the calibration files: the corpus never includes it.
const char *ggufkit_validation_text_name(void);

/// The bytes of the built-in validation text (UTF-8, not NUL-terminated), their count in `*length`.
const unsigned char *ggufkit_validation_text_bytes(size_t *length);

#endif
