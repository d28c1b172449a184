#ifndef STSPROC_CLIBXML2_SHIM_H
#define STSPROC_CLIBXML2_SHIM_H
// libxml2, loaded with dlopen the first time a response is parsed: Debian's libxml2 links
// ICU, whose loading alone costs more than a whole cache hit. Only the functions sts-proc
// uses are forwarded; the tree itself is read through the real header's structs.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <dlfcn.h>

static inline void *stsproc_xml_library(void) {
    // Atomic, as a keyring worker thread and the main thread may both get here first;
    // loading twice is harmless (dlopen counts references and returns the same handle).
    static void *library;
    void *loaded = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (loaded == NULL) {
        loaded = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL);
        __atomic_store_n(&library, loaded, __ATOMIC_RELEASE);
    }
    return loaded;
}

/// Nonzero when libxml2 could be loaded; every other function requires it.
static inline int stsproc_xml_available(void) { return stsproc_xml_library() != NULL; }

#define STSPROC_XML(name) ((__typeof__(&name))dlsym(stsproc_xml_library(), #name))

static inline xmlDocPtr stsproc_xml_read_memory(const char *buffer, int size, int options) {
    return STSPROC_XML(xmlReadMemory)(buffer, size, "response.xml", NULL, options);
}
static inline void stsproc_xml_free_doc(xmlDocPtr document) { STSPROC_XML(xmlFreeDoc)(document); }
static inline xmlNodePtr stsproc_xml_root_element(xmlDocPtr document) {
    return STSPROC_XML(xmlDocGetRootElement)(document);
}
#undef STSPROC_XML
#endif
