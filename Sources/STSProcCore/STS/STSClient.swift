import Glibc

/// How the STS client reaches its endpoint; from the profile and environment.
struct STSConnectionSettings {
    var endpoint: STSEndpoint
    var caBundlePath: String?
    /// `max_attempts` / `AWS_MAX_ATTEMPTS`: total tries, the first included.
    var maxAttempts: Int = 3
}

/// Pauses between attempts; injected so tests run without waiting.
protocol RetryPacing {
    /// Seconds to wait after failed attempt `attempt` (1-based).
    func delay(afterAttempt attempt: Int) -> Double
    func sleep(seconds: Double)
}

/// Exponential backoff with full jitter: short enough that an interactive command that
/// cannot reach STS fails within about a second, spread enough that 64 parallel callers
/// do not retry in lock step.
struct JitteredBackoff: RetryPacing {
    var base = 0.2
    var cap = 2.0

    func delay(afterAttempt attempt: Int) -> Double {
        let ceiling = min(cap, base * Double(1 << min(attempt - 1, 10)))
        return Double.random(in: 0...ceiling)
    }

    func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}

/// The STS calls sts-proc makes, with retries and with every failure turned into a sentence.
final class STSClient {
    private let connection: STSConnectionSettings
    private let transport: HTTPTransport
    private let pacing: RetryPacing

    init(connection: STSConnectionSettings, transport: HTTPTransport, pacing: RetryPacing = JitteredBackoff()) {
        self.connection = connection
        self.transport = transport
        self.pacing = pacing
    }

    func assumeRole(_ parameters: AssumeRoleParameters, using caller: AWSCredentials) throws(STSProcError) -> AWSCredentials {
        try issued(by: "AssumeRole", parameters: parameters.formParameters, signedWith: caller)
    }

    /// Signed with long-term keys; the MFA code makes the session count as MFA-authenticated.
    func getSessionToken(serialNumber: String, code: String, durationSeconds: Int,
                         using longTerm: AWSCredentials) throws(STSProcError) -> AWSCredentials {
        try issued(by: "GetSessionToken",
                   parameters: [("DurationSeconds", String(durationSeconds)), ("SerialNumber", serialNumber),
                                ("TokenCode", code)],
                   signedWith: longTerm)
    }

    /// Signed with long-term keys: a session the console federation endpoint accepts (it
    /// refuses long-term keys). The policy is intersected with the user's own permissions.
    func getFederationToken(name: String, durationSeconds: Int, policy: String,
                            using longTerm: AWSCredentials) throws(STSProcError) -> AWSCredentials {
        try issued(by: "GetFederationToken",
                   parameters: [("Name", name), ("DurationSeconds", String(durationSeconds)), ("Policy", policy)],
                   signedWith: longTerm)
    }

    /// Unsigned: the token is the proof of identity.
    func assumeRoleWithWebIdentity(_ source: WebIdentitySource, token: String) throws(STSProcError) -> AWSCredentials {
        var parameters: [(String, String)] = [
            ("RoleArn", source.roleARN),
            ("RoleSessionName", source.roleSessionName),
            ("WebIdentityToken", token),
        ]
        parameters += Self.sessionPolicyParameters(duration: source.durationSeconds, policy: source.policy,
                                                   policyARNs: source.policyARNs)
        return try issued(by: "AssumeRoleWithWebIdentity", parameters: parameters, signedWith: nil)
    }

    /// Unsigned: the assertion, signed by the IdP, is the proof of identity.
    func assumeRoleWithSAML(roleARN: String, principalARN: String, assertion: String, durationSeconds: Int?,
                            policy: String?, policyARNs: [String]) throws(STSProcError) -> AWSCredentials {
        var parameters: [(String, String)] = [
            ("RoleArn", roleARN),
            ("PrincipalArn", principalARN),
            ("SAMLAssertion", assertion),
        ]
        parameters += Self.sessionPolicyParameters(duration: durationSeconds, policy: policy, policyARNs: policyARNs)
        return try issued(by: "AssumeRoleWithSAML", parameters: parameters, signedWith: nil)
    }

    private func issued(by action: String, parameters: [(String, String)],
                        signedWith signer: AWSCredentials?) throws(STSProcError) -> AWSCredentials {
        let reply = try call(action: action, parameters: parameters, signedWith: signer)
        guard case .credentials(let credentials) = reply else { throw unexpected(action: action) }
        return credentials
    }

    private static func sessionPolicyParameters(duration: Int?, policy: String?, policyARNs: [String]) -> [(String, String)] {
        var parameters: [(String, String)] = []
        if let duration { parameters.append(("DurationSeconds", String(duration))) }
        if let policy { parameters.append(("Policy", policy)) }
        for (index, arn) in policyARNs.enumerated() { parameters.append(("PolicyArns.member.\(index + 1).arn", arn)) }
        return parameters
    }

    func getCallerIdentity(using caller: AWSCredentials) throws(STSProcError) -> CallerIdentity {
        let reply = try call(action: "GetCallerIdentity", parameters: [], signedWith: caller)
        guard case .callerIdentity(let account, let arn, let userID) = reply else {
            throw unexpected(action: "GetCallerIdentity")
        }
        return CallerIdentity(account: account, arn: arn, userID: userID)
    }

    // MARK: - One call with retries

    private func call(action: String, parameters: [(String, String)], signedWith caller: AWSCredentials?) throws(STSProcError) -> STSReply {
        let body = FormEncoding.encode([("Action", action), ("Version", "2011-06-15")] + parameters)
        let request = HTTPRequest(
            url: connection.endpoint.url,
            body: body,
            headers: ["Content-Type: application/x-www-form-urlencoded; charset=utf-8", "Accept: text/xml"],
            signing: caller.map { SigV4Signing(credentials: $0, region: connection.endpoint.signingRegion, service: "sts") },
            caBundlePath: connection.caBundlePath)

        // What this request carried that must never come back in a relayed message.
        let secrets = parameters.filter { ["WebIdentityToken", "SAMLAssertion", "TokenCode"].contains($0.0) }.map(\.1)
            + [caller?.secretAccessKey, caller?.sessionToken].compactMap { $0 }
        var attempt = 1
        while true {
            let outcome = attemptOnce(action: action, request: request, secrets: secrets)
            switch outcome {
            case .done(let reply):
                return reply
            case .failed(var error, let retryable):
                if RunDeadline.isPast {
                    throw RunDeadline.reached(waitingFor: "\(action) at \(connection.endpoint.url) (attempt \(attempt))")
                }
                guard retryable, attempt < connection.maxAttempts else {
                    if attempt > 1 { error.reason += " (after \(attempt) attempts)" }
                    throw error
                }
                pacing.sleep(seconds: RunDeadline.limit(pacing.delay(afterAttempt: attempt)))
                attempt += 1
            }
        }
    }

    private enum AttemptOutcome {
        case done(STSReply)
        case failed(STSProcError, retryable: Bool)
    }

    private func attemptOnce(action: String, request: HTTPRequest, secrets: [String]) -> AttemptOutcome {
        let response: HTTPResponse
        do {
            response = try transport.send(request)
        } catch {
            return .failed(STSErrorExplainer.transportFailure(error, action: action, connection: connection),
                           retryable: error.isRetryable)
        }
        let reply = STSResponseParser.parse(response.body)
        switch reply {
        case .error(let code, let message):
            let retryable = response.status >= 500 || STSErrorExplainer.isThrottling(code)
                || STSErrorExplainer.isTransientIdentityProviderError(code)
            return .failed(STSErrorExplainer.serviceError(code: MessageRedaction.redact(code, secrets: secrets),
                                                          message: MessageRedaction.redact(message, secrets: secrets),
                                                          status: response.status,
                                                          action: action, connection: connection),
                           retryable: retryable)
        case .unrecognized(let what):
            return .failed(STSErrorExplainer.unusableResponse(what, status: response.status, action: action,
                                                              connection: connection),
                           retryable: response.status >= 500 || response.status == 429)
        case .unusableCredential(let problem):
            return .failed(STSErrorExplainer.unusableCredential(problem, action: action, connection: connection),
                           retryable: false)
        case .credentials, .callerIdentity:
            guard response.status == 200 else {
                return .failed(STSErrorExplainer.unusableResponse("a success body with HTTP \(response.status)",
                                                                  status: response.status, action: action,
                                                                  connection: connection),
                               retryable: response.status >= 500)
            }
            return .done(reply)
        }
    }

    private func unexpected(action: String) -> STSProcError {
        STSErrorExplainer.unusableResponse("an STS response of the wrong kind", status: 200, action: action,
                                           connection: connection)
    }
}
