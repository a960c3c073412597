#ifndef GGUFKIT_CLEANUP_SIGNALS_H
#define GGUFKIT_CLEANUP_SIGNALS_H

#include <stddef.h>

/// Remembers a temporary file to delete if the process is stopped by a signal.
/// Returns a slot for ggufkit_cleanup_forget, or -1 when the table is full or the path too long.
int ggufkit_cleanup_remember(const char *path);
/// Forgets a slot from ggufkit_cleanup_remember (after the file was renamed or deleted).
void ggufkit_cleanup_forget(int slot);

/// Remembers a read-only mapping of an input file so that a bus error inside it (the file was
/// truncated while mapped) is reported with the file's name and offset. Returns a slot or -1.
int ggufkit_mapping_remember(const void *base, size_t size, const char *path);
void ggufkit_mapping_forget(int slot);

/// Installs the handlers: SIGINT, SIGTERM and SIGHUP delete the remembered temporary files and
/// end the process with the signal's default action; SIGBUS inside a remembered mapping prints
/// one error line naming the file, deletes the temporary files and exits with status 1; SIGXFSZ
/// is ignored so that a file-size limit surfaces as a write error (EFBIG) with a message.
void ggufkit_cleanup_install(void);

/// Deletes the remembered temporary files now (what the handlers do), for tests.
void ggufkit_cleanup_run(void);

#endif
