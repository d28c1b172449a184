#ifndef STSPROC_CLIBFUZZER_SHIM_H
#define STSPROC_CLIBFUZZER_SHIM_H
// libFuzzer's driver, linked in by -sanitize=fuzzer (the toolchain's libclang_rt.fuzzer).
// Each fuzz target's own main calls it, since SwiftPM gives executables a main of their own.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
