// The system's libcurl (apt: libcurl4-openssl-dev), for IMAP, which
// URLSession does not speak. curl_easy_setopt is variadic, which Swift
// cannot call: these typed wrappers are what the Swift side uses.
#include <curl/curl.h>

static inline CURLcode cg_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cg_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cg_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef size_t (*cg_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode cg_curl_setopt_write(CURL *curl, CURLoption option, cg_curl_write_callback callback) {
    return curl_easy_setopt(curl, option, callback);
}
static inline CURLcode cg_curl_getinfo_long(CURL *curl, CURLINFO info, long *value) {
    return curl_easy_getinfo(curl, info, value);
}
