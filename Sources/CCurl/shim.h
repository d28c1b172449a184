#ifndef STSPROC_CCURL_SHIM_H
#define STSPROC_CCURL_SHIM_H
// libcurl, loaded with dlopen the first time a request is made: a cache hit, which needs
// no HTTP, then never pays for loading libcurl and its TLS stack. Only the functions
// sts-proc uses are forwarded; each has the real header's signature.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

/// Why loading failed. Kept here because dlerror() answers only the thread that called
/// dlopen, and the loading may happen on a preloading thread.
static inline char *stsproc_curl_load_error_text(void) {
    static char text[512];
    return text;
}

static inline void *stsproc_curl_library(void) {
    // Atomic, as a preloading thread and the main thread may both get here first;
    // loading twice is harmless (dlopen counts references and returns the same handle).
    static void *library;
    void *loaded = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (loaded == NULL) {
        loaded = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
        if (loaded == NULL) {
            const char *reason = dlerror();
            snprintf(stsproc_curl_load_error_text(), 512, "%s", reason ? reason : "unknown error");
        }
        __atomic_store_n(&library, loaded, __ATOMIC_RELEASE);
    }
    return loaded;
}

/// Nonzero when libcurl could be loaded; every other function requires it.
static inline int stsproc_curl_available(void) { return stsproc_curl_library() != NULL; }

/// The dlopen error text, for the message when libcurl is missing.
static inline const char *stsproc_curl_load_error(void) {
    const char *text = stsproc_curl_load_error_text();
    return text[0] ? text : "unknown error";
}

#define STSPROC_CURL(name) ((__typeof__(&name))dlsym(stsproc_curl_library(), #name))

static inline CURLcode stsproc_curl_global_init(long flags) { return STSPROC_CURL(curl_global_init)(flags); }
static inline CURL *stsproc_curl_easy_init(void) { return STSPROC_CURL(curl_easy_init)(); }
static inline void stsproc_curl_easy_cleanup(CURL *handle) { STSPROC_CURL(curl_easy_cleanup)(handle); }
static inline void stsproc_curl_easy_reset(CURL *handle) { STSPROC_CURL(curl_easy_reset)(handle); }
static inline CURLcode stsproc_curl_easy_perform(CURL *handle) { return STSPROC_CURL(curl_easy_perform)(handle); }
static inline const char *stsproc_curl_easy_strerror(CURLcode code) { return STSPROC_CURL(curl_easy_strerror)(code); }
static inline struct curl_slist *stsproc_curl_slist_append(struct curl_slist *list, const char *text) {
    return STSPROC_CURL(curl_slist_append)(list, text);
}
static inline void stsproc_curl_slist_free_all(struct curl_slist *list) { STSPROC_CURL(curl_slist_free_all)(list); }

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call;
// these typed forms pass each kind of argument.
static inline CURLcode stsproc_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return STSPROC_CURL(curl_easy_setopt)(handle, option, value);
}
static inline CURLcode stsproc_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return STSPROC_CURL(curl_easy_setopt)(handle, option, value);
}
static inline CURLcode stsproc_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return STSPROC_CURL(curl_easy_setopt)(handle, option, value);
}
typedef size_t (*stsproc_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode stsproc_curl_setopt_write_function(CURL *handle, stsproc_curl_write_callback callback) {
    return STSPROC_CURL(curl_easy_setopt)(handle, CURLOPT_WRITEFUNCTION, callback);
}
static inline CURLcode stsproc_curl_setopt_header_function(CURL *handle, stsproc_curl_write_callback callback) {
    return STSPROC_CURL(curl_easy_setopt)(handle, CURLOPT_HEADERFUNCTION, callback);
}
static inline CURLcode stsproc_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return STSPROC_CURL(curl_easy_getinfo)(handle, info, value);
}
#undef STSPROC_CURL
#endif
