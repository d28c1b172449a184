/// Reading the shared files for one profile's plan, through `ConfigSubsetCache` when a
/// file is large (README, "Large config files").
extension CredentialService {
    public func plan(profile: String) throws(STSProcError) -> CredentialPlan {
        let files = [SharedFile(kind: .config, path: ConfigPath.config(environment: environment)),
                     SharedFile(kind: .credentials, path: ConfigPath.credentials(environment: environment))]
        guard files[0].isLarge || files[1].isLarge else {
            // The usual small files: read exactly as before records existed, so a cache hit
            // does no more than two stat calls for them (the sizes above).
            let config: SharedConfig
            do {
                config = try SharedConfig.load(environment: environment)
            } catch {
                throw error.inProfile(profile)
            }
            return try plan(profile: profile, config: config)
        }

        let cache = ConfigSubsetCache(environment: environment)
        var kept: [ConfigSubset.FileKind: ConfigSubset] = [:]
        for file in files where file.isLarge {
            if let identity = file.identity, let subset = cache.read(kind: file.kind, path: file.path, profile: profile, identity: identity) {
                kept[file.kind] = subset
            }
        }
        // Each kept subset stands in for its file; the others are read whole. Should a kept
        // one not answer for every name this run looked up, or anything fail, the whole
        // files are read again, so errors are exactly those of the files.
        if !kept.isEmpty, let (plan, loaded, reads) = try? attempt(profile: profile, files: files, kept: kept),
           kept.values.allSatisfy({ reads.isSubset(of: $0.reads) }) {
            remember(loaded, of: files, reads: reads, profile: profile, in: cache)
            return plan
        }
        let (plan, loaded, reads) = try attempt(profile: profile, files: files, kept: [:])
        remember(loaded, of: files, reads: reads, profile: profile, in: cache)
        return plan
    }

    /// The plan from `kept` subsets and the other files read whole, with what it looked up.
    private func attempt(profile: String, files: [SharedFile], kept: [ConfigSubset.FileKind: ConfigSubset])
        throws(STSProcError) -> (CredentialPlan, [ConfigSubset.FileKind: LoadedFile], ConfigReadSet) {
        var (config, loaded) = try load(files, profile: profile, kept: kept)
        let reads = ConfigReads()
        config.reads = reads
        return (try plan(profile: profile, config: config), loaded, reads.recorded)
    }

    /// Keeps what the plan read of each large file read whole, if that file did not change
    /// while it was read and is not so recent that a change could hide.
    private func remember(_ loaded: [ConfigSubset.FileKind: LoadedFile], of files: [SharedFile], reads: ConfigReadSet,
                          profile: String, in cache: ConfigSubsetCache) {
        for file in files where file.isLarge {
            guard let read = loaded[file.kind], let identity = read.identity, !identity.isRecent(now: FileIdentity.now) else { continue }
            cache.write(kind: file.kind, path: file.path, profile: profile, identity: identity,
                        subset: ConfigSubset(of: read.sections, kind: file.kind, reads: reads))
        }
    }

    private func plan(profile: String, config: SharedConfig) throws(STSProcError) -> CredentialPlan {
        try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
    }

    /// Both files as `SharedConfig` reads them; a kept subset stands in for its file.
    /// `loaded` has each file read whole: its sections and its identity while read.
    private func load(_ files: [SharedFile], profile: String, kept: [ConfigSubset.FileKind: ConfigSubset] = [:])
        throws(STSProcError) -> (config: SharedConfig, loaded: [ConfigSubset.FileKind: LoadedFile]) {
        var sections = kept.mapValues(\.sections)
        var loaded: [ConfigSubset.FileKind: LoadedFile] = [:]
        do {
            // Both read before either is parsed: an unreadable file is reported before a
            // parse error in the other, as before.
            var texts: [(SharedFile, String, FileIdentity?)] = []
            for file in files where kept[file.kind] == nil {
                if let (text, identity) = try ConfigFileReader.readIdentified(file.path, kind: file.kind.description) {
                    texts.append((file, text, identity))
                }
            }
            for (file, text, identity) in texts {
                let all = try INIParser.parse(text, path: file.path)
                sections[file.kind] = all
                loaded[file.kind] = LoadedFile(sections: all, identity: identity)
            }
        } catch {
            throw error.inProfile(profile)
        }
        let config = SharedConfig(configSections: sections[.config], configPath: files[0].path,
                                  credentialsSections: sections[.credentials], credentialsPath: files[1].path)
        return (config, loaded)
    }
}

/// One of the two shared files, with the identity its path has before it is read.
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

/// A file read whole in this run.
private struct LoadedFile {
    let sections: [INISection]
    /// Of the file as read; nil when it changed meanwhile.
    let identity: FileIdentity?
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
