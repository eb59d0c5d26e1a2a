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
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

// libxslt, libxml2's sibling (Debian's libxslt1-dev): the report stylesheets.
#include <libxslt/xslt.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/transform.h>
#include <libxslt/xsltutils.h>
#include <libxslt/security.h>
#include <libxslt/documents.h>
#include <libxslt/variables.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/// Messages libxslt reports while compiling or applying a stylesheet, gathered as text.
/// Workaround: libxslt reports through C variadic functions (xmlGenericErrorFunc), which Swift
/// cannot define, so the shim formats each message into this buffer for Swift to read.
typedef struct {
    char *text;
    size_t length;
    size_t capacity;
} CLibXML2_Messages;

/// Appends one formatted message; keeps at most 64 KiB (a hostile stylesheet can report a
/// message per node of a large document).
static void CLibXML2_collectMessage(void *context, const char *format, ...) {
    CLibXML2_Messages *messages = (CLibXML2_Messages *)context;
    if (messages == NULL || format == NULL || messages->length >= 65536) return;
    char piece[1024];
    va_list arguments;
    va_start(arguments, format);
    int written = vsnprintf(piece, sizeof piece, format, arguments);
    va_end(arguments);
    if (written <= 0) return;
    size_t add = (size_t)written < sizeof piece ? (size_t)written : sizeof piece - 1;
    if (messages->length + add + 1 > messages->capacity) {
        size_t capacity = (messages->length + add + 1) * 2;
        char *grown = (char *)realloc(messages->text, capacity);
        if (grown == NULL) return;
        messages->text = grown;
        messages->capacity = capacity;
    }
    memcpy(messages->text + messages->length, piece, add);
    messages->length += add;
    messages->text[messages->length] = 0;
}

/// Sends libxslt's process-wide (compile-time) messages to `messages`, or back to the
/// default (stderr) with NULL. Process-wide: the caller holds a lock around its use.
static inline void CLibXML2_collectStylesheetMessages(CLibXML2_Messages *messages) {
    if (messages != NULL) {
        xsltSetGenericErrorFunc(messages, CLibXML2_collectMessage);
    } else {
        xsltSetGenericErrorFunc(NULL, NULL);
    }
}

/// Sends one transformation's messages to `messages` (per transform context: thread-safe).
static inline void CLibXML2_collectTransformMessages(xsltTransformContextPtr context, CLibXML2_Messages *messages) {
    xsltSetTransformErrorFunc(context, messages, CLibXML2_collectMessage);
}

/// The document loader mbt gives libxslt: it loads nothing. A stylesheet's document(),
/// xsl:import and xsl:include would otherwise read files and URLs; mbt's stylesheets need none.
static xmlDocPtr CLibXML2_refuseDocument(const xmlChar *URI, xmlDictPtr dict, int options,
                                         void *context, xsltLoadType type) {
    (void)URI; (void)dict; (void)options; (void)context; (void)type;
    return NULL;
}

static inline void CLibXML2_refuseStylesheetDocuments(void) {
    xsltSetLoaderFunc(CLibXML2_refuseDocument);
}

/// Stops a transformation from another thread (mbt's watchdog: a stylesheet past its time or
/// memory). libxslt checks `state` between instructions (CHECK_STOPPED) and libxml2 checks the
/// XPath context's operation count against `opLimit` inside an expression, so both are set: the
/// transformation ends at its next instruction or XPath step. Workaround: libxslt has no call to
/// stop a transformation from outside, and these fields are plain ints it reads without atomics;
/// the stores are atomic here so that they are at least whole, and seen soon.
static inline void CLibXML2_stopTransform(xsltTransformContextPtr context) {
    __atomic_store_n(&context->state, XSLT_STATE_STOPPED, __ATOMIC_SEQ_CST);
    if (context->xpathCtxt != NULL) {
        __atomic_store_n(&context->xpathCtxt->opLimit, 1UL, __ATOMIC_SEQ_CST);
    }
}

#endif
