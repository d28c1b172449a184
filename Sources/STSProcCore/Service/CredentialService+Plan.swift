/// Reading the shared files for one profile's plan, through `ConfigSubsetCache` when a
/// file is large (README, "Large config files").
extension CredentialService {
    public func plan(profile: String) throws(STSProcError) -> CredentialPlan {
        let files = [SharedFile(kind: .config, path: ConfigPath.config(environment: environment)),
                     SharedFile(kind: .credentials, path: ConfigPath.credentials(environment: environment))]
        let large = files.filter(\.isLarge)
        if large.isEmpty { return try plan(profile: profile, config: try load(files, profile: profile).config) }

        let cache = ConfigSubsetCache(environment: environment)
        var kept: [ConfigSubset.FileKind: ConfigSubset] = [:]
        for file in large {
            if let identity = file.identity, let subset = cache.read(path: file.path, profile: profile, identity: identity) {
                kept[file.kind] = subset
            }
        }
        if kept.count == large.count, let plan = planFromSubsets(profile: profile, files: files, kept: kept) {
            return plan
        }

        // The whole files, then what the plan read of each large one is kept.
        var (config, sections) = try load(files, profile: profile)
        let reads = ConfigReads()
        config.reads = reads
        let plan = try plan(profile: profile, config: config)
        for file in large {
            // Unchanged while it was read, and not so recent that a change could hide.
            guard let identity = file.identity, FileIdentity.of(file.path) == identity, !identity.isRecent(now: FileIdentity.now),
                  let all = sections[file.kind] else { continue }
            cache.write(path: file.path, profile: profile, identity: identity,
                        subset: ConfigSubset(of: all, kind: file.kind, reads: reads.recorded))
        }
        return plan
    }

    /// The plan from the kept subsets (and the small files whole), or nil when that cannot
    /// be trusted: the plan looked up a name a subset does not answer for, or anything
    /// failed (the full read then gives the error, exactly as without the cache).
    private func planFromSubsets(profile: String, files: [SharedFile],
                                 kept: [ConfigSubset.FileKind: ConfigSubset]) -> CredentialPlan? {
        let reads = ConfigReads()
        guard var config = try? load(files, profile: profile, kept: kept).config else { return nil }
        config.reads = reads
        guard let plan = try? plan(profile: profile, config: config),
              kept.values.allSatisfy({ reads.recorded.isSubset(of: $0.reads) }) else { return nil }
        return plan
    }

    private func plan(profile: String, config: SharedConfig) throws(STSProcError) -> CredentialPlan {
        try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
    }

    /// Both files as `SharedConfig` reads them, and each one's sections; a kept subset
    /// stands in for its file.
    private func load(_ files: [SharedFile], profile: String, kept: [ConfigSubset.FileKind: ConfigSubset] = [:])
        throws(STSProcError) -> (config: SharedConfig, sections: [ConfigSubset.FileKind: [INISection]]) {
        var sections = kept.mapValues(\.sections)
        do {
            for file in files where kept[file.kind] == nil {
                if let text = try ConfigFileReader.read(file.path, kind: file.kind.description) {
                    sections[file.kind] = try INIParser.parse(text, path: file.path)
                }
            }
        } catch {
            throw error.inProfile(profile)
        }
        let config = SharedConfig(configSections: sections[.config], configPath: files[0].path,
                                  credentialsSections: sections[.credentials], credentialsPath: files[1].path)
        return (config, sections)
    }
}

/// One of the two shared files, with its identity before it is read.
private struct SharedFile {
    let kind: ConfigSubset.FileKind
    let path: String
    let identity: FileIdentity?

    init(kind: ConfigSubset.FileKind, path: String) {
        self.kind = kind
        self.path = path
        identity = path.isEmpty ? nil : FileIdentity.of(path)
    }

    var isLarge: Bool { (identity?.size ?? 0) >= ConfigSubsetCache.minimumSize }
}

extension ConfigSubset.FileKind: CustomStringConvertible {
    /// As the reader names it in messages.
    var description: String {
        switch self {
        case .config: "config file"
        case .credentials: "credentials file"
        }
    }
}
