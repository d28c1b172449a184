#ifndef STSPROC_CLIBXML2_SHIM_H
#define STSPROC_CLIBXML2_SHIM_H
#include <libxml/parser.h>
#include <libxml/tree.h>

// xmlFree is a global function-pointer variable, which Swift 6 refuses to read as
// shared mutable state; a function keeps that C detail here.
static inline void stsproc_xml_free(void *memory) { xmlFree(memory); }
#endif
