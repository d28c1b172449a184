import Glibc

/// `~/.aws/sso/cache/`, the folder the AWS CLI v2 and every SDK read tokens from.
struct SSOTokenCache {
    let folder: String

    init(environment: [String: String]) {
        folder = ConfigPath.expandUser("~/.aws/sso/cache", environment: environment)
    }

    init(folder: String) { self.folder = folder }

    /// The token file's path, or nil when its name cannot be computed (no GLib).
    func tokenPath(for session: SSOSession) -> String? {
        SSOCacheNames.tokenFile(for: session).map { folder + "/" + $0 }
    }

    func registrationPath(for session: SSOSession) -> String? {
        SSOCacheNames.registrationFile(for: session).map { folder + "/" + $0 }
    }

    enum Read: Equatable {
        case token(SSOToken)
        case missing
        /// Present but not a token: half-written, truncated, or not JSON.
        case unreadable
    }

    func readToken(for session: SSOSession) -> Read {
        guard let path = tokenPath(for: session) else { return .missing }
        do {
            return SSOTokenFile.decode(try BoundedFileReader.read(path, limit: 1 << 20)).map(Read.token) ?? .unreadable
        } catch .missing {
            return .missing
        } catch {
            return .unreadable
        }
    }

    func readRegistration(for session: SSOSession) -> SSORegistration? {
        guard let path = registrationPath(for: session),
              let bytes = try? BoundedFileReader.read(path, limit: 1 << 20) else { return nil }
        return SSORegistration.decode(bytes)
    }

    func write(_ token: SSOToken, for session: SSOSession) throws(STSProcError) {
        guard let path = tokenPath(for: session) else { throw Self.noHash(session) }
        try write(SSOTokenFile.encode(token), to: path, what: "the SSO token")
    }

    func write(_ registration: SSORegistration, for session: SSOSession) throws(STSProcError) {
        guard let path = registrationPath(for: session) else { throw Self.noHash(session) }
        try write(registration.encoded(), to: path, what: "the SSO client registration")
    }

    func removeToken(for session: SSOSession) -> Bool {
        guard let path = tokenPath(for: session) else { return false }
        return unlink(path) == 0
    }

    /// Every token file (files holding an `accessToken`), for `sso logout --all`.
    func allTokenFiles() -> [(path: String, token: SSOToken)] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var found: [(String, SSOToken)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasSuffix(".json") else { continue }
            let path = folder + "/" + name
            if let bytes = try? BoundedFileReader.read(path, limit: 1 << 20), let token = SSOTokenFile.decode(bytes) {
                found.append((path, token))
            }
        }
        return found
    }

    /// Atomic, 0600, in a folder made 0700 if it is new (botocore makes it with the umask;
    /// a folder that already exists is left as it is).
    private func write(_ text: String, to path: String, what: String) throws(STSProcError) {
        var prefix = ""
        for component in folder.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw STSProcError(.configuration, failure: "cannot save \(what)",
                                   reason: "cannot create \(prefix): \(String(cString: strerror(errno)))",
                                   remedy: "Check the permissions of \(folder)")
            }
        }
        do {
            try AtomicFile.replace(path, with: text)
        } catch {
            throw STSProcError(.configuration, failure: "cannot save \(what) to \(path)", reason: error.reason,
                               remedy: "Check the permissions of \(folder)")
        }
    }

    private static func noHash(_ session: SSOSession) -> STSProcError {
        STSProcError(.configuration, failure: "cannot name the token file of \(session.description)",
                     reason: "GLib (libglib2.0-0, with libsecret-1-0) could not be loaded to compute its SHA-1",
                     remedy: "Install libsecret-1-0")
    }
}
