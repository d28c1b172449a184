import Glibc

/// The device-code login (RFC 8628) as the AWS CLI v2 runs it: register a client (or reuse
/// a cached registration), start a device authorization, show the URL and code, and poll
/// CreateToken at the server's interval until the user approves, denies, or the code expires.
struct SSODeviceLogin {
    let session: SSOSession
    let client: SSOClient
    let cache: SSOTokenCache
    /// Shows the user what to open and confirm (stderr, and a browser when asked).
    let show: (_ url: String, _ userCode: String) -> Void
    var clock: () -> Int64 = { Int64(MonotonicClock.now()) }
    var wallClock: () -> UTCTime
    var sleep: (Double) -> Void = { JitteredBackoff().sleep(seconds: $0) }

    /// The new token, written to the shared cache.
    func run(profile: String?) throws(STSProcError) -> SSOToken {
        let registration = try SSOClientRegistrar(session: session, client: client, cache: cache, now: wallClock())
            .registration(forAuthorizationCode: false, profile: profile)
        let authorization: SSOClient.DeviceAuthorization
        do {
            authorization = try client.startDeviceAuthorization(clientID: registration.clientID,
                                                                 clientSecret: registration.clientSecret)
        } catch {
            throw SSOErrors.explain(error, operation: "StartDeviceAuthorization", session: session, profile: profile)
        }
        show(authorization.verificationUriComplete ?? authorization.verificationUri ?? session.startURL, authorization.userCode)
        var interval = Double(max(1, authorization.interval ?? 5))
        let deadline = clock() + Int64(authorization.expiresIn)
        while true {
            let grant: SSOClient.TokenGrant
            do throws(SSOFailure) {
                grant = try client.createToken([
                    "grantType": "urn:ietf:params:oauth:grant-type:device_code", "clientId": registration.clientID,
                    "clientSecret": registration.clientSecret, "deviceCode": authorization.deviceCode,
                ])
            } catch {
                if error.isError("SlowDownException", oauth: "slow_down") {
                    interval += 5
                } else if error.isError("ExpiredTokenException", oauth: "expired_token") {
                    throw expired(profile)
                } else if error.isError("AccessDeniedException", oauth: "access_denied") {
                    throw STSProcError(.rejected, profile: profile, failure: "the login was denied",
                                       reason: "the request for \(session.description) was not approved",
                                       remedy: "Run sts-proc sso login again and approve the code in the browser")
                } else if !error.isError("AuthorizationPendingException", oauth: "authorization_pending") {
                    throw SSOErrors.explain(error, operation: "CreateToken", session: session, profile: profile)
                }
                guard clock() + Int64(interval) <= deadline else { throw expired(profile) }
                sleep(interval)
                continue
            }
            let token = SSOToken(startURL: session.startURL, region: session.region, accessToken: grant.accessToken,
                                 expiresAt: wallClock().adding(seconds: Int64(grant.expiresIn)), clientID: registration.clientID,
                                 clientSecret: registration.clientSecret, registrationExpiresAt: registration.expiresAt,
                                 refreshToken: grant.refreshToken)
            try cache.write(token, for: session)
            return token
        }
    }

    private func expired(_ profile: String?) -> STSProcError {
        STSProcError(.rejected, profile: profile, failure: "the login code expired",
                     reason: "nobody approved it in time", remedy: "Run sts-proc sso login again")
    }
}
