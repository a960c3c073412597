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

#endif
