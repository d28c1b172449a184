/// The OIDC client a login uses: a cached registration (shared with the AWS CLI v2 through
/// its registration cache file) while it has more than 15 minutes left and was made for
/// the same flow, else a new one, cached.
struct SSOClientRegistrar {
    let session: SSOSession
    let client: SSOClient
    let cache: SSOTokenCache
    let now: UTCTime

    static let authorizationCodeGrants = ["authorization_code", "refresh_token"]
    /// Registered without a port: the loopback port is chosen per login (as the AWS CLI).
    static let redirectURI = "http://127.0.0.1/oauth/callback"

    func registration(forAuthorizationCode: Bool, profile: String?) throws(STSProcError) -> SSORegistration {
        if let cached = cache.readRegistration(for: session), now.seconds(until: cached.expiresAt) > 15 * 60,
           (cached.grantTypes ?? []).contains("authorization_code") == forAuthorizationCode {
            return cached
        }
        let name = "sts-proc-" + (session.name ?? String(now.secondsSinceEpoch))
        // The authorization-code flow needs scopes to issue refresh tokens; the AWS CLI
        // asks for sso:account:access when none are configured.
        let scopes = forAuthorizationCode ? (session.scopes ?? ["sso:account:access"]) : session.scopes
        let grantTypes = forAuthorizationCode ? Self.authorizationCodeGrants : nil
        let answer: SSOClient.Registration
        do {
            answer = try client.registerClient(name: name, scopes: scopes, grantTypes: grantTypes,
                                               redirectURI: forAuthorizationCode ? Self.redirectURI : nil,
                                               issuerURL: forAuthorizationCode ? session.startURL : nil)
        } catch {
            throw SSOErrors.explain(error, operation: "RegisterClient", session: session, profile: profile)
        }
        let registration = SSORegistration(clientID: answer.clientId, clientSecret: answer.clientSecret,
                                           expiresAt: UTCTime(secondsSinceEpoch: answer.clientSecretExpiresAt),
                                           scopes: scopes, grantTypes: grantTypes)
        try cache.write(registration, for: session)
        return registration
    }
}
