/// The library's front door: what the commands call. Wires the real file reader and
/// libcurl into the pure parts.
public struct CredentialService {
    public let environment: [String: String]
    public let now: UTCTime

    public init(environment: [String: String], now: UTCTime) {
        self.environment = environment
        self.now = now
    }

    /// The profile named on the command line, else `AWS_PROFILE`, else `default` (as the AWS CLI).
    public func profileName(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["AWS_PROFILE"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "default"
    }

    public func plan(profile: String) throws(STSProcError) -> CredentialPlan {
        let config: SharedConfig
        do {
            config = try SharedConfig.load(environment: environment)
        } catch {
            throw error.inProfile(profile)
        }
        return try PlanBuilder(config: config, environment: environment, now: now).makePlan(profileName: profile)
    }

    public func credentials(profile: String) throws(STSProcError) -> AWSCredentials {
        let plan = try plan(profile: profile)
        if plan.roles.isEmpty { return plan.source.credentials }
        let transport: CurlTransport
        do {
            transport = try CurlTransport()
        } catch {
            throw STSProcError(.unavailable, profile: profile, failure: "cannot start HTTP client",
                               reason: error.explanation, remedy: "Check the libcurl installation")
        }
        return try PlanExecutor(transport: transport).execute(plan)
    }
}
