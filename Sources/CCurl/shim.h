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
static inline CURLcode cg_curl_setopt_off(CURL *curl, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(curl, option, value);
}
static inline CURLcode cg_curl_getinfo_string(CURL *curl, CURLINFO info, char **value) {
    return curl_easy_getinfo(curl, info, value);
}
static inline CURLcode cg_curl_getinfo_off(CURL *curl, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(curl, info, value);
}
static inline CURLcode cg_curl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}
typedef int (*cg_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);
static inline CURLcode cg_curl_setopt_xferinfo(CURL *curl, cg_curl_xferinfo_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, callback);
}
// Every socket libcurl opens (the first connection and each redirect's, after
// name resolution) goes through this, so a downloader can refuse addresses.
typedef curl_socket_t (*cg_curl_opensocket_callback)(void *context, curlsocktype purpose, struct curl_sockaddr *address);
static inline CURLcode cg_curl_setopt_opensocket(CURL *curl, cg_curl_opensocket_callback callback) {
    return curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, callback);
}
