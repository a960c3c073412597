// Signal-time cleanup needs async-signal-safe code: fixed tables, atomics and raw system calls
// only, which Swift cannot guarantee, hence this small C file.
#define _GNU_SOURCE
#include "cleanup_signals.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define SLOT_COUNT 256
#define PATH_CAPACITY 4096

enum { SLOT_FREE = 0, SLOT_FILLING = 1, SLOT_READY = 2 };

static _Atomic int temporary_state[SLOT_COUNT];
static char temporary_paths[SLOT_COUNT][PATH_CAPACITY];

static _Atomic int mapping_state[SLOT_COUNT];
static const char *mapping_base[SLOT_COUNT];
static size_t mapping_size[SLOT_COUNT];
static char mapping_paths[SLOT_COUNT][PATH_CAPACITY];

static int claim(_Atomic int *states) {
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        int expected = SLOT_FREE;
        if (atomic_compare_exchange_strong(&states[slot], &expected, SLOT_FILLING)) return slot;
    }
    return -1;
}

int ggufkit_cleanup_remember(const char *path) {
    size_t length = strlen(path);
    if (length >= PATH_CAPACITY) return -1;
    int slot = claim(temporary_state);
    if (slot < 0) return -1;
    memcpy(temporary_paths[slot], path, length + 1);
    atomic_store(&temporary_state[slot], SLOT_READY);
    return slot;
}

void ggufkit_cleanup_forget(int slot) {
    if (slot >= 0 && slot < SLOT_COUNT) atomic_store(&temporary_state[slot], SLOT_FREE);
}

int ggufkit_mapping_remember(const void *base, size_t size, const char *path) {
    size_t length = strlen(path);
    if (length >= PATH_CAPACITY) length = PATH_CAPACITY - 1;
    int slot = claim(mapping_state);
    if (slot < 0) return -1;
    mapping_base[slot] = base;
    mapping_size[slot] = size;
    memcpy(mapping_paths[slot], path, length);
    mapping_paths[slot][length] = 0;
    atomic_store(&mapping_state[slot], SLOT_READY);
    return slot;
}

void ggufkit_mapping_forget(int slot) {
    if (slot >= 0 && slot < SLOT_COUNT) atomic_store(&mapping_state[slot], SLOT_FREE);
}

void ggufkit_cleanup_run(void) {
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        if (atomic_load(&temporary_state[slot]) == SLOT_READY) unlink(temporary_paths[slot]);
    }
}

static void put(const char *text) {
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static void put_number(uint64_t value) {
    char digits[24];
    int at = (int)sizeof digits;
    digits[--at] = 0;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value && at > 0);
    put(digits + at);
}

/// Deletes the temporary files, then lets the signal take its default course (ending the process
/// with the signal's status, so a shell sees 128 + n).
static void clean_up_and_resignal(int signal_number) {
    ggufkit_cleanup_run();
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigaction(signal_number, &action, NULL);
    raise(signal_number);
}

static void on_stop(int signal_number) {
    clean_up_and_resignal(signal_number);
}

static void on_bus_error(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    const char *address = (const char *)info->si_addr;
    for (int slot = 0; slot < SLOT_COUNT; slot++) {
        if (atomic_load(&mapping_state[slot]) != SLOT_READY) continue;
        const char *base = mapping_base[slot];
        if (address >= base && address < base + mapping_size[slot]) {
            put("ggufkit: error: ");
            put(mapping_paths[slot]);
            put(": the file became shorter while it was being read (no data at byte offset ");
            put_number((uint64_t)(address - base));
            put("); was it truncated or rewritten by another program?\n");
            ggufkit_cleanup_run();
            _exit(1);
        }
    }
    // Not one of our input mappings: a real fault. Clean up, then crash as usual.
    clean_up_and_resignal(signal_number);
}

void ggufkit_cleanup_install(void) {
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_handler = on_stop;
    const int stops[] = {SIGINT, SIGTERM, SIGHUP};
    sigset_t handled;
    sigemptyset(&handled);
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        // A signal the parent set to be ignored (nohup, a background job) stays ignored.
        if (sigaction(stops[i], NULL, &previous) == 0 && previous.sa_handler == SIG_IGN) continue;
        sigaction(stops[i], &action, NULL);
        sigaddset(&handled, stops[i]);
    }
    // A mask inherited from a parent that blocked them would keep the handlers from running.
    sigaddset(&handled, SIGBUS);
    sigprocmask(SIG_UNBLOCK, &handled, NULL);

    memset(&action, 0, sizeof action);
    sigemptyset(&action.sa_mask);
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO;
    sigaction(SIGBUS, &action, NULL);

    signal(SIGXFSZ, SIG_IGN);
}
