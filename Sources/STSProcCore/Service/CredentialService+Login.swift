extension CredentialService {
    /// Console session lengths the federation endpoint accepts.
    public static let roleSessionDurations = 900...43200
    public static let federationTokenDurations = 900...129_600

    /// The console login URL for the profile's session (README, "login"). Long-term keys
    /// are first turned into a federation token, which the federation endpoint requires.
    /// The URL carries a sign-in token: the caller prints it or hands it to the browser
    /// without a command line, and no message ever contains it.
    public func consoleLoginURL(profile: String, duration: Int?, destination: String?,
                                note: @escaping (String) -> Void) throws(STSProcError) -> String {
        let plan = try plan(profile: profile)
        var credentials = try self.credentials(for: plan, note: note)
        try CredentialCheck.requireUsable(credentials, profile: profile)
        let region = plan.endpoint.signingRegion
        guard let endpoints = ConsoleSignIn.endpoints(region: region, configured: environment.nonEmpty("AWS_ENDPOINT_URL_SIGNIN")) else {
            throw STSProcError(.configuration, profile: profile, failure: "cannot sign in to the console",
                               reason: "region \(region) belongs to a partition without a public console",
                               remedy: "Use a profile whose region is in the aws, aws-cn or aws-us-gov partition")
        }
        if let destination, !destination.hasPrefix("https://") {
            throw STSProcError(.configuration, profile: profile, failure: "invalid --destination",
                               reason: "'\(destination)' is not an https:// URL", remedy: "Give a console URL such as https://console.aws.amazon.com/s3/")
        }
        var sessionDuration = duration
        if !credentials.isTemporary {
            let seconds = duration ?? 3600
            guard Self.federationTokenDurations.contains(seconds) else { throw Self.badDuration(seconds, profile: profile, range: Self.federationTokenDurations) }
            let transport = try Self.makeTransport(profile: profile)
            let client = STSClient(connection: PlanExecutor(transport: transport, now: now).connection(for: plan), transport: transport)
            do throws(STSProcError) {
                credentials = try client.getFederationToken(name: "sts-proc", durationSeconds: seconds,
                                                            policy: ConsoleSignIn.passThroughPolicy, using: credentials)
            } catch {
                throw error.inProfile(profile)
            }
            sessionDuration = nil
        } else if let seconds = duration, !Self.roleSessionDurations.contains(seconds) {
            throw Self.badDuration(seconds, profile: profile, range: Self.roleSessionDurations)
        }
        let token = try signinToken(endpoints, credentials: credentials, sessionDuration: sessionDuration,
                                    caBundlePath: plan.caBundlePath, profile: profile)
        let configuredRegion = try configuredRegion(profile: profile)
        let page = destination ?? ConsoleSignIn.defaultDestination(endpoints, region: configuredRegion)
        return ConsoleSignIn.loginURL(endpoints, signinToken: token, destination: page)
    }

    private func signinToken(_ endpoints: ConsoleSignIn.Endpoints, credentials: AWSCredentials, sessionDuration: Int?,
                             caBundlePath: String?, profile: String) throws(STSProcError) -> String {
        let transport = try Self.makeTransport(profile: profile)
        let request = HTTPRequest(method: .get, url: ConsoleSignIn.signinTokenURL(endpoints, credentials: credentials,
                                                                                   sessionDuration: sessionDuration),
                                  body: "", headers: ["Accept: application/json"], caBundlePath: caBundlePath)
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            // libcurl's text names at most the host, never the query that holds the session.
            throw STSProcError(.unavailable, profile: profile, failure: "cannot reach the console federation endpoint",
                               reason: MessageRedaction.redact(error.explanation, secrets: [credentials.secretAccessKey, credentials.sessionToken ?? ""]),
                               remedy: "Check the network and HTTPS_PROXY / NO_PROXY")
        }
        guard response.status == 200, let token = ConsoleSignIn.signinToken(from: response.body) else {
            // The body is never relayed: it may echo the session.
            throw STSProcError(response.status >= 400 && response.status < 500 ? .rejected : .unavailable, profile: profile,
                               failure: "GetSigninToken failed",
                               reason: "the federation endpoint answered HTTP \(response.status) without a sign-in token",
                               remedy: sessionDuration != nil
                                   ? "A chained role session allows at most 3600 s: try --duration 3600, or leave --duration out"
                                   : "Check that the role's credentials are valid (sts-proc whoami --profile \(profile))")
        }
        return token
    }

    private static func badDuration(_ seconds: Int, profile: String, range: ClosedRange<Int>) -> STSProcError {
        STSProcError(.configuration, profile: profile, failure: "invalid --duration",
                     reason: "\(seconds) s is outside \(range.lowerBound)–\(range.upperBound) s",
                     remedy: "Give --duration between \(range.lowerBound) and \(range.upperBound)")
    }
}
