/// Exchanges long-term keys for an MFA session (GetSessionToken with SerialNumber and
/// TokenCode). Every role that shares the keys and the device shares the session, so a
/// user types one code per session, not one per role.
protocol MFASessionProvider {
    func session(for mfa: MFASettings, longTerm: AWSCredentials, plan: CredentialPlan,
                 client: STSClient) throws(STSProcError) -> AWSCredentials
}

/// Asks for a code every time: for `sts_proc_cache = none`, and the building block below.
struct UncachedMFASessions: MFASessionProvider {
    func session(for mfa: MFASettings, longTerm: AWSCredentials, plan: CredentialPlan,
                 client: STSClient) throws(STSProcError) -> AWSCredentials {
        let code = try MFACodeReader.code(for: mfa)
        return try client.getSessionToken(serialNumber: mfa.serialNumber, code: code,
                                          durationSeconds: mfa.sessionSeconds, using: longTerm)
    }
}

/// Keeps MFA sessions in the keyring under their own key: the source principal, the MFA
/// device and the endpoint, not the role, so that every role over the same keys reuses it.
struct KeyringMFASessions: MFASessionProvider {
    let cache: KeyringCache
    let now: UTCTime
    /// Under a role the session only has to outlive the AssumeRole calls made with it; the
    /// role credentials it yields last as long as they were asked for.
    static let minimumSessionLife: Int64 = 300

    func session(for mfa: MFASettings, longTerm: AWSCredentials, plan: CredentialPlan,
                 client: STSClient) throws(STSProcError) -> AWSCredentials {
        guard plan.cachePolicy.isEnabled else {
            return try UncachedMFASessions().session(for: mfa, longTerm: longTerm, plan: plan, client: client)
        }
        let material = CacheKey.material([
            ("version", "mfa-session 2"), ("endpoint", plan.endpoint.url), ("source", longTerm.accessKeyID),
            ("mfa-serial", mfa.serialNumber), ("duration", String(mfa.sessionSeconds)),
        ])
        // Filed under the profile that holds the keys, not the role profile that asked:
        // every role over those keys must find it.
        let entry = CacheEntry(profile: plan.source.keysProfile ?? "environment", key: CacheKey(material: material),
                               roleARN: "MFA session for \(mfa.serialNumber)")
        // Without a role the session itself is what the SDK gets, so it must leave the SDK
        // the same margin as any printed credential; under a role it only has to outlive
        // the AssumeRole calls.
        let margin = plan.roles.isEmpty ? Int64(plan.cachePolicy.minimumTTL) : Self.minimumSessionLife
        return try cache.credentials(
            for: entry, validAfter: now.adding(seconds: margin), refresh: false,
            label: "sts-proc: MFA session \(mfa.serialNumber)",
            notePrefix: CachingCredentialProvider.notePrefix(plan.profile),
            fetch: { () throws(STSProcError) in
                try UncachedMFASessions().session(for: mfa, longTerm: longTerm, plan: plan, client: client)
            })
    }
}
