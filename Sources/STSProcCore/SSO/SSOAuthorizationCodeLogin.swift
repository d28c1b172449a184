/// The authorization-code login with PKCE, as the AWS CLI v2 runs it for `[sso-session]`
/// profiles: a client registered for the flow, a loopback redirect on 127.0.0.1, the
/// browser sent to the OIDC service's `/authorize`, and the code exchanged for a token.
struct SSOAuthorizationCodeLogin {
    let session: SSOSession
    let client: SSOClient
    let cache: SSOTokenCache
    /// Shows (and maybe opens) the URL the user must visit.
    let show: (_ url: String) -> Void
    let wallClock: () -> UTCTime
    /// How long the browser may take (the AWS CLI's ten minutes).
    var waitLimit = 600.0

    func run(profile: String?) throws(STSProcError) -> SSOToken {
        let registration = try SSOClientRegistrar(session: session, client: client, cache: cache, now: wallClock())
            .registration(forAuthorizationCode: true, profile: profile)
        let state = PKCE.makeState()
        let server: LoopbackRedirectServer
        do {
            server = try LoopbackRedirectServer(expectedState: state)
        } catch .libraryMissing {
            throw STSProcError(.configuration, profile: profile, failure: "cannot receive the browser's redirect",
                               reason: "libmicrohttpd.so.12 is not installed",
                               remedy: "Install libmicrohttpd12, or use sts-proc sso login --use-device-code")
        } catch {
            throw STSProcError(.configuration, profile: profile, failure: "cannot receive the browser's redirect",
                               reason: "no port on 127.0.0.1 could be opened",
                               remedy: "Use sts-proc sso login --use-device-code")
        }
        guard let pkce = PKCE.make() else {
            throw STSProcError(.configuration, profile: profile, failure: "cannot start the login",
                               reason: "GLib could not be loaded for SHA-256", remedy: "Install libsecret-1-0")
        }
        let redirectURI = "http://127.0.0.1:\(server.port)/oauth/callback"
        let scopes = registration.scopes ?? session.scopes ?? ["sso:account:access"]
        let query: [(String, String)] = [
            ("response_type", "code"), ("client_id", registration.clientID), ("redirect_uri", redirectURI),
            ("state", state), ("code_challenge_method", "S256"), ("scopes", scopes.joined(separator: " ")),
            ("code_challenge", pkce.challenge),
        ]
        show(session.oidcURL + "/authorize?" + FormEncoding.encode(query))
        guard let redirect = server.waitForRedirect(within: waitLimit) else {
            throw STSProcError(.rejected, profile: profile, failure: "the login timed out",
                               reason: "the browser did not come back within \(Int(waitLimit / 60)) minutes",
                               remedy: "Run sts-proc sso login again, or add --use-device-code where no browser can reach 127.0.0.1")
        }
        // The server passes on only redirects with this login's state; checked again here.
        guard redirect.state == state else {
            throw STSProcError(.rejected, profile: profile, failure: "the login was refused",
                               reason: "the redirect's state does not match this login (another browser tab?)",
                               remedy: "Run sts-proc sso login again")
        }
        if let error = redirect.error {
            throw STSProcError(.rejected, profile: profile, failure: "the login was denied",
                               reason: "the authorization server answered '\(error.prefix(64))'",
                               remedy: "Run sts-proc sso login again and approve the request in the browser")
        }
        guard let code = redirect.code else {
            throw STSProcError(.rejected, profile: profile, failure: "the login was refused",
                               reason: "the redirect's state does not match this login (another browser tab?)",
                               remedy: "Run sts-proc sso login again")
        }
        let grant: SSOClient.TokenGrant
        do {
            grant = try client.createToken([
                "grantType": "authorization_code", "clientId": registration.clientID,
                "clientSecret": registration.clientSecret, "redirectUri": redirectURI,
                "codeVerifier": pkce.verifier, "code": code,
            ])
        } catch {
            throw SSOErrors.explain(error, operation: "CreateToken", session: session, profile: profile)
        }
        let token = SSOToken(startURL: session.startURL, region: session.region, accessToken: grant.accessToken,
                             expiresAt: wallClock().adding(seconds: Int64(grant.expiresIn)), clientID: registration.clientID,
                             clientSecret: registration.clientSecret, registrationExpiresAt: registration.expiresAt,
                             refreshToken: grant.refreshToken)
        try cache.write(token, for: session)
        return token
    }
}
