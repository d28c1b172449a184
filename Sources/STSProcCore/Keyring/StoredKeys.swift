/// Reads a profile's stored access key for a fetch, turning every keyring problem into the
/// one line users see. This is the one case where the keyring is required: a locked
/// collection fails at once (sts-proc never raises an unlock prompt).
enum StoredKeys {
    static func load(profile: String, asked: String, ifAbsent: STSProcError,
                     store: AccessKeyStore = AccessKeyStore()) throws(STSProcError) -> AWSCredentials {
        let key: StoredAccessKey?
        do {
            key = try store.load(profile: profile)
        } catch .locked {
            throw STSProcError(.configuration, profile: asked, failure: "the access key of profile \(profile) is in a locked keyring",
                               reason: "the default keyring collection is locked",
                               remedy: "Unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and try again")
        } catch {
            // Without a keyring to ask, what the files say is the answer: usually a typo'd
            // profile or a missing key, which the planning error names best.
            var absent = ifAbsent.inProfile(asked)
            absent.reason += " (and the keyring could not be asked: \(error.explanation))"
            throw absent
        }
        guard let key else { throw ifAbsent.inProfile(asked) }
        return key.credentials
    }
}
