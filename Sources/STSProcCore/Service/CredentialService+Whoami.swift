extension CredentialService {
    /// GetCallerIdentity with the profile's credentials: who the SDKs will be.
    public func callerIdentity(profile: String, note: @escaping (String) -> Void) throws(STSProcError) -> CallerIdentity {
        let plan = try plan(profile: profile)
        let credentials = try self.credentials(for: plan, note: note)
        let transport = try Self.makeTransport(profile: profile)
        let client = STSClient(connection: PlanExecutor(transport: transport, now: now).connection(for: plan), transport: transport)
        do {
            return try client.getCallerIdentity(using: credentials)
        } catch {
            throw error.inProfile(profile)
        }
    }
}

/// Who a set of credentials belongs to, as GetCallerIdentity says.
public struct CallerIdentity: Sendable, Equatable {
    public var account: String
    public var arn: String
    public var userID: String
}
