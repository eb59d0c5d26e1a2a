#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H

// Workaround: Debian's libxml2 is built with ICU, so <libxml/encoding.h> pulls in the system's
// <unicode/ucnv.h>, whose UErrorCode clashes with Foundation's own _FoundationICU module
// ("'UErrorCode' has different definitions in different modules"). Undefining the feature macro
// before the other headers drops the one ICU-typed field of xmlCharEncodingHandler, which Swift
// code never touches. See ../shared/reference/libxml2-on-linux.md.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlschemastypes.h>
#include <libxml/xmlwriter.h>
#include <libxml/xmlsave.h>

// Workaround: xmlFree is a C global function pointer, which Swift 6 rejects as
// "not concurrency-safe" at every call site. The shim calls it from C instead.
static inline void CLibXML2_xmlFree(void *pointer) {
    xmlFree(pointer);
}

// Workaround: libxml2 2.9.14's schema validator reaches a "TODO" on an entity reference in
// content (xmlschemas.c:27525, xmlSchemaSAXHandleReference) and prints "Unimplemented block at
// ..." through the generic error function, which defaults to stderr and bypasses the structured
// handler that collects every real error. mbt refuses such documents anyway (DOCTYPE refused);
// this keeps libxml2's own notes off the user's terminal. A generic error function is C
// variadic, which Swift cannot define, hence the shim.
static void CLibXML2_ignoreGenericError(void *context, const char *message, ...) {
    (void)context;
    (void)message;
}

/// Silences the generic error function for the calling thread (libxml2 keeps it per thread)
/// and for threads libxml2 sets up later.
static inline void CLibXML2_silenceGenericErrors(void) {
    xmlSetGenericErrorFunc(NULL, CLibXML2_ignoreGenericError);
    xmlThrDefSetGenericErrorFunc(NULL, CLibXML2_ignoreGenericError);
}

#endif
