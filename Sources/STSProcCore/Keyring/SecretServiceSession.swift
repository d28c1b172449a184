internal import CLibSecret

/// A synchronous connection to the Secret Service through libsecret, limited to what the
/// cache needs. Every method may block on D-Bus: callers run them under `Deadline`.
/// Owns its GObject references and releases them in `deinit`; not Sendable on purpose.
final class SecretServiceSession {
    private let service: UnsafeMutablePointer<SecretService>

    init() throws(KeyringFailure) {
        guard stsproc_secret_available() != 0 else { throw .unavailable("libsecret-1.so.0 could not be loaded") }
        var error: UnsafeMutablePointer<GError>?
        guard let service = stsproc_secret_service_get_sync(SECRET_SERVICE_NONE, &error) else {
            throw .unavailable(Self.consume(error) ?? "no Secret Service")
        }
        self.service = service
    }

    deinit { stsproc_object_unref(service) }

    /// Fails with `.locked` or `.noDefaultCollection` unless items can be read and written
    /// without an unlock prompt.
    func requireUsableDefaultCollection() throws(KeyringFailure) {
        var error: UnsafeMutablePointer<GError>?
        let collection = stsproc_secret_collection_for_alias_sync(service, SECRET_COLLECTION_DEFAULT, &error)
        if let message = Self.consume(error) { throw .unavailable(message) }
        guard let collection else { throw .noDefaultCollection }
        defer { stsproc_object_unref(collection) }
        if stsproc_secret_collection_get_locked(collection) != 0 { throw .locked }
    }

    /// Items whose attributes include all of `attributes`; `all: false` stops at the first.
    func search(_ attributes: [String: String], all: Bool) throws(KeyringFailure) -> [SecretServiceItem] {
        let table = Self.table(attributes)
        defer { stsproc_attributes_free(table) }
        var error: UnsafeMutablePointer<GError>?
        let list = stsproc_secret_service_search_sync(service, stsproc_credential_schema(), table,
                                                      all ? SECRET_SEARCH_ALL : SECRET_SEARCH_NONE, &error)
        if let message = Self.consume(error) { throw .unavailable(message) }
        defer { stsproc_object_list_free(list) }
        var items: [SecretServiceItem] = []
        var node = list
        while let current = node {
            if let raw = current.pointee.data {
                items.append(SecretServiceItem(retaining: raw.assumingMemoryBound(to: SecretItem.self)))
            }
            node = current.pointee.next
        }
        return items
    }

    /// Negotiates the encrypted session that carries secrets (a Diffie-Hellman exchange), so
    /// that a later `store` or secret load does not wait for it.
    func openEncryptedSession() throws(KeyringFailure) {
        var error: UnsafeMutablePointer<GError>?
        _ = stsproc_secret_service_ensure_session_sync(service, &error)
        if let message = Self.consume(error) { throw .unavailable(message) }
    }

    /// Creates an item in the default collection (replacing one with identical attributes).
    func store(_ attributes: [String: String], label: String, secret: String) throws(KeyringFailure) {
        let table = Self.table(attributes)
        defer { stsproc_attributes_free(table) }
        let value = stsproc_secret_value_new(secret)
        defer { stsproc_secret_value_unref(value) }
        var error: UnsafeMutablePointer<GError>?
        let stored = stsproc_secret_service_store_sync(service, stsproc_credential_schema(), table,
                                                       SECRET_COLLECTION_DEFAULT, label, value, &error)
        if let message = Self.consume(error) { throw .unavailable(message) }
        if stored == 0 { throw .unavailable("the item was not stored") }
    }

    /// Deletes every unlocked item whose attributes include all of `attributes`.
    func clear(_ attributes: [String: String]) throws(KeyringFailure) {
        let table = Self.table(attributes)
        defer { stsproc_attributes_free(table) }
        var error: UnsafeMutablePointer<GError>?
        // FALSE without an error only means nothing matched.
        _ = stsproc_secret_service_clear_sync(service, stsproc_credential_schema(), table, &error)
        if let message = Self.consume(error) { throw .unavailable(message) }
    }

    private static func table(_ attributes: [String: String]) -> OpaquePointer {
        let table = stsproc_attributes_new()!
        for (key, value) in attributes { stsproc_attributes_set(table, key, value) }
        return table
    }

    /// The error's message, freeing it; nil when there was no error.
    static func consume(_ error: UnsafeMutablePointer<GError>?) -> String? {
        guard let error else { return nil }
        defer { stsproc_error_free(error) }
        return error.pointee.message.map { String(cString: $0) } ?? "unknown D-Bus error"
    }
}

/// One keyring item: its attributes at once, its secret only on request (a separate D-Bus
/// round trip, skipped when the attributes already show the item is stale).
final class SecretServiceItem {
    private let item: UnsafeMutablePointer<SecretItem>

    init(retaining item: UnsafeMutablePointer<SecretItem>) {
        stsproc_object_ref(item)
        self.item = item
    }

    deinit { stsproc_object_unref(item) }

    var attributes: [String: String] {
        guard let table = stsproc_secret_item_get_attributes(item) else { return [:] }
        defer { stsproc_attributes_free(table) }
        var result: [String: String] = [:]
        for key in ["application", "profile", "key", "role", "expires", "kind", "access_key_id"] {
            if let value = stsproc_attributes_get(table, key) { result[key] = String(cString: value) }
        }
        return result
    }

    /// A locked item's secret cannot be read without an unlock prompt, which sts-proc never raises.
    var isLocked: Bool { stsproc_secret_item_get_locked(item) != 0 }

    func delete() throws(KeyringFailure) {
        var error: UnsafeMutablePointer<GError>?
        _ = stsproc_secret_item_delete_sync(item, &error)
        if let message = SecretServiceSession.consume(error) { throw .unavailable(message) }
    }

    /// The secret as text, or nil when it is not text.
    func loadSecret() throws(KeyringFailure) -> String? {
        var error: UnsafeMutablePointer<GError>?
        _ = stsproc_secret_item_load_secret_sync(item, &error)
        if let message = SecretServiceSession.consume(error) { throw .unavailable(message) }
        guard let value = stsproc_secret_item_get_secret(item) else { return nil }
        defer { stsproc_secret_value_unref(value) }
        return stsproc_secret_value_get_text(value).map { String(cString: $0) }
    }
}
