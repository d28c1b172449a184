#ifndef STSPROC_CLIBSECRET_SHIM_H
#define STSPROC_CLIBSECRET_SHIM_H
#include <libsecret/secret.h>

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
            { NULL, 0 },
        },
    };
    return &schema;
}

/// A string-to-string table that owns copies of its keys and values, as libsecret wants
/// attributes.
static inline GHashTable *stsproc_attributes_new(void) {
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}
static inline void stsproc_attributes_set(GHashTable *table, const char *key, const char *value) {
    g_hash_table_insert(table, g_strdup(key), g_strdup(value));
}
static inline const char *stsproc_attributes_get(GHashTable *table, const char *key) {
    return (const char *)g_hash_table_lookup(table, key);
}

/// Frees a list of GObjects, as libsecret's searches return them.
static inline void stsproc_object_list_free(GList *list) { g_list_free_full(list, g_object_unref); }

/// Hex SHA-256 of a string (GLib is loaded with libsecret anyway); free with g_free.
static inline char *stsproc_sha256_hex(const char *text) {
    return g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
}
#endif
