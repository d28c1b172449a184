#ifndef STSPROC_CKERNELKEYRING_SHIM_H
#define STSPROC_CKERNELKEYRING_SHIM_H
// The kernel key retention service (keyrings(7)), reached by its system calls: libc has
// no wrappers and syscall() is variadic, which Swift cannot call.
#include <sys/syscall.h>
#include <unistd.h>
#include <stdint.h>

#define STSPROC_KEY_SPEC_PROCESS_KEYRING (-2)
#define STSPROC_KEY_SPEC_USER_KEYRING (-4)
#define STSPROC_KEYCTL_LINK 8
#define STSPROC_KEYCTL_DESCRIBE 6
#define STSPROC_KEYCTL_SEARCH 10
#define STSPROC_KEYCTL_READ 11
#define STSPROC_KEYCTL_SET_TIMEOUT 15
#define STSPROC_KEYCTL_SETPERM 5
#define STSPROC_KEYCTL_INVALIDATE 21

static inline int32_t stsproc_add_key(const char *description, const void *payload, size_t length, int32_t keyring) {
    return (int32_t)syscall(SYS_add_key, "user", description, payload, length, keyring);
}
/// An empty keyring of its own, linked into `keyring` (tests keep their copies there, away
/// from the user keyring of whoever runs them).
static inline int32_t stsproc_add_keyring(const char *description, int32_t keyring) {
    return (int32_t)syscall(SYS_add_key, "keyring", description, (const void *)0, (size_t)0, keyring);
}
static inline int32_t stsproc_keyctl_search(int32_t keyring, const char *description) {
    return (int32_t)syscall(SYS_keyctl, STSPROC_KEYCTL_SEARCH, keyring, "user", description, 0);
}
static inline long stsproc_keyctl_read(int32_t key, void *buffer, size_t length) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_READ, key, buffer, length);
}
static inline long stsproc_keyctl_describe(int32_t key, char *buffer, size_t length) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_DESCRIBE, key, buffer, length);
}
static inline long stsproc_keyctl_set_timeout(int32_t key, unsigned int seconds) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_SET_TIMEOUT, key, seconds);
}
static inline long stsproc_keyctl_setperm(int32_t key, uint32_t permissions) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_SETPERM, key, permissions);
}
static inline long stsproc_keyctl_link(int32_t key, int32_t keyring) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_LINK, key, keyring);
}
static inline long stsproc_keyctl_invalidate(int32_t key) {
    return syscall(SYS_keyctl, STSPROC_KEYCTL_INVALIDATE, key);
}
#endif
