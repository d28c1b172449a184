import Testing
@testable import STSProcCore

/// Answers from a script, recording what was sent.
private final class ScriptedTransport: HTTPTransport {
    var script: [Result<HTTPResponse, TransportFailure>]
    var sent: [HTTPRequest] = []
    init(_ script: [Result<HTTPResponse, TransportFailure>]) { self.script = script }

    func send(_ request: HTTPRequest) throws(TransportFailure) -> HTTPResponse {
        sent.append(request)
        switch script.removeFirst() {
        case .success(let response): return response
        case .failure(let failure): throw failure
        }
    }
}

private struct NoWait: RetryPacing {
    func delay(afterAttempt attempt: Int) -> Double { 0 }
    func sleep(seconds: Double) {}
}

@Suite struct STSClientTests {
    private let caller = AWSCredentials(accessKeyID: "AKIA1", secretAccessKey: "SECRET", sessionToken: "TOKEN")
    private let parameters = AssumeRoleParameters(roleARN: "arn:aws:iam::123456789012:role/ci-role",
                                                  roleSessionName: "s1", durationSeconds: 900)

    private func client(_ transport: ScriptedTransport, attempts: Int = 3) -> STSClient {
        STSClient(connection: STSConnectionSettings(
                      endpoint: STSEndpoint(url: "http://127.0.0.1:1", signingRegion: "eu-west-1", origin: "AWS_ENDPOINT_URL_STS"),
                      caBundlePath: nil, maxAttempts: attempts),
                  transport: transport, pacing: NoWait())
    }

    private func response(_ status: Int, _ fixture: String) throws -> Result<HTTPResponse, TransportFailure> {
        .success(HTTPResponse(status: status, body: try Fixtures.bytes(fixture)))
    }

    @Test func assumeRoleSendsASignedFormAndReadsCredentials() throws {
        let transport = ScriptedTransport([try response(200, "assume-role.xml")])
        let issued = try client(transport).assumeRole(parameters, using: caller)
        #expect(issued.accessKeyID == "ASIARZPUZDIKLEVZVBRG")
        let request = try #require(transport.sent.first)
        #expect(request.body == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fci-role&RoleSessionName=s1&DurationSeconds=900")
        #expect(request.signing?.region == "eu-west-1")
        #expect(request.signing?.service == "sts")
        #expect(request.signing?.credentials == caller)
    }

    @Test func retriesServerErrorsThrottlingAndConnectionFailuresUpToMaxAttempts() throws {
        let throttled = HTTPResponse(status: 400, body: Array(
            "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>".utf8))
        let transport = ScriptedTransport([.failure(.couldNotConnect("refused")), .success(throttled),
                                           try response(200, "assume-role.xml")])
        _ = try client(transport).assumeRole(parameters, using: caller)
        #expect(transport.sent.count == 3)

        let failing = ScriptedTransport([try response(500, "error-500-missing-rolearn.html"),
                                         try response(500, "error-500-missing-rolearn.html")])
        do {
            _ = try client(failing, attempts: 2).assumeRole(parameters, using: caller)
            Issue.record("HTTP 500 accepted")
        } catch {
            #expect(error.reason.hasSuffix("(after 2 attempts)"))
        }
        #expect(failing.sent.count == 2)
    }

    @Test func throttlingThatOutlastsEveryAttemptIsUnavailableNotRejected() {
        let throttled = HTTPResponse(status: 400, body: Array(
            "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>".utf8))
        let transport = ScriptedTransport(Array(repeating: .success(throttled), count: 3))
        do {
            _ = try client(transport).assumeRole(parameters, using: caller)
            Issue.record("throttling accepted")
        } catch {
            #expect(error.exitCode == 3, "a busy STS is not a refusal: \(error.message)")
            #expect(error.message.contains("Throttling"))
        }
        #expect(transport.sent.count == 3)
    }

    @Test func aTimeoutIsRetriedThenSaidPlainly() {
        let transport = ScriptedTransport(Array(repeating: .failure(.timedOut("operation timed out")), count: 3))
        do {
            _ = try client(transport).assumeRole(parameters, using: caller)
            Issue.record("timeout accepted")
        } catch {
            #expect(error.exitCode == 3)
            #expect(error.message.contains("did not answer in time"))
        }
        #expect(transport.sent.count == 3)
    }

    @Test func neverRetriesAuthErrors() throws {
        let transport = ScriptedTransport([try response(403, "error-access-denied.xml")])
        do {
            _ = try client(transport).assumeRole(parameters, using: caller)
            Issue.record("AccessDenied accepted")
        } catch {
            #expect(transport.sent.count == 1)
            #expect(error.kind == .rejected)
            #expect(error.failure == "AssumeRole denied (AccessDenied)")
            #expect(error.reason.contains("nopriv is not authorized"))
        }
    }

    @Test func tlsFailuresAreNotRetriedAndPointAtCABundle() {
        let transport = ScriptedTransport([.failure(.tls("SSL certificate problem: self-signed certificate"))])
        do {
            _ = try client(transport).assumeRole(parameters, using: caller)
            Issue.record("TLS failure accepted")
        } catch {
            #expect(transport.sent.count == 1)
            #expect(error.kind == .unavailable)
            #expect(error.message.contains("ca_bundle"))
        }
    }

    @Test func htmlAnswersBecomeUnavailableWithStatus() throws {
        let transport = ScriptedTransport([try response(500, "error-500-missing-rolearn.html")])
        do {
            _ = try client(transport, attempts: 1).assumeRole(parameters, using: caller)
            Issue.record("HTML accepted")
        } catch {
            #expect(error.kind == .unavailable)
            #expect(error.reason.contains("HTTP 500"))
            #expect(error.reason.contains("HTML"))
        }
    }

    @Test func errorsNeverContainTheCallersSecrets() throws {
        for fixture in ["error-access-denied.xml", "error-signature-does-not-match.xml", "error-500-missing-rolearn.html"] {
            let transport = ScriptedTransport([try response(403, fixture)])
            do {
                _ = try client(transport, attempts: 1).assumeRole(parameters, using: caller)
            } catch {
                #expect(!error.message.contains("SECRET"))
                #expect(!error.message.contains("TOKEN"))
            }
        }
    }
}
