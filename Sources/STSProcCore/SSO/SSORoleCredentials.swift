/// An SSO profile's role credentials: a valid access token from the shared cache (refreshed
/// if need be), then the portal's GetRoleCredentials.
struct SSORoleCredentials {
    let source: SSOSource
    let transport: HTTPTransport
    let environment: [String: String]
    let now: UTCTime

    func credentials() throws(STSProcError) -> AWSCredentials {
        let client = SSOClient(session: source.session, transport: transport)
        let tokens = SSOTokenProvider(session: source.session, profile: source.profile,
                                      cache: SSOTokenCache(environment: environment),
                                      lockFolder: RefreshLock.folder(environment: environment), now: now,
                                      makeClient: { () throws(STSProcError) in client })
        let accessToken = try tokens.accessToken()
        do {
            return try client.roleCredentials(accessToken: accessToken, accountID: source.accountID, roleName: source.roleName)
        } catch {
            throw explain(error)
        }
    }

    private func explain(_ failure: SSOFailure) -> STSProcError {
        let login = "run sts-proc sso login --profile \(source.profile)"
        switch failure {
        case .service(401, _, _), .service(_, "UnauthorizedException", _):
            return STSProcError(.configuration, profile: source.profile,
                                failure: "\(source.session.description) has expired (or was never started)",
                                reason: "the portal no longer accepts its token", remedy: login)
        case .service(let status, let code, _) where status == 403 || code == "ForbiddenException":
            return STSProcError(.rejected, profile: source.profile,
                                failure: "GetRoleCredentials denied (\(code))",
                                reason: "the role \(source.roleName) in account \(source.accountID) is not assigned to you",
                                remedy: "Check sso_account_id and sso_role_name (sts-proc sso accounts --profile \(source.profile) lists yours)")
        default:
            return SSOErrors.explain(failure, operation: "GetRoleCredentials", session: source.session, profile: source.profile)
        }
    }
}
