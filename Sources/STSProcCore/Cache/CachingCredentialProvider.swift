/// Serves a plan's credentials from the keyring while they have more than the minimum TTL
/// left; otherwise fetches them once (one refresher per key across processes) and caches
/// the result.
struct CachingCredentialProvider {
    let cache: KeyringCache
    let now: UTCTime
    /// Loads what `fetch` needs; started early, on its own thread, when a fetch is likely.
    var preload: @Sendable () -> Void = {}
    let fetch: (CredentialPlan) throws(STSProcError) -> AWSCredentials

    func credentials(for plan: CredentialPlan, refresh: Bool) throws(STSProcError) -> AWSCredentials {
        // Long-term keys gain nothing from a cache, and keeping copies of them is not asked for.
        guard plan.cachePolicy.isEnabled, plan.obtainsTemporaryCredentials else { return try fetch(plan) }
        // A SAML profile without role_arn takes its role from whatever assertion is saved:
        // the cache key cannot tell one IdP's role from another's, so it is not cached.
        if case .saml(let source) = plan.source, source.roleARN == nil { return try fetch(plan) }
        let ssoRole: String? = if case .sso(let source) = plan.source { source.roleDescription } else { nil }
        let roleARN = plan.finalRoleARN ?? ssoRole ?? plan.mfa.map { "MFA session for \($0.serialNumber)" } ?? "the SAML role"
        let entry = CacheEntry(profile: plan.profile, key: CacheKey(plan: plan), roleARN: roleARN)
        do {
            return try cache.credentials(
                for: entry, validAfter: now.adding(seconds: Int64(plan.cachePolicy.minimumTTL)), refresh: refresh,
                label: "sts-proc: \(plan.profile) → \(roleARN)", notePrefix: Self.notePrefix(plan.profile), preload: preload,
                fetch: { () throws(STSProcError) in try fetch(plan) })
        } catch {
            throw error.inProfile(plan.profile)
        }
    }

    static func notePrefix(_ profile: String) -> String { "sts-proc: profile \(profile): note: " }
}
