internal import CKernelKeyring
import Glibc

/// A first-level cache in front of the Secret Service: credentials copied into the
/// kernel's per-user keyring (keyrings(7)) for at most a few minutes, so that a burst of
/// SDK processes (a terraform run) is served without a single D-Bus call.
///
/// Secrecy: the keys live in kernel memory (never swapped, never on disk), readable only
/// by processes of the same user, which can equally read an unlocked Secret Service. What
/// changes is that locking the Secret Service collection takes effect for sts-proc only
/// when the copies expire, hence the short lifetime. `cache clear` removes them at once,
/// `--refresh` replaces them; `sts_proc_kernel_cache = off` turns the layer off.
struct KernelKeyringCache {
    /// Five minutes: long enough for a burst of processes, short enough that locking the
    /// keyring or revoking a session soon reaches every caller.
    static let maximumLifetime: Int64 = 300
    /// A credential the Secret Service refused (locked, not answering) is copied only for
    /// the callers of the burst that fetched it, not as a cache for later runs.
    static let burstLifetime: Int64 = 60
    static let descriptionPrefix = "sts-proc:"
    private static let payloadHeader = "sts-proc first-level cache v1\n"

    /// Where the copies live: the user keyring, which every process of the user (within one
    /// user namespace, since Linux 5.3) shares, so one process's copy serves the next.
    private let keyring: Int32

    init() { keyring = STSPROC_KEY_SPEC_USER_KEYRING }

    private init(keyring: Int32) { self.keyring = keyring }

    /// A cache over an empty keyring of its own, linked into this process's keyring and gone
    /// with the process: the unit tests use it so that they never read, add or remove copies
    /// in the user keyring of the person running them. Nil if the kernel refuses a keyring.
    static func makePrivate() -> KernelKeyringCache? {
        let keyring = stsproc_add_keyring("sts-proc-private-\(getpid())-\(UInt64.random(in: 0...UInt64.max))",
                                          STSPROC_KEY_SPEC_PROCESS_KEYRING)
        return keyring > 0 ? KernelKeyringCache(keyring: keyring) : nil
    }

    /// The key's name: the profile and a hash of the cache-key material. The hash need not
    /// resist collisions: the payload carries the material itself, compared on every read.
    static func description(profile: String, material: String) -> String {
        descriptionPrefix + profile + ":" + CacheKey.shortHash(material)
    }

    func read(profile: String, material: String, validAfter: UTCTime) -> AWSCredentials? {
        let key = stsproc_keyctl_search(keyring, Self.description(profile: profile, material: material))
        guard key > 0, let payload = Self.payload(of: key) else { return nil }
        let expected = Self.payloadHeader + "\(material.utf8.count)\n" + material
        guard payload.hasPrefix(expected),
              let credentials = CachedCredential.decode(String(payload.dropFirst(expected.count))),
              let expiration = credentials.expiration, expiration > validAfter else { return nil }
        return credentials
    }

    /// Copies a credential in, to live until it must be refreshed and at most `limit`
    /// (`maximumLifetime` beside a Secret Service; its whole life where there is none).
    func write(profile: String, material: String, credentials: AWSCredentials, validAfter: UTCTime,
               limit: Int64 = KernelKeyringCache.maximumLifetime) {
        guard let expiration = credentials.expiration else { return }
        let lifetime = min(limit, validAfter.seconds(until: expiration))
        guard lifetime > 0 else { return }
        let payload = Array((Self.payloadHeader + "\(material.utf8.count)\n" + material + CachedCredential.encode(credentials)).utf8)
        // Made in this process's own keyring and given its permissions and time limit there,
        // then linked into the target keyring (replacing an older copy): a process killed
        // half-way leaves nothing behind that would outlive the limit.
        let key = stsproc_add_key(Self.description(profile: profile, material: material), payload, payload.count,
                                  STSPROC_KEY_SPEC_PROCESS_KEYRING)
        guard key > 0 else { return }
        // Possessor: everything; the user (same uid, possessor or not): view, read, write,
        // search, link, set attributes; group and others: nothing.
        guard stsproc_keyctl_setperm(key, 0x3f3f_0000) == 0,
              stsproc_keyctl_set_timeout(key, UInt32(lifetime)) == 0 else {
            _ = stsproc_keyctl_invalidate(key)
            return
        }
        _ = stsproc_keyctl_link(key, keyring)
    }

    /// Removes every copy sts-proc made, or one profile's.
    func removeAll(profile: String?) {
        for (key, _) in copies(profile: profile) { _ = stsproc_keyctl_invalidate(key) }
    }

    /// Every copy's profile and expiry (for `cache list`; never the secret).
    func list() -> [(profile: String, expiration: UTCTime?)] {
        copies(profile: nil).map { key, profile in
            let document = Self.payload(of: key).flatMap { payload -> AWSCredentials? in
                // header, material length, material, then the credential document
                let afterHeader = payload.dropFirst(Self.payloadHeader.count)
                guard let newline = afterHeader.firstIndex(of: "\n"),
                      let length = Int(afterHeader[..<newline]) else { return nil }
                let rest = afterHeader[afterHeader.index(after: newline)...]
                guard rest.utf8.count >= length else { return nil }
                return CachedCredential.decode(String(decoding: Array(rest.utf8).dropFirst(length), as: UTF8.self))
            }
            return (profile, document?.expiration)
        }
    }

    /// The keyring's keys whose description is ours, with the profile each is for.
    private func copies(profile: String?) -> [(key: Int32, profile: String)] {
        var ids = [Int32](repeating: 0, count: 1024)
        let length = ids.withUnsafeMutableBytes {
            stsproc_keyctl_read(keyring, $0.baseAddress, $0.count)
        }
        guard length > 0 else { return [] }
        let prefix = Self.descriptionPrefix + (profile.map { $0 + ":" } ?? "")
        var found: [(Int32, String)] = []
        for key in ids.prefix(min(Int(length) / 4, ids.count)) where key > 0 {
            var buffer = [CChar](repeating: 0, count: 512)
            guard stsproc_keyctl_describe(key, &buffer, buffer.count) > 0 else { continue }
            // "type;uid;gid;perm;description"
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let fields = text.split(separator: ";", maxSplits: 4, omittingEmptySubsequences: false)
            guard fields.count == 5, fields[0] == "user", fields[4].hasPrefix(prefix) else { continue }
            // "sts-proc:<profile>:<16 hex digits>"; with a profile, exactly that profile
            // ("a" must not take "a:b"'s copies along).
            let description = fields[4].dropFirst(Self.descriptionPrefix.count)
            guard let colon = description.lastIndex(of: ":") else { continue }
            let hash = description[description.index(after: colon)...]
            guard hash.count == 16, hash.allSatisfy(\.isHexDigit) else { continue }
            let owner = String(description[..<colon])
            if let profile, owner != profile { continue }
            found.append((key, owner))
        }
        return found
    }

    private static func payload(of key: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let length = buffer.withUnsafeMutableBytes { stsproc_keyctl_read(key, $0.baseAddress, $0.count) }
            guard length >= 0 else { return nil }
            if length <= buffer.count { return String(decoding: buffer.prefix(length), as: UTF8.self) }
            guard length <= 1 << 20 else { return nil }
            buffer = [UInt8](repeating: 0, count: length)
        }
    }
}
