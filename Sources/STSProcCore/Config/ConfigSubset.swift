/// The sections of one shared file that a plan read, kept so that the next run for the
/// same profile need not parse a large file again (`ConfigSubsetCache`). Pure.
///
/// Why it is exact: plan building reads the files only through lookups by name
/// (`ConfigReads`). Given the sections those names select, in file order, `SharedConfig`
/// answers each of those lookups as it would with the whole file, so the same plan comes
/// out. A run that looks up any other name does not use the subset: the names come from
/// the settings read, and the other file (small, read whole every time) may have changed
/// them, or `AWS_SHARED_CREDENTIALS_FILE` may name another file.
struct ConfigSubset: Codable, Equatable, Sendable {
    enum FileKind: String, Codable, Sendable {
        case config
        case credentials
    }

    var sections: [INISection]
    /// The lookups it can answer.
    var reads: ConfigReadSet

    /// Settings whose values are secrets, with and without the `sts_proc_` prefix: a subset
    /// holding one is never kept, so no secret is copied out of the file the user keeps it in.
    static let secretKeys: Set<String> = Set([SettingKey.secretAccessKey, .sessionToken, .securityToken]
        .flatMap { [$0.rawValue, $0.prefixed] })

    /// The sections of `all` (one file's, in order) that the lookups in `reads` select.
    init(of all: [INISection], kind: FileKind, reads: ConfigReadSet) {
        self.reads = reads
        sections = all.filter { section in
            switch kind {
            case .credentials:
                return reads.profiles.contains(section.name)
            case .config:
                switch SectionName(section.name) {
                case .profile(let name): return reads.profiles.contains(name)
                case .ssoSession(let name): return reads.ssoSessions.contains(name)
                case .services(let name): return reads.services.contains(name)
                case .other: return false  // only doctor looks at these
                }
            }
        }
    }

    var holdsSecrets: Bool {
        sections.contains { section in section.values.keys.contains { Self.secretKeys.contains($0) } }
    }
}
