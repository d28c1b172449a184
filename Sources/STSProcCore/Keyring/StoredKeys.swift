/// Reads a profile's stored access key for a fetch, turning every keyring problem into the
/// one line users see. This is the one case where the keyring is required: a locked
/// collection fails at once (sts-proc never raises an unlock prompt).
enum StoredKeys {
    static func load(profile: String, asked: String, store: AccessKeyStore = AccessKeyStore()) throws(STSProcError) -> AWSCredentials {
        let key: StoredAccessKey?
        do {
            key = try store.load(profile: profile)
        } catch .locked {
            throw STSProcError(.configuration, profile: asked, failure: "the access key of profile \(profile) is in a locked keyring",
                               reason: "the default keyring collection is locked",
                               remedy: "Unlock it (log in to the desktop, or gnome-keyring-daemon --unlock) and try again")
        } catch {
            throw STSProcError(.unavailable, profile: asked, failure: "cannot read the access key of profile \(profile)",
                               reason: error.explanation, remedy: "Start a Secret Service (see the README's troubleshooting)")
        }
        guard let key else {
            let what = profile == asked ? "nothing to do" : "source profile \(profile) has no credentials"
            throw STSProcError(.configuration, profile: asked, failure: what,
                               reason: "[\(profile)] sets neither a role (role_arn) nor keys, and the keyring holds no key for it",
                               remedy: "Add its key with sts-proc keys add --profile \(profile), or set sts_proc_role_arn and sts_proc_source_profile")
        }
        return key.credentials
    }
}
