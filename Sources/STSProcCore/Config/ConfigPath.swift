import Glibc

/// Where the shared files are, resolved as botocore resolves them: the variable if it is
/// set at all (even to ""), else the default; then `os.path.expandvars`, then
/// `os.path.expanduser` (botocore's `raw_config_parse` order).
enum ConfigPath {
    static func config(environment: [String: String]) -> String {
        expand(environment["AWS_CONFIG_FILE"] ?? "~/.aws/config", environment: environment)
    }

    static func credentials(environment: [String: String]) -> String {
        expand(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", environment: environment)
    }

    static func expand(_ path: String, environment: [String: String]) -> String {
        expandUser(expandVariables(path, environment: environment), environment: environment)
    }

    /// `posixpath.expandvars`: `$name` (ASCII letters, digits, `_`) and `${anything}`;
    /// unknown variables stay as written; substituted text is not expanded again.
    static func expandVariables(_ path: String, environment: [String: String]) -> String {
        guard path.unicodeScalars.contains("$") else { return path }
        let scalars = Array(path.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "$", let (name, end) = variable(in: scalars, at: index + 1),
                  let value = environment[name] else {
                out.append(scalars[index])
                index += 1
                continue
            }
            out.append(contentsOf: value.unicodeScalars)
            index = end
        }
        return String(out)
    }

    /// The name after a `$` at `start` and the index just past it, per `\$(\w+|\{[^}]*\})` (re.ASCII).
    private static func variable(in scalars: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        guard start < scalars.count else { return nil }
        if scalars[start] == "{" {
            guard let close = scalars[(start + 1)...].firstIndex(of: "}") else { return nil }
            return (PythonText.string(scalars[(start + 1)..<close]), close + 1)
        }
        let isWord: (Unicode.Scalar) -> Bool = {
            $0.isASCII && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_")
        }
        var end = start
        while end < scalars.count, isWord(scalars[end]) { end += 1 }
        return end > start ? (PythonText.string(scalars[start..<end]), end) : nil
    }

    /// `posixpath.expanduser`: `~` is `HOME` (else the password database), `~user` that
    /// user's home; an unknown user leaves the path as written.
    static func expandUser(_ path: String, environment: [String: String]) -> String {
        guard path.hasPrefix("~") else { return path }
        let rest = path.dropFirst()
        let user = rest.prefix { $0 != "/" }
        let tail = rest.dropFirst(user.count)
        let home: String?
        if user.isEmpty {
            home = environment["HOME"] ?? homeDirectory(user: nil)
        } else {
            home = homeDirectory(user: String(user))
        }
        guard var home else { return path }
        while home.hasSuffix("/") { home.removeLast() }
        let expanded = home + tail
        return expanded.isEmpty ? "/" : expanded
    }

    private static func homeDirectory(user: String?) -> String? {
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = buffer.withUnsafeMutableBufferPointer { storage in
            if let user {
                return getpwnam_r(user, &entry, storage.baseAddress!, storage.count, &found)
            }
            return getpwuid_r(getuid(), &entry, storage.baseAddress!, storage.count, &found)
        }
        guard status == 0, found != nil, let directory = entry.pw_dir else { return nil }
        return String(cString: directory)
    }
}
