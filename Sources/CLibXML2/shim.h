// libxml2, used directly (not through FoundationXML): its SAX2 and reader
// interfaces report what a document declares, whatever its encoding.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU, and its encoding.h then includes the
// system's ICU headers, which clash with Foundation's own copy of ICU. Only
// xmlCharEncodingHandler's layout depends on it, a struct this code never
// touches (the parser context holds pointers to it), so the ICU members are
// left out of the Swift view.
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#include <libxml/HTMLparser.h>
