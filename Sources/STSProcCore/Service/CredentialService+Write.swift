extension CredentialService {
    public struct WriteResult: Sendable {
        public var path: String
        public var backupPath: String?
        public var expiration: UTCTime?
    }

    /// Puts the profile's credentials into section `[section]` of the shared credentials
    /// file, for tools that cannot run credential_process.
    public func writeCredentials(profile: String, section: String, force: Bool,
                                 note: @escaping (String) -> Void) throws(STSProcError) -> WriteResult {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(profile)
        }
        if let problem = SharedFileEditor.problem(sectionName: section) {
            throw STSProcError(.configuration, profile: profile, failure: "invalid --to",
                               reason: "'\(section)' cannot be a section name: \(problem)", remedy: "Use a plain profile name")
        }
        let path = config.credentialsPath
        func readCurrent() throws(STSProcError) -> String? {
            try ConfigFileReader.read(path, kind: "credentials file")
        }
        func refuseLongTermKeys(in text: String?) throws(STSProcError) {
            let existing = try SharedFileEditor.values(ofSection: section, in: text ?? "", path: path)
            if !force, let keyID = existing["aws_access_key_id"], existing["aws_session_token"] == nil {
                throw STSProcError(.configuration, profile: profile, failure: "refusing to overwrite long-term keys",
                                   reason: "[\(section)] in \(path) holds the long-term key \(AWSCredentials(accessKeyID: keyID, secretAccessKey: "").redactedAccessKeyID)",
                                   remedy: "Choose another --to name, or add --force (a backup is kept either way)")
            }
        }
        if !force, let target = config.profile(named: section), let command = target.setting(.credentialProcess),
           CredentialProcessLine.callsSTSProc(command) {
            throw STSProcError(.configuration, profile: profile, failure: "refusing to shadow profile \(section)",
                               reason: "[\(section)] runs sts-proc through credential_process, and the SDKs read keys in the credentials file first: it would use these keys until they expire and then fail",
                               remedy: "Choose another --to name, or add --force")
        }
        do {
            try refuseLongTermKeys(in: try readCurrent())
        } catch {
            throw error.inProfile(profile)
        }
        // Fetched before the file is read for editing: an MFA prompt or a slow STS must not
        // hold an old copy of the file that then overwrites edits made meanwhile.
        let credentials = try self.credentials(profile: profile, note: note)
        try CredentialCheck.requireUsable(credentials, profile: profile)
        var values = [("aws_access_key_id", credentials.accessKeyID),
                      ("aws_secret_access_key", credentials.secretAccessKey)]
        if let token = credentials.sessionToken { values.append(("aws_session_token", token)) }
        let content = SharedFileEditor.Section(
            name: section,
            comment: "Written by sts-proc from profile \(profile)"
                + (credentials.expiration.map { "; expires \($0.iso8601)" } ?? "") + ".",
            values: values.map { (key: $0.0, value: $0.1) })
        do {
            let written = try SharedFileWriter.editLocked(path) { () throws(STSProcError) -> (String, String?) in
                let previous = try readCurrent()
                try refuseLongTermKeys(in: previous)
                return (try SharedFileEditor.replacingSection(content, in: previous ?? "", path: path), previous)
            }
            return WriteResult(path: written.path, backupPath: written.backupPath, expiration: credentials.expiration)
        } catch {
            throw error.inProfile(profile)
        }
    }
}
