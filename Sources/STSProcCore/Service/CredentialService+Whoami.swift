extension CredentialService {
    public struct CallerIdentity: Sendable, Equatable {
        public var account: String
        public var arn: String
        public var userID: String
    }

    /// GetCallerIdentity with the profile's credentials: who the SDKs will be.
    public func callerIdentity(profile: String, note: @escaping (String) -> Void) throws(STSProcError) -> CallerIdentity {
        let plan = try plan(profile: profile)
        let credentials = try self.credentials(profile: profile, note: note)
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            throw STSProcError(.unavailable, profile: profile, failure: "cannot start the HTTP client", reason: error.explanation)
        }
        let client = STSClient(connection: PlanExecutor(transport: transport, now: now).connection(for: plan), transport: transport)
        do {
            let identity = try client.getCallerIdentity(using: credentials)
            return CallerIdentity(account: identity.account, arn: identity.arn, userID: identity.userID)
        } catch {
            throw error.inProfile(profile)
        }
    }
}
