extension CredentialService {
    /// `sts-proc list`: every profile of the files, from the files, the keyring's item
    /// attributes and the kernel keyring's copies (the whole cache where there is no Secret
    /// Service, or with `sts_proc_cache = kernel`). `note` gets one line when the keyring
    /// cannot be asked (the list is still printed, without keys in the keyring, and with
    /// the kernel keyring's cache times only).
    public func listProfiles(note: (String) -> Void) throws(STSProcError) -> [ProfileSummary] {
        let config = try SharedConfig.load(environment: environment)
        let keyring: [KeyringItemSummary]?
        do {
            keyring = try SecretServiceStore(timeLimit: 2).inventory()
        } catch {
            keyring = nil
            note("sts-proc: list: note: \(error.explanation); keys in the keyring are not shown, and cache times only from the kernel keyring.")
        }
        let kernel = KernelKeyringCache().list().map { KeyringItemSummary(profile: $0.profile, isAccessKey: false, expiration: $0.expiration) }
        return ProfileInventory(config: config, environment: environment, now: now, keyring: keyring,
                                kernelCopies: kernel).summaries()
    }
}
