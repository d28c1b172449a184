/// Carries out a `CredentialPlan`: starts from the source credentials and assumes each
/// role in turn with the credentials of the one before.
struct PlanExecutor {
    let transport: HTTPTransport
    let now: UTCTime
    /// Where the SSO token cache and the lock folder are.
    var environment: [String: String] = [:]
    var mfaSessions: MFASessionProvider = UncachedMFASessions()
    var pacing: RetryPacing = JitteredBackoff()

    func execute(_ plan: CredentialPlan) throws(STSProcError) -> AWSCredentials {
        let client = STSClient(connection: connection(for: plan), transport: transport, pacing: pacing)
        var credentials: AWSCredentials
        do {
            switch plan.source {
            case .staticKeys(let given, _), .environment(let given):
                credentials = given
            case .instanceMetadata(let endpoint):
                credentials = try InstanceMetadataClient(endpoint: endpoint, transport: transport).credentials()
            case .container(let endpoint):
                credentials = try ContainerCredentialsClient(endpoint: endpoint, transport: transport).credentials()
            case .webIdentity(let source):
                credentials = try FederatedSignIn(client: client, now: now).credentials(for: source)
            case .saml(let source):
                credentials = try FederatedSignIn(client: client, now: now).credentials(for: source)
            case .process(let source):
                credentials = try Self.run(source)
            case .storedKeys(let profile, let absent):
                credentials = try StoredKeys.load(profile: profile, asked: plan.profile, ifAbsent: absent)
            case .sso(let source):
                credentials = try SSORoleCredentials(source: source, transport: transport, environment: environment,
                                                     now: now).credentials()
            }
            if let mfa = plan.mfa {
                credentials = try mfaSessions.session(for: mfa, longTerm: credentials, plan: plan, client: client)
            }
        } catch {
            throw error.inProfile(plan.profile)
        }
        for step in plan.roles {
            do {
                credentials = try client.assumeRole(step.parameters, using: credentials)
            } catch {
                throw error.naming(step: step, in: plan)
            }
        }
        return credentials
    }

    /// A source profile's credential_process, as botocore's ProcessProvider runs it.
    static func run(_ source: ProcessSource) throws(STSProcError) -> AWSCredentials {
        let program = ShellWords.programName(source.command)
        let output: [UInt8]
        do {
            output = try ExternalCommand.run(source.command, timeLimit: source.timeLimit)
        } catch {
            if RunDeadline.isPast { throw RunDeadline.reached(waitingFor: "credential_process of profile \(source.profile) (\(program))") }
            throw STSProcError(.configuration, failure: "credential_process of source profile \(source.profile) failed",
                               reason: error.reason, remedy: "Run \(program) by hand to see what it needs")
        }
        switch ProcessCredentialDocument.parse(output) {
        case .success(let credentials): return credentials
        case .failure(let problem):
            throw STSProcError(.configuration, failure: "credential_process of source profile \(source.profile) is unusable",
                               reason: "\(program): \(problem.text)",
                               remedy: "It must print {\"Version\": 1, \"AccessKeyId\": …, \"SecretAccessKey\": …}")
        }
    }

    func connection(for plan: CredentialPlan) -> STSConnectionSettings {
        STSConnectionSettings(endpoint: plan.endpoint, caBundlePath: plan.caBundlePath, maxAttempts: plan.maxAttempts)
    }
}

private extension STSProcError {
    /// In a chain, say which link failed; for a single role the profile says it already.
    func naming(step: RoleStep, in plan: CredentialPlan) -> STSProcError {
        var copy = self.inProfile(plan.profile)
        if plan.roles.count > 1 || step.profile != plan.profile {
            copy.failure += " for \(step.parameters.roleARN) (profile \(step.profile))"
        }
        return copy
    }
}
