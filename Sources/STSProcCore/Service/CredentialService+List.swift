extension CredentialService {
    /// `sts-proc list`: every profile of the files, from the files and the keyring's item
    /// attributes only. `note` gets one line when the keyring cannot be asked (the list is
    /// still printed, without keys in the keyring and cache times).
    public func listProfiles(note: (String) -> Void) throws(STSProcError) -> [ProfileSummary] {
        let config = try SharedConfig.load(environment: environment)
        let keyring: [KeyringItemSummary]?
        do {
            keyring = try SecretServiceStore(timeLimit: 2).inventory()
        } catch {
            keyring = nil
            note("sts-proc: list: note: \(error.explanation); keys in the keyring and cache times are not shown.")
        }
        return ProfileInventory(config: config, environment: environment, now: now, keyring: keyring).summaries()
    }
}
