#ifndef STSPROC_CLIBSECRET_SHIM_H
#define STSPROC_CLIBSECRET_SHIM_H
#include <libsecret/secret.h>
#endif
