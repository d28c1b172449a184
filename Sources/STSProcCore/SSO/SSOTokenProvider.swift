/// What to do with the cached token of a session (botocore's `SSOTokenProvider`, which
/// refreshes with fewer than 15 minutes left). Pure, for tests with any clock.
enum SSOTokenDecision: Equatable {
    case use
    /// Refresh; if the refresh fails, the old token may still be used while it is valid.
    case refresh(fallbackIsValid: Bool)
    /// No usable token and no way to get one without a login.
    case loginNeeded

    static let refreshWindow: Int64 = 15 * 60

    static func decide(_ token: SSOToken?, session: SSOSession, now: UTCTime) -> SSOTokenDecision {
        guard let token else { return .loginNeeded }
        let left = now.seconds(until: token.expiresAt)
        if left > refreshWindow { return .use }
        // Only `[sso-session]` tokens refresh: legacy ones are a fixed 8-hour session.
        if session.name != nil, token.isRefreshable(at: now) { return .refresh(fallbackIsValid: left > 0) }
        return left > 0 ? .use : .loginNeeded
    }
}

/// A valid access token for a session, from the shared token cache, refreshed when near
/// expiry under a per-session lock so that a burst of callers makes one refresh. Never
/// starts a login: credential_process runs without a terminal the user can see.
struct SSOTokenProvider {
    let session: SSOSession
    /// The profile being resolved (nil for `--sso-session` commands), for messages.
    let profile: String?
    let cache: SSOTokenCache
    let lockFolder: String
    let now: UTCTime
    /// Made only when a refresh is needed (it loads libcurl).
    let makeClient: () throws(STSProcError) -> SSOClient
    var lockTimeLimit = 30.0

    /// What to add to `sts-proc sso login` in the remedy.
    private var loginArguments: String {
        profile.map { "--profile \($0)" } ?? "--sso-session \(session.name ?? "NAME")"
    }

    func accessToken() throws(STSProcError) -> String {
        let first = try read()
        switch SSOTokenDecision.decide(first, session: session, now: now) {
        case .use: return first!.accessToken
        case .loginNeeded: throw loginNeeded(first)
        case .refresh: break
        }
        let lockName = "sso-" + CacheKey.shortHash(session.tokenCacheKey)
        let lock: RefreshLock?
        if case .acquired(let held, _) = RefreshLock.acquire(name: lockName, folder: lockFolder, timeLimit: lockTimeLimit) {
            lock = held
        } else {
            lock = nil
        }
        defer { lock?.release() }
        // Whoever held the lock may just have refreshed the file.
        let current = try read()
        guard case .refresh(let fallbackIsValid) = SSOTokenDecision.decide(current, session: session, now: now),
              let token = current else {
            if let token = current, token.expiresAt > now { return token.accessToken }
            throw loginNeeded(current)
        }
        let client = try makeClient()
        do throws(SSOFailure) {
            let grant = try client.createToken([
                "grantType": "refresh_token", "clientId": token.clientID ?? "", "clientSecret": token.clientSecret ?? "",
                "refreshToken": token.refreshToken ?? "",
            ])
            var refreshed = token
            refreshed.accessToken = grant.accessToken
            refreshed.expiresAt = now.adding(seconds: Int64(grant.expiresIn))
            // botocore drops the refresh token when the answer has none; keeping the old one
            // (as the Rust SDK does) lets the next refresh still try.
            refreshed.refreshToken = grant.refreshToken ?? token.refreshToken
            // A read-only or full ~/.aws must not cost the token just obtained.
            try? cache.write(refreshed, for: session)
            return refreshed.accessToken
        } catch {
            if fallbackIsValid { return token.accessToken }
            throw refreshFailed(error)
        }
    }

    /// The cached token, or nil (missing or unreadable); a token of another start URL is
    /// not this session's.
    func read() throws(STSProcError) -> SSOToken? {
        switch cache.readToken(for: session) {
        case .token(let token):
            if let url = token.startURL, url != session.startURL { return nil }
            return token
        case .missing, .unreadable:
            return nil
        }
    }

    private func loginNeeded(_ token: SSOToken?) -> STSProcError {
        STSProcError(.configuration, profile: profile,
                     failure: "\(session.description) has expired (or was never started)",
                     reason: "run sts-proc sso login \(loginArguments)")
    }

    private func refreshFailed(_ failure: SSOFailure) -> STSProcError {
        switch failure {
        case .service(_, let code, _) where failure.isError("InvalidGrantException", oauth: "invalid_grant"):
            return STSProcError(.configuration, profile: profile, failure: "\(session.description) has ended",
                                reason: "the token refresh was refused (\(code))",
                                remedy: "run sts-proc sso login \(loginArguments)")
        default:
            return SSOErrors.explain(failure, operation: "CreateToken (refresh)", session: session, profile: profile)
        }
    }
}
