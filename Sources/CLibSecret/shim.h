#ifndef STSPROC_CLIBSECRET_SHIM_H
#define STSPROC_CLIBSECRET_SHIM_H
// libsecret (and the GLib it brings), loaded with dlopen the first time the Secret Service
// is needed: a cache hit served from the kernel keyring then never loads libsecret, GLib,
// GIO or libgcrypt. Only the functions sts-proc uses are forwarded, each with the real
// header's signature; GLib's are found through libsecret's own dependencies.
#include <libsecret/secret.h>
#include <dlfcn.h>

static inline void *stsproc_secret_library(void) {
    // Atomic, as a keyring worker thread and the main thread may both get here first;
    // loading twice is harmless (dlopen counts references and returns the same handle).
    static void *library;
    void *loaded = __atomic_load_n(&library, __ATOMIC_ACQUIRE);
    if (loaded == NULL) {
        loaded = dlopen("libsecret-1.so.0", RTLD_NOW | RTLD_LOCAL);
        __atomic_store_n(&library, loaded, __ATOMIC_RELEASE);
    }
    return loaded;
}

/// Nonzero when libsecret could be loaded; every other function requires it.
static inline int stsproc_secret_available(void) { return stsproc_secret_library() != NULL; }

#define STSPROC_SECRET(name) ((__typeof__(&name))dlsym(stsproc_secret_library(), #name))

static inline SecretService *stsproc_secret_service_get_sync(SecretServiceFlags flags, GError **error) {
    return STSPROC_SECRET(secret_service_get_sync)(flags, NULL, error);
}
static inline SecretCollection *stsproc_secret_collection_for_alias_sync(SecretService *service, const gchar *alias,
                                                                          GError **error) {
    return STSPROC_SECRET(secret_collection_for_alias_sync)(service, alias, SECRET_COLLECTION_NONE, NULL, error);
}
static inline gboolean stsproc_secret_collection_get_locked(SecretCollection *collection) {
    return STSPROC_SECRET(secret_collection_get_locked)(collection);
}
static inline GList *stsproc_secret_service_search_sync(SecretService *service, const SecretSchema *schema,
                                                        GHashTable *attributes, SecretSearchFlags flags, GError **error) {
    return STSPROC_SECRET(secret_service_search_sync)(service, schema, attributes, flags, NULL, error);
}
static inline gboolean stsproc_secret_service_store_sync(SecretService *service, const SecretSchema *schema,
                                                         GHashTable *attributes, const gchar *collection,
                                                         const gchar *label, SecretValue *value, GError **error) {
    return STSPROC_SECRET(secret_service_store_sync)(service, schema, attributes, collection, label, value, NULL, error);
}
static inline gboolean stsproc_secret_service_clear_sync(SecretService *service, const SecretSchema *schema,
                                                         GHashTable *attributes, GError **error) {
    return STSPROC_SECRET(secret_service_clear_sync)(service, schema, attributes, NULL, error);
}
static inline gboolean stsproc_secret_service_ensure_session_sync(SecretService *service, GError **error) {
    return STSPROC_SECRET(secret_service_ensure_session_sync)(service, NULL, error);
}
static inline gboolean stsproc_secret_item_delete_sync(SecretItem *item, GError **error) {
    return STSPROC_SECRET(secret_item_delete_sync)(item, NULL, error);
}
static inline GHashTable *stsproc_secret_item_get_attributes(SecretItem *item) {
    return STSPROC_SECRET(secret_item_get_attributes)(item);
}
static inline gboolean stsproc_secret_item_get_locked(SecretItem *item) {
    return STSPROC_SECRET(secret_item_get_locked)(item);
}
static inline gboolean stsproc_secret_item_load_secret_sync(SecretItem *item, GError **error) {
    return STSPROC_SECRET(secret_item_load_secret_sync)(item, NULL, error);
}
static inline SecretValue *stsproc_secret_item_get_secret(SecretItem *item) {
    return STSPROC_SECRET(secret_item_get_secret)(item);
}
static inline SecretValue *stsproc_secret_value_new(const gchar *text) {
    return STSPROC_SECRET(secret_value_new)(text, -1, "text/plain");
}
static inline const gchar *stsproc_secret_value_get_text(SecretValue *value) {
    return STSPROC_SECRET(secret_value_get_text)(value);
}
static inline void stsproc_secret_value_unref(SecretValue *value) { STSPROC_SECRET(secret_value_unref)(value); }

static inline void stsproc_object_ref(gpointer object) { STSPROC_SECRET(g_object_ref)(object); }
static inline void stsproc_object_unref(gpointer object) { STSPROC_SECRET(g_object_unref)(object); }
static inline void stsproc_error_free(GError *error) { STSPROC_SECRET(g_error_free)(error); }
static inline void stsproc_free(gpointer memory) { STSPROC_SECRET(g_free)(memory); }

/// Frees a list of GObjects, as libsecret's searches return them.
static inline void stsproc_object_list_free(GList *list) {
    STSPROC_SECRET(g_list_free_full)(list, (GDestroyNotify)STSPROC_SECRET(g_object_unref));
}

/// A string-to-string table that owns copies of its keys and values, as libsecret wants
/// attributes.
static inline GHashTable *stsproc_attributes_new(void) {
    return STSPROC_SECRET(g_hash_table_new_full)(STSPROC_SECRET(g_str_hash), STSPROC_SECRET(g_str_equal),
                                                 STSPROC_SECRET(g_free), STSPROC_SECRET(g_free));
}
static inline void stsproc_attributes_set(GHashTable *table, const char *key, const char *value) {
    STSPROC_SECRET(g_hash_table_insert)(table, STSPROC_SECRET(g_strdup)(key), STSPROC_SECRET(g_strdup)(value));
}
static inline const char *stsproc_attributes_get(GHashTable *table, const char *key) {
    return (const char *)STSPROC_SECRET(g_hash_table_lookup)(table, key);
}
static inline void stsproc_attributes_free(GHashTable *table) { STSPROC_SECRET(g_hash_table_unref)(table); }

/// Hex SHA-256 of a string, by GLib; free with stsproc_free.
static inline char *stsproc_sha256_hex(const char *text) {
    return STSPROC_SECRET(g_compute_checksum_for_string)(G_CHECKSUM_SHA256, text, -1);
}

/// Hex SHA-1 of a string, by GLib; free with stsproc_free. Only for file names that other
/// tools chose (the IAM Identity Center token cache), never for anything secret.
static inline char *stsproc_sha1_hex(const char *text) {
    return STSPROC_SECRET(g_compute_checksum_for_string)(G_CHECKSUM_SHA1, text, -1);
}

/// The schema of sts-proc's keyring items. Items are found by attributes alone
/// (DONT_MATCH_NAME), so `secret-tool search application sts-proc` and sts-proc agree.
/// A C static because SecretSchema's fixed attribute array is awkward to build in Swift.
static inline const SecretSchema *stsproc_credential_schema(void) {
    static const SecretSchema schema = {
        "io.github.sts-proc.Credential",
        SECRET_SCHEMA_DONT_MATCH_NAME,
        {
            { "application", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "key", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "role", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "expires", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { "access_key_id", SECRET_SCHEMA_ATTRIBUTE_STRING },
            { NULL, 0 },
        },
    };
    return &schema;
}
#undef STSPROC_SECRET
#endif
