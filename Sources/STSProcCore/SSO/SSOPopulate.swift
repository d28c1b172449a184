/// The profiles `sso populate` writes: one per account and role of a session, named
/// `<prefix><account name>.<role>` (the account ID where the name is empty or taken twice),
/// each marked so that a later run replaces or removes only what it wrote.
struct SSOPopulatePlan {
    struct Row: Equatable {
        var accountID: String
        var accountName: String
        var role: String
    }

    let sessionName: String
    let prefix: String
    let region: String
    /// `credential_process`, already quoted for botocore's shlex split.
    let executable: String

    /// The first comment line of every section this command writes.
    var marker: String { "managed by sts-proc sso populate (sso-session \(sessionName)); changes here are replaced" }

    func sections(for rows: [Row]) -> [SharedFileEditor.Section] {
        let names = rows.map { Self.slug($0.accountName.isEmpty ? $0.accountID : $0.accountName) }
        // A name two accounts share would make their profiles collide: those use the ID.
        var accountsByName: [String: Set<String>] = [:]
        for (row, name) in zip(rows, names) { accountsByName[name, default: []].insert(row.accountID) }
        var taken: Set<String> = []
        return zip(rows, names).map { row, name in
            let account = accountsByName[name]!.count > 1 ? row.accountID : name
            var profile = prefix + account + "." + Self.slug(row.role)
            // Two roles whose names differ only in characters the slug replaces.
            var suffix = 2
            while taken.contains(profile) {
                profile = prefix + account + "." + Self.slug(row.role) + "-\(suffix)"
                suffix += 1
            }
            taken.insert(profile)
            return SharedFileEditor.Section(name: "profile \(profile)", comment: marker, values: [
                (key: "credential_process", value: "\(executable) --profile \(profile)"),
                (key: "sts_proc_sso_session", value: sessionName),
                (key: "sts_proc_sso_account_id", value: row.accountID),
                (key: "sts_proc_sso_role_name", value: row.role),
                (key: "region", value: region),
            ])
        }
    }

    /// Letters, digits and `._-` kept; anything else (spaces, slashes, quotes) becomes `-`,
    /// so a profile name needs no quoting on a command line or in a section header.
    static func slug(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "-"
        })
    }

    /// Single-quoted for shlex when it holds anything but safe characters.
    static func quotedForShell(_ path: String) -> String {
        let safe = path.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/._-+".unicodeScalars.contains($0))
        }
        return safe ? path : "'" + path.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}

extension String {
    /// Every occurrence of `target` replaced, by Unicode scalars.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(unicodeScalars)
        let pattern = Array(target.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if !pattern.isEmpty, index + pattern.count <= scalars.count, Array(scalars[index..<index + pattern.count]) == pattern {
                out.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }
}
