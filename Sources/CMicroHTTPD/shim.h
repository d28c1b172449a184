#ifndef STSPROC_CMICROHTTPD_SHIM_H
#define STSPROC_CMICROHTTPD_SHIM_H
// libmicrohttpd, loaded with dlopen only by the commands that serve HTTP on loopback (the
// IAM Identity Center login's redirect, `exec`'s credential endpoint); nothing else ever loads it. Only the functions
// sts-proc uses are forwarded; each has the real header's signature.
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <microhttpd.h>
#include <dlfcn.h>
#include <string.h>

static inline void *stsproc_mhd_library(void) {
    static void *library;
    void *loaded = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (loaded == NULL) {
        loaded = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
        __atomic_store_n(&library, loaded, __ATOMIC_RELEASE);
    }
    return loaded;
}

/// Nonzero when libmicrohttpd could be loaded; every other function requires it.
static inline int stsproc_mhd_available(void) { return stsproc_mhd_library() != NULL; }

#define STSPROC_MHD(name) ((__typeof__(&name))dlsym(stsproc_mhd_library(), #name))

typedef enum MHD_Result (*stsproc_mhd_handler)(void *context, struct MHD_Connection *connection, const char *url,
                                               const char *method, const char *version, const char *upload_data,
                                               size_t *upload_data_size, void **request_context);

typedef void (*stsproc_mhd_completed)(void *context, struct MHD_Connection *connection, void **request_context,
                                      enum MHD_RequestTerminationCode reason);

/// A daemon on 127.0.0.1 only, on a port the kernel picks, with its own polling thread and
/// a 10-second limit per connection; `completed` (may be NULL) runs once a response has been
/// sent. One polling thread: requests are answered one at a time, in order.
/// MHD_start_daemon is variadic; this fixes its options.
static inline struct MHD_Daemon *stsproc_mhd_start_loopback(stsproc_mhd_handler handler, stsproc_mhd_completed completed,
                                                            void *context) {
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = 0;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return STSPROC_MHD(MHD_start_daemon)(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler, context,
                                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
                                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
                                         MHD_OPTION_NOTIFY_COMPLETED, completed, context, MHD_OPTION_END);
}

/// The port the daemon listens on.
static inline uint16_t stsproc_mhd_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = STSPROC_MHD(MHD_get_daemon_info)(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

/// MHD_NO, for a handler that drops the connection.
static inline enum MHD_Result stsproc_mhd_refuse(void) { return MHD_NO; }

static inline void stsproc_mhd_stop(struct MHD_Daemon *daemon) { STSPROC_MHD(MHD_stop_daemon)(daemon); }

/// A query-string argument of the request, or NULL.
static inline const char *stsproc_mhd_query(struct MHD_Connection *connection, const char *key) {
    return STSPROC_MHD(MHD_lookup_connection_value)(connection, MHD_GET_ARGUMENT_KIND, key);
}

/// A request header, or NULL.
static inline const char *stsproc_mhd_header(struct MHD_Connection *connection, const char *key) {
    return STSPROC_MHD(MHD_lookup_connection_value)(connection, MHD_HEADER_KIND, key);
}

/// Answers with `text` (copied) as `content_type`; the response is never cached by a client.
static inline enum MHD_Result stsproc_mhd_respond_as(struct MHD_Connection *connection, unsigned int status,
                                                     const char *text, const char *content_type) {
    struct MHD_Response *response = STSPROC_MHD(MHD_create_response_from_buffer)(strlen(text), (void *)text,
                                                                                  MHD_RESPMEM_MUST_COPY);
    if (response == NULL) return MHD_NO;
    STSPROC_MHD(MHD_add_response_header)(response, "Content-Type", content_type);
    STSPROC_MHD(MHD_add_response_header)(response, "Cache-Control", "no-store");
    enum MHD_Result result = STSPROC_MHD(MHD_queue_response)(connection, status, response);
    STSPROC_MHD(MHD_destroy_response)(response);
    return result;
}

/// Answers 302 with `location`, and no body worth keeping.
static inline enum MHD_Result stsproc_mhd_redirect(struct MHD_Connection *connection, const char *location) {
    static const char text[] = "<p>Redirecting.</p>";
    struct MHD_Response *response = STSPROC_MHD(MHD_create_response_from_buffer)(sizeof text - 1, (void *)text,
                                                                                  MHD_RESPMEM_PERSISTENT);
    if (response == NULL) return MHD_NO;
    STSPROC_MHD(MHD_add_response_header)(response, "Location", location);
    STSPROC_MHD(MHD_add_response_header)(response, "Cache-Control", "no-store");
    STSPROC_MHD(MHD_add_response_header)(response, "Referrer-Policy", "no-referrer");
    enum MHD_Result result = STSPROC_MHD(MHD_queue_response)(connection, 302, response);
    STSPROC_MHD(MHD_destroy_response)(response);
    return result;
}

/// Answers with `text` (copied) as an HTML page.
static inline enum MHD_Result stsproc_mhd_respond(struct MHD_Connection *connection, unsigned int status, const char *text) {
    struct MHD_Response *response = STSPROC_MHD(MHD_create_response_from_buffer)(strlen(text), (void *)text,
                                                                                  MHD_RESPMEM_MUST_COPY);
    if (response == NULL) return MHD_NO;
    STSPROC_MHD(MHD_add_response_header)(response, "Content-Type", "text/html; charset=utf-8");
    enum MHD_Result result = STSPROC_MHD(MHD_queue_response)(connection, status, response);
    STSPROC_MHD(MHD_destroy_response)(response);
    return result;
}
#undef STSPROC_MHD
#endif
